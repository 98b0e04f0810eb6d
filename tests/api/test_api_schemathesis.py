"""Schemathesis over the whole /api/v1 OpenAPI document, as `st run --checks all` would run it, against the
live server with DEBUG off and valid partner tokens: no check of any kind may fail (server errors, status
codes, content types and bodies as declared, schema-invalid requests refused, schema-valid ones accepted,
missing or ignored authentication, unsupported methods), and no pushed batch may crash the importer.

Bounded (a few examples per operation and phase) so that it stays well under two minutes on two cores.
"""

import pytest

from anbili.registry.models import PARTNER_IMPORT_KINDS, BatchStatus, ImportBatch, PartnerKind
from anbili.registry.services import partner_token_issue
from tests.api.schemathesis_run import run_schemathesis

# Refusals a JSON schema cannot express, each documented in the operation's description: the ID number's
# GB 11643 check digit (400), a province or year without policy rows (422). The check still fails on
# anything else, e.g. a 5xx or a 422 for a request that the schema says is valid in form.
ACCEPTED_WITH_BUSINESS_RULES = {
    "^/api/v1/registry/persons/": ["2xx", "400", "401", "403", "404", "429"],
    "^/api/v1/levy/estimate$": ["2xx", "422", "429"],
}


@pytest.fixture
def free_rate(settings):
    """No rate limit during the run: schemathesis sends hundreds of requests a minute with one token."""
    settings.API_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.API_AUTH_FAILURE_LIMIT = 1_000_000
    settings.LEVY_ESTIMATE_RATE_LIMIT_PER_MINUTE = 1_000_000


@pytest.fixture
def tokens(regions) -> dict[str, str]:
    """A valid token per partner kind (the registry-data kinds push to their own endpoints)."""
    return {
        kind: partner_token_issue(name=f"测试合作方{kind}", kind=kind, province_code="15").token
        for kind in PartnerKind.values
    }


def _settings(tokens: dict[str, str]) -> dict:
    operations: list[dict] = [
        {
            "include-path-regex": f"^/api/v1/registry/{kind}/",
            "headers": {"Authorization": f"Bearer {tokens[partner_kind]}"},
        }
        for partner_kind, kinds in PARTNER_IMPORT_KINDS.items()
        for kind in kinds
    ]
    operations += [
        {
            "include-path-regex": path,
            "checks": {"positive_data_acceptance": {"expected-statuses": statuses}},
        }
        for path, statuses in ACCEPTED_WITH_BUSINESS_RULES.items()
    ]
    return {
        "headers": {"Authorization": f"Bearer {tokens[PartnerKind.DISABILITY_REGISTRY]}"},
        "operations": operations,
    }


@pytest.mark.django_db(transaction=True)
def test_openapi_passes_every_schemathesis_check(live_server, tokens, free_rate):
    run = run_schemathesis(live_server.url, max_examples=6, settings=_settings(tokens))
    assert len(run.operations) >= 18  # the 17 registry operations and the levy estimate
    assert not run.failures and not run.errors, run.report()
    # The checks that need them saw refusals: no token (401), a wrong method (405), an invalid request (422).
    assert {202, 401, 405, 422} <= set(run.statuses)
    assert not [status for status in run.statuses if status >= 500]
    # The pushed batches ran (after commit) and none of them crashed the importer.
    assert ImportBatch.objects.exists()
    assert not ImportBatch.objects.filter(status=BatchStatus.FAILED).exists()
