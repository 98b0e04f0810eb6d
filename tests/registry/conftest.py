"""Fixtures of the registry tests: a small generated dataset, both upsert paths, an import helper."""

from pathlib import Path

import pytest

from anbili.registry import services
from anbili.registry.generator import generate_dataset, options_for_province
from anbili.registry.upsert import PortableStager


@pytest.fixture(params=["native", "portable"])
def upsert_path(request, monkeypatch):
    """Run a test through the database's own path (COPY on PostgreSQL) and through the portable ORM path."""
    if request.param == "portable":
        monkeypatch.setattr(
            services, "stager_for", lambda spec, batch_id, prefix="": PortableStager(spec, batch_id, prefix)
        )
    return request.param


@pytest.fixture
def dataset(regions, tmp_path) -> Path:
    """A small province-15 dataset for business year 2025 (every planted case appears)."""
    options = options_for_province(province="15", year=2025, persons=40, employers=4, seed=11)
    generate_dataset(options, tmp_path / "ds")
    return tmp_path / "ds"


@pytest.fixture
def run_import(db):
    """Create a batch and run it in the foreground (what the task does); returns the finished batch."""

    def run(kind: str, data: bytes, *, partner=None, name: str = "rows.csv"):
        batch = services.import_batch_create(
            kind=kind, content=data, file_name=name, partner=partner, enqueue=False
        )
        return services.import_batch_run(batch_id=batch.pk)

    return run
