"""Re-verification on new data (issue #14 item 5): an applied registry batch re-verifies, in the background,
the placements of the persons it touched and only theirs; only changed months are written; a failure of the
re-verification never breaks the import."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from anbili.placements import reverify
from anbili.placements.models import Placement, PlacementMonth
from anbili.placements.reverify import placements_reverify_persons
from anbili.registry.models import WageMonth
from anbili.registry.services import import_batch_create, import_batch_run
from tests.placements.placement_data import YEAR, new_id_number, ready_draft, registry_person

pytestmark = pytest.mark.django_db

WAGE_HEADER = "身份证号,发放单位统一社会信用代码,所属年月,工资金额,发放地行政区划代码"
FIRST = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)
LATER = datetime(2026, 6, 2, 7, 30, tzinfo=UTC)


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join([WAGE_HEADER, *lines]) + "\n").encode()


def months_of(placement) -> dict[int, tuple]:
    return {
        m.month: (m.auto_passed, m.checks, m.regressed_at)
        for m in PlacementMonth.objects.filter(placement=placement)
    }


@pytest.fixture
def three(employer, user):
    """Three verified drafts of 2025, every month passing, verified at FIRST."""
    with time_machine.travel(FIRST, tick=False):
        placements = []
        for _ in range(3):
            number = new_id_number()
            registry_person(number, payer=employer.uscc)
            placements.append(ready_draft(employer, user, number))
    return placements


def _import(data: bytes, capture):
    with time_machine.travel(LATER, tick=False), capture(execute=True):
        batch = import_batch_create(kind="wage", content=data, enqueue=False)
        return import_batch_run(batch_id=batch.pk)


def test_an_import_re_verifies_only_the_touched_persons_placements(
    three, employer, django_capture_on_commit_callbacks
):
    touched, untouched, _ = three
    before_untouched = months_of(untouched)
    before_touched = months_of(touched)
    # A correction of one month: March's wage falls below the minimum wage.
    batch = _import(
        csv_bytes(f"{touched.id_number},{employer.uscc},{YEAR}03,1000.00,150102"),
        django_capture_on_commit_callbacks,
    )
    assert batch.status == "done" and batch.rows_updated == 1
    touched.refresh_from_db()
    untouched.refresh_from_db()
    assert touched.verified_at == LATER
    assert untouched.verified_at == FIRST
    assert months_of(untouched) == before_untouched
    after = months_of(touched)
    changed = {month for month in after if after[month] != before_touched[month]}
    assert changed == {YEAR * 100 + 3}
    march = PlacementMonth.objects.get(placement=touched, month=YEAR * 100 + 3)
    assert march.auto_passed is False and march.checks["wage"]["passed"] is False


def test_a_person_with_rows_but_no_placement_of_the_year_is_not_verified(
    three, employer, django_capture_on_commit_callbacks
):
    stranger = new_id_number()
    batch = _import(
        csv_bytes(f"{stranger},{employer.uscc},{YEAR}03,3000.00,150102"), django_capture_on_commit_callbacks
    )
    assert batch.rows_created == 1
    assert set(Placement.objects.values_list("verified_at", flat=True)) == {FIRST}


def test_a_touched_month_of_another_year_leaves_the_placements_alone(
    three, employer, django_capture_on_commit_callbacks
):
    touched = three[0]
    _import(
        csv_bytes(f"{touched.id_number},{employer.uscc},{YEAR + 1}03,1000.00,150102"),
        django_capture_on_commit_callbacks,
    )
    touched.refresh_from_db()
    assert touched.verified_at == FIRST


def test_only_the_changed_months_are_written(three, employer):
    touched, untouched, _ = three
    WageMonth.objects.filter(id_number=touched.id_number, month=YEAR * 100 + 5).update(amount=Decimal("900"))
    with time_machine.travel(LATER, tick=False):
        result = placements_reverify_persons(
            id_numbers=[touched.id_number, untouched.id_number], business_year=YEAR
        )
    # Two placements computed (24 months); one month's verdict changed and only it is written.
    assert (result.placements, result.months, result.written) == (2, 24, 1)
    with time_machine.travel(LATER, tick=False):
        again = placements_reverify_persons(id_numbers=[touched.id_number], business_year=YEAR)
    assert (again.placements, again.written) == (1, 0)


def test_a_locked_year_is_skipped(three, employer):
    from anbili.placements import services

    services.placement_year_lock_register(lambda e, year: "已完成申报" if year == YEAR else None)
    with time_machine.travel(LATER, tick=False):
        result = placements_reverify_persons(id_numbers=[p.id_number for p in three], business_year=YEAR)
    assert result.placements == 0
    assert set(Placement.objects.values_list("verified_at", flat=True)) == {FIRST}


def test_a_failing_re_verification_never_breaks_the_import(
    three, employer, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("verification broke")

    monkeypatch.setattr(reverify, "verify_placements", broken)
    touched = three[0]
    batch = _import(
        csv_bytes(f"{touched.id_number},{employer.uscc},{YEAR}03,1000.00,150102"),
        django_capture_on_commit_callbacks,
    )
    assert batch.status == "done"
    assert WageMonth.objects.get(id_number=touched.id_number, month=YEAR * 100 + 3).amount == Decimal("1000")
    touched.refresh_from_db()
    assert touched.verified_at == FIRST


def test_a_failing_enqueue_never_breaks_the_import(
    three, employer, settings, django_capture_on_commit_callbacks, caplog
):
    # The task queue cannot be reached: its backend cannot even be loaded.
    settings.TASKS = {"default": {"BACKEND": "anbili.no_such_module.Backend"}}
    batch = _import(
        csv_bytes(f"{three[0].id_number},{employer.uscc},{YEAR}03,1000.00,150102"),
        django_capture_on_commit_callbacks,
    )
    assert batch.status == "done"
    assert "import_batch_applied failed" in caplog.text


def test_too_many_persons_in_a_year_queue_the_whole_year(monkeypatch):
    monkeypatch.setattr(reverify, "REVERIFY_PERSONS_MAX", 2)
    payload = reverify.reverify_payload(
        {2025: frozenset({"a", "b", "c"}), 0: frozenset({"d"}), 2024: frozenset()}
    )
    assert payload == [[0, ["d"]], [2025, None]]
