"""`import_batch_applied`: sent after an applied batch commits, naming the persons whose rows it created or
changed by year; never the rows it sent unchanged, never before commit."""

from datetime import date

import pytest

from anbili.core.identifiers import make_id_number, make_uscc
from anbili.registry.signals import ANY_YEAR, import_batch_applied

pytestmark = pytest.mark.django_db

PERSON = make_id_number("150102", date(1980, 5, 1), 11)
OTHER = make_id_number("150203", date(1990, 2, 3), 22)
THIRD = make_id_number("150102", date(1975, 8, 9), 31)
EMPLOYER = make_uscc("91150102MA0000001")
PENSION_HEADER = "身份证号,缴费单位统一社会信用代码,所属年月,缴费金额,参保地行政区划代码"


def csv_bytes(header: str, *lines: str) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


@pytest.fixture
def sent():
    """Every import_batch_applied sent during the test, as its keyword arguments."""
    calls: list[dict] = []

    def receiver(sender, signal, **kwargs):
        calls.append(kwargs)

    import_batch_applied.connect(receiver, dispatch_uid="test_registry_applied_signal")
    yield calls
    import_batch_applied.disconnect(dispatch_uid="test_registry_applied_signal")


def test_the_signal_names_created_and_changed_persons_by_year_after_commit(
    run_import, upsert_path, sent, django_capture_on_commit_callbacks
):
    first = csv_bytes(
        PENSION_HEADER,
        f"{PERSON},{EMPLOYER},202412,500.00,150102",
        f"{PERSON},{EMPLOYER},202501,500.00,150102",
        f"{OTHER},{EMPLOYER},202501,500.00,150203",
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = run_import("pension", first)
    assert sent == []  # not before commit
    for callback in callbacks:
        callback()
    assert sent == [
        {"batch_id": batch.pk, "kind": "pension", "touched": {2024: {PERSON}, 2025: {PERSON, OTHER}}}
    ]

    # A correction: PERSON's January amount changes, OTHER's row is sent again unchanged, THIRD is new.
    sent.clear()
    correction = csv_bytes(
        PENSION_HEADER,
        f"{PERSON},{EMPLOYER},202501,650.00,150102",
        f"{OTHER},{EMPLOYER},202501,500.00,150203",
        f"{THIRD},{EMPLOYER},202503,500.00,150102",
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = run_import("pension", correction)
    assert (batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (1, 1, 1)
    assert sent == [{"batch_id": batch.pk, "kind": "pension", "touched": {2025: {PERSON, THIRD}}}]

    # The same file again changes nothing and touches nobody: no signal.
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_import("pension", correction)
    assert sent == []


def test_person_rows_touch_every_year_of_the_person(
    run_import, upsert_path, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = run_import("person", csv_bytes("身份证号,姓名,户籍地行政区划代码", f"{PERSON},张三,150102"))
    assert sent == [{"batch_id": batch.pk, "kind": "person", "touched": {ANY_YEAR: {PERSON}}}]


def test_rows_not_keyed_by_person_send_nothing(
    run_import, upsert_path, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_import(
            "market_unit",
            csv_bytes(
                "统一社会信用代码,单位名称,单位性质,登记地行政区划代码", f"{EMPLOYER},某公司,企业,150102"
            ),
        )
    assert sent == []


def test_a_failing_receiver_does_not_fail_the_batch(
    run_import, sent, django_capture_on_commit_callbacks, caplog
):
    def broken(sender, **kwargs):
        raise RuntimeError("downstream broke")

    import_batch_applied.connect(broken, dispatch_uid="test_registry_applied_signal_broken")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            batch = run_import(
                "pension", csv_bytes(PENSION_HEADER, f"{PERSON},{EMPLOYER},202501,500.00,150102")
            )
    finally:
        import_batch_applied.disconnect(dispatch_uid="test_registry_applied_signal_broken")
    assert batch.status == "done"
    assert len(sent) == 1  # the other receivers still ran
    assert "receiver" in caplog.text and "failed" in caplog.text
