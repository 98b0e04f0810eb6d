"""Fixtures of the API tests."""

import pytest


@pytest.fixture(autouse=True)
def _per_address_limits_lifted(settings):
    """Every test client request comes from 127.0.0.1, so the per-address limits (the public levy estimate,
    wrong tokens) would refuse the property and schemathesis runs after a few dozen requests. The tests of
    those limits (test_api_rate_limits.py) set their own low values."""
    settings.LEVY_ESTIMATE_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.API_AUTH_FAILURE_LIMIT = 1_000_000
