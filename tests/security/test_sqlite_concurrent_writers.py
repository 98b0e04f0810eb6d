"""On SQLite, two requests writing at once both succeed: writes start immediate transactions (so a read
cannot later fail to upgrade to a write, which no busy timeout can fix) and wait up to the busy timeout
for the other writer instead of failing with "database is locked"."""

import threading

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from config.settings import base


def _sqlite(path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": dict(base.SQLITE_OPTIONS),
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "TEST": {},
    }


def test_the_default_sqlite_database_gets_the_options():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("runs against SQLite only")
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert settings.DATABASES["default"]["OPTIONS"]["timeout"] >= 20


@pytest.fixture
def own_databases(django_db_blocker):
    """These connections go to a file of the test's own, not the test database."""
    with django_db_blocker.unblock():
        yield


def test_two_concurrent_writers_on_a_file_database_both_succeed(tmp_path, own_databases):
    path = tmp_path / "writers.sqlite3"
    setup = DatabaseWrapper(_sqlite(path), alias="writers_setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    setup.close()

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(name: str) -> None:
        alias = "writers"
        connections[alias] = DatabaseWrapper(_sqlite(path), alias=alias)  # thread-local, like a request's
        try:
            # A request reads, then writes, in one transaction; both reach the write at the same moment.
            try:
                barrier.wait(timeout=10)
                with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM counter").fetchone()
                    threading.Event().wait(0.3)  # the other writer arrives while this one holds the lock
                    cursor.execute("INSERT INTO counter (name) VALUES (%s)", [name])
            except BaseException as error:
                errors.append(error)
        finally:
            connections[alias].close()
            del connections[alias]

    threads = [threading.Thread(target=write, args=(name,)) for name in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    check = DatabaseWrapper(_sqlite(path), alias="writers_check")
    with check.cursor() as cursor:
        assert sorted(r[0] for r in cursor.execute("SELECT name FROM counter").fetchall()) == ["乙", "甲"]
    check.close()
