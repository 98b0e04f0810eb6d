"""Fixtures of the evidence tests."""

import pytest


@pytest.fixture
def employer(regions):
    from tests.factories import EmployerFactory

    return EmployerFactory()


@pytest.fixture(autouse=True)
def fresh_storage(settings):
    """An empty in-memory storage per test, so that "nothing stored" and orphan sweeps see only this test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
