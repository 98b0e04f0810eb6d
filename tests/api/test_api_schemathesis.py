"""Schemathesis over the whole /api/v1 OpenAPI document, through Django's WSGI app, with valid partner
tokens: no generated request may produce a server error (5xx), and no pushed batch may crash the importer.

Bounded (a few examples per operation, positive and negative generation) so it stays well under a minute.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from anbili.registry.models import PARTNER_IMPORT_KINDS, BatchStatus, ImportBatch, PartnerKind
from anbili.registry.services import partner_token_issue

EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}


@pytest.fixture
def tokens(regions) -> dict[str, str]:
    """A valid token per partner kind (the registry-data kinds push to their own endpoints)."""
    return {
        kind: partner_token_issue(name=f"测试合作方{kind}", kind=kind, province_code="15").token
        for kind in PartnerKind.values
    }


def _token_for(path: str, tokens: dict[str, str]) -> str:
    for partner_kind, kinds in PARTNER_IMPORT_KINDS.items():
        if any(path.startswith(f"/api/v1/registry/{kind}/") for kind in kinds):
            return tokens[partner_kind]
    return tokens[PartnerKind.DISABILITY_REGISTRY]


def _exercise(operation, mode, examples: int, headers: dict[str, str], failures: list[str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append(
                f"{operation.method.upper()} {operation.path} → {response.status_code}: "
                f"{case.as_curl_command(headers=headers)}"
            )

    call()


@pytest.mark.django_db
def test_openapi_has_no_server_errors(
    tokens, free_rate, wsgi_keeps_db_connection, django_capture_on_commit_callbacks
):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    failures: list[str] = []
    operations = 0
    with django_capture_on_commit_callbacks(execute=True):
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            headers = {"Authorization": f"Bearer {_token_for(operation.path, tokens)}"}
            for mode, examples in EXAMPLES.items():
                _exercise(operation, mode, examples, headers, failures)
    assert operations >= 18  # the 17 registry operations and the levy estimate
    assert failures == []
    # The pushed batches ran (after commit) and none of them crashed the importer.
    assert ImportBatch.objects.exists()
    assert not ImportBatch.objects.filter(status=BatchStatus.FAILED).exists()


@pytest.fixture
def free_rate(settings):
    """No rate limit during the run: hypothesis sends many requests per minute with one token."""
    settings.API_RATE_LIMIT_PER_MINUTE = 1_000_000
