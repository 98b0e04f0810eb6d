"""Schemathesis over the levy estimate alone, deeper than the whole-API run: every phase and every check (no
server error, responses as declared, schema-invalid requests refused, unsupported methods answered 405)."""

import pytest

from tests.api.schemathesis_run import run_schemathesis


@pytest.mark.django_db(transaction=True)
def test_levy_estimate_passes_every_schemathesis_check(live_server, regions, settings):
    settings.LEVY_ESTIMATE_RATE_LIMIT_PER_MINUTE = 1_000_000
    run = run_schemathesis(
        live_server.url,
        max_examples=150,
        settings={
            # Mostly provinces and years with policy rows, so that more valid requests reach the estimate.
            "dictionaries": {
                "provinces": {"values": ["15", "36", "150000", "360000", "150102"]},
                "years": {"values": [2023, 2024, 2025]},
            },
            "parameters": {
                "body.province": {"dictionary": "provinces", "probability": 0.8},
                "body.year": {"dictionary": "years", "probability": 0.8},
            },
            "operations": [
                {"include-path": "/api/v1/levy/estimate", "enabled": True},
                # A schema-valid request may still be refused, by design, for what a JSON schema cannot say:
                # a province or year without policy rows, a ratio below 1.5%, a value above its bound (422
                # with the reason per field). Any other refusal of a valid request still fails the check.
                {
                    "include-path": "/api/v1/levy/estimate",
                    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "422", "429"]}},
                },
                {"exclude-path": "/api/v1/levy/estimate", "enabled": False},
            ],
        },
    )
    assert run.operations == {"POST /api/v1/levy/estimate"}
    assert not run.failures and not run.errors, run.report()
    assert {200, 405, 422} <= set(run.statuses)
    assert run.statuses[200] >= 5, run.statuses  # the estimate itself ran, not only its refusals
