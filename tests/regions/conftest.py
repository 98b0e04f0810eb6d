"""Fixtures for the regions tests: the seeded divisions and policy tables."""

import pytest

from anbili.regions.services import SeedReport, regions_seed


@pytest.fixture
def seeded(db) -> SeedReport:
    """Run the seed once for the test and hand back its report."""
    return regions_seed()
