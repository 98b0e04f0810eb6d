"""Fixtures of the placement tests: an employer of 新城区 (内蒙古), its legal person, a fresh storage."""

import pytest


@pytest.fixture(autouse=True)
def fresh_storage(settings):
    """An empty in-memory storage per test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def employer(regions):
    from tests.factories import EmployerFactory, unit_info_saved

    employer = EmployerFactory()
    unit_info_saved(employer)  # placements start only once the year's unit information is saved
    return employer


@pytest.fixture
def user(employer):
    from tests.factories import MembershipFactory

    return MembershipFactory(employer=employer).user


@pytest.fixture(autouse=True)
def no_year_locks():
    """Lock hooks registered by a test do not leak into the next."""
    from anbili.placements import locks

    saved = list(locks._YEAR_LOCKS)
    yield
    locks._YEAR_LOCKS[:] = saved
