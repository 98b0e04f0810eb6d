"""The month store: one writer of verdicts and of the digest, in two implementations with one contract
(PostgreSQL upserts, portable ORM), both run here; the portable one on PostgreSQL too."""

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from django.db import connection

from anbili.placements.models import MonthOutcomeChoice, Placement, PlacementMonth
from anbili.placements.verification.encoding import MonthVerdict, encode, verdicts_digest
from anbili.placements.verification.store import (
    VERDICT_FIELDS,
    PortableMonthStore,
    PostgresMonthStore,
    month_store,
    placement_months_amend,
)
from tests.placements.placement_data import new_id_number, ready_draft, registry_person

pytestmark = pytest.mark.django_db

EARLY = datetime(2026, 3, 1, 8, tzinfo=UTC)
LATE = datetime(2026, 4, 1, 8, tzinfo=UTC)


@pytest.fixture(params=["postgresql", "portable"])
def store(request):
    if request.param == "portable":
        return PortableMonthStore()
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL store needs PostgreSQL")
    return PostgresMonthStore()


@pytest.fixture
def placement(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc)
    return ready_draft(employer, user, number)


def _verdict(month, *, passed=True, reason="", weight=1):
    checks = {"wage": {"passed": passed, "sources": []}}
    if not passed:
        checks["wage"] |= {"reason_code": reason, "message": "低于最低工资"}
    return MonthVerdict(month, encode(checks), passed, weight, "残疾人证", 4)


def _year(**changes):
    return [_verdict(202500 + m, **(changes if m == 12 else {})) for m in range(1, 13)]


def _stored(placement):
    return {row.month: row for row in PlacementMonth.objects.filter(placement=placement)}


def test_the_factory_picks_the_database_s_store():
    expected = PostgresMonthStore if connection.vendor == "postgresql" else PortableMonthStore
    assert type(month_store()) is expected


def test_the_columns_are_the_model_s_fields():
    names = {field.name for field in PlacementMonth._meta.get_fields()}
    assert set(VERDICT_FIELDS) <= names


def test_only_the_months_whose_verdict_differs_are_written(store, placement):
    PlacementMonth.objects.filter(placement=placement).delete()
    assert store.months_write([(placement.pk, v) for v in _year()], EARLY) == 12
    assert store.months_write([(placement.pk, v) for v in _year()], EARLY) == 0
    # A correction of December: one month written, the others untouched.
    assert store.months_write([(placement.pk, v) for v in _year(passed=False, reason="x")], EARLY) == 1
    rows = _stored(placement)
    assert len(rows) == 12 and not rows[202512].auto_passed and rows[202511].auto_passed
    assert rows[202512].checks["wage"]["reason_code"] == "x"
    assert rows[202512].outcome == MonthOutcomeChoice.NOT_SELECTED and not rows[202512].selected
    # Only the weight changes: written too.
    assert (
        store.months_write([(placement.pk, v) for v in _year(passed=False, reason="x", weight=2)], EARLY) == 1
    )


def test_a_confirmed_month_that_fails_is_flagged_once(store, placement):
    store.months_write([(placement.pk, v) for v in _year()], EARLY)
    PlacementMonth.objects.filter(placement=placement, month=202512).update(
        outcome=MonthOutcomeChoice.AUTO_CONFIRMED, selected=True
    )
    PlacementMonth.objects.filter(placement=placement, month=202511).update(
        outcome=MonthOutcomeChoice.PENDING_REVIEW, selected=True
    )
    failing = [_verdict(202500 + m, passed=m < 11, reason="wage_below_minimum") for m in range(1, 13)]
    assert store.months_write([(placement.pk, v) for v in failing], EARLY) == 2
    rows = _stored(placement)
    assert rows[202512].regressed_at == EARLY
    assert rows[202511].regressed_at is None  # not confirmed: nothing to flag
    # Failing again, differently and later: the first time is kept.
    again = [_verdict(202500 + m, passed=m < 11, reason="wage_missing") for m in range(1, 13)]
    assert store.months_write([(placement.pk, v) for v in again], LATE) == 2
    assert _stored(placement)[202512].regressed_at == EARLY


def test_a_confirmed_month_that_had_failed_is_not_a_regression(store, placement):
    store.months_write([(placement.pk, v) for v in _year(passed=False, reason="a")], EARLY)
    PlacementMonth.objects.filter(placement=placement, month=202512).update(
        outcome=MonthOutcomeChoice.CONFIRMED
    )
    store.months_write([(placement.pk, v) for v in _year(passed=False, reason="b")], EARLY)
    assert _stored(placement)[202512].regressed_at is None


def test_one_placement_is_stored_with_its_digest_and_returned_as_stored(store, placement):
    PlacementMonth.objects.filter(placement=placement).delete()
    rows = store.placement_store(placement, _year(), now=EARLY)
    assert [r.month for r in rows] == [202500 + m for m in range(1, 13)]
    assert all(r.pk for r in rows)
    fresh = Placement.objects.get(pk=placement.pk)
    assert fresh.verdicts_digest == verdicts_digest(_year()) and fresh.verified_at == EARLY
    stored = _stored(placement)
    names = [f.attname for f in PlacementMonth._meta.concrete_fields]
    assert [[getattr(r, n) for n in names] for r in rows] == [
        [getattr(stored[m], n) for n in names] for m in sorted(stored)
    ]
    assert all(not r._state.adding for r in rows)  # saved instances: a later save() updates
    # December confirmed, then failing: the returned row carries the flag the store set.
    PlacementMonth.objects.filter(placement=placement, month=202512).update(
        outcome=MonthOutcomeChoice.AUTO_CONFIRMED
    )
    rows = store.placement_store(fresh, _year(passed=False, reason="x"), now=LATE)
    assert rows[-1].regressed_at == LATE == _stored(placement)[202512].regressed_at
    assert not rows[-1].auto_passed and rows[-1].checks["wage"]["reason_code"] == "x"


def test_an_amended_verdict_is_stored_with_a_recomputed_digest(store, monkeypatch, placement):
    store.placement_store(placement, _year(), now=EARLY)
    monkeypatch.setattr("anbili.placements.verification.store.month_store", lambda: store)
    row = PlacementMonth.objects.get(placement=placement, month=202506)
    row.checks = {
        **row.checks,
        "exclusive": {"passed": False, "reason_code": "placed_elsewhere", "sources": []},
    }
    row.auto_passed = False
    digest = placement_months_amend(placement, [row])
    stored = sorted(_stored(placement).values(), key=lambda r: r.month)
    assert stored[5].checks["exclusive"]["reason_code"] == "placed_elsewhere" and not stored[5].auto_passed
    expected = verdicts_digest(
        MonthVerdict(
            r.month, encode(r.checks), r.auto_passed, r.weight, r.certificate_type, r.certificate_level
        )
        for r in stored
    )
    assert (
        digest
        == expected
        == Placement.objects.get(pk=placement.pk).verdicts_digest
        == placement.verdicts_digest
    )
    assert digest != verdicts_digest(_year())


def test_the_pool_module_imports_before_django_is_set_up():
    # A spawned worker unpickles worker_start before django.setup(): importing it must not need the models.
    code = (
        "import anbili.placements.verification.pool as p; "
        "print(callable(p.worker_start) and callable(p._named_job) and callable(p._range_job))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
