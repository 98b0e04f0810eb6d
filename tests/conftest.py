"""Shared fixtures: factories, demo-like data, and the headless-Chromium browser with an axe-core check."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def regions(db):
    """The seeded GB/T 2260 regions and policy tables (内蒙古 and 江西 in full)."""
    from anbili.regions.services import regions_seed

    regions_seed()
