"""Partner scope on the stored row: a batch scoped to one province (a partner's, or `import_registry
--province`) may not change a mirrored row that belongs to another province, whatever region the pushed row
names. Run over both upsert paths (COPY staging on PostgreSQL, the portable ORM path everywhere)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anbili.core.identifiers import make_id_number, make_uscc
from anbili.registry.models import (
    Certificate,
    DispatchFiling,
    ImportRowError,
    MarketUnit,
    MedicalMonth,
    PartnerKind,
    PensionMonth,
    RegistryPerson,
    WageMonth,
)
from anbili.registry.services import partner_token_issue, rows_as_jsonl

JIANGXI_PERSON = make_id_number("360102", date(1985, 3, 4), 31)
MONGOLIA_PERSON = make_id_number("150102", date(1980, 5, 1), 11)
JIANGXI_UNIT = make_uscc("91360102MA0000009")
MONGOLIA_UNIT = make_uscc("91150102MA0000001")


@dataclass(frozen=True)
class Case:
    """One kind: a stored 江西 row, a 内蒙古 push of the same key with changed values, a plain 内蒙古 row."""

    kind: str
    partner_kind: str
    stored: dict[str, Any]
    hijack: dict[str, Any]
    own: dict[str, Any]
    owner_column: str


def _monthly(amount: str, region: str, person: str = JIANGXI_PERSON, month: str = "202501") -> dict[str, Any]:
    return {
        "id_number": person,
        "payer_uscc": JIANGXI_UNIT,
        "month": month,
        "amount": amount,
        "region_code": region,
    }


def _certificate(region: str, status: str, number: str = f"{JIANGXI_PERSON}14") -> dict[str, Any]:
    return {
        "number": number,
        "id_number": number[:18],
        "kind": "残疾人证",
        "category": 1,
        "level": 4,
        "valid_from": "2020-01-01",
        "valid_until": "2030-12-31",
        "status": status,
        "region_code": region,
    }


CASES = [
    Case(
        "person",
        PartnerKind.DISABILITY_REGISTRY,
        {"id_number": JIANGXI_PERSON, "name": "刘小红", "household_region": "360102"},
        {"id_number": JIANGXI_PERSON, "name": "冒名顶替", "household_region": "150102"},
        {"id_number": MONGOLIA_PERSON, "name": "王建军", "household_region": "150102"},
        "户籍地行政区划代码",
    ),
    Case(
        "certificate",
        PartnerKind.DISABILITY_REGISTRY,
        _certificate("360102", "正常"),
        _certificate("150102", "已注销"),
        _certificate("150102", "正常", number=f"{MONGOLIA_PERSON}14"),
        "发证地行政区划代码",
    ),
    Case(
        "pension",
        PartnerKind.SOCIAL_INSURANCE,
        _monthly("800.00", "360102"),
        _monthly("1.00", "150102"),
        _monthly("600.00", "150102", person=MONGOLIA_PERSON),
        "参保地行政区划代码",
    ),
    Case(
        "medical",
        PartnerKind.MEDICAL_INSURANCE,
        _monthly("300.00", "360102"),
        _monthly("1.00", "150102"),
        _monthly("200.00", "150102", person=MONGOLIA_PERSON),
        "参保地行政区划代码",
    ),
    Case(
        "wage",
        PartnerKind.WAGE,
        _monthly("4000.00", "360102"),
        _monthly("1.00", "150102"),
        _monthly("3000.00", "150102", person=MONGOLIA_PERSON),
        "发放地行政区划代码",
    ),
    Case(
        "market_unit",
        PartnerKind.MARKET_REGISTRY,
        {"uscc": JIANGXI_UNIT, "name": "江西赣江食品有限公司", "nature": "企业", "region_code": "360102"},
        {"uscc": JIANGXI_UNIT, "name": "改名的公司", "nature": "企业", "region_code": "150102"},
        {
            "uscc": MONGOLIA_UNIT,
            "name": "呼和浩特市青城电子科技有限公司",
            "nature": "企业",
            "region_code": "150102",
        },
        "登记地行政区划代码",
    ),
]

MODELS = {
    "person": RegistryPerson,
    "certificate": Certificate,
    "pension": PensionMonth,
    "medical": MedicalMonth,
    "wage": WageMonth,
    "market_unit": MarketUnit,
    "dispatch_filing": DispatchFiling,
}


def _snapshot(kind: str) -> list[dict[str, Any]]:
    return list(MODELS[kind].objects.order_by("pk").values())


def _errors(batch) -> list[tuple[int, str, str]]:
    return list(ImportRowError.objects.filter(batch=batch).values_list("row_number", "column", "message"))


def _partner(kind: str, province: str):
    return partner_token_issue(name=f"合作方{province}{kind}", kind=kind, province_code=province).partner


@pytest.mark.parametrize("case", CASES, ids=[case.kind for case in CASES])
def test_a_partner_cannot_change_a_row_of_another_province(run_import, regions, upsert_path, case):
    run_import(case.kind, rows_as_jsonl([case.stored]), partner=_partner(case.partner_kind, "36"))
    before = _snapshot(case.kind)
    assert len(before) == 1

    batch = run_import(
        case.kind,
        rows_as_jsonl([case.own, case.hijack]),
        partner=_partner(case.partner_kind, "15"),
        name="rows.jsonl",
    )

    assert (batch.status, batch.rows_total, batch.rows_failed) == ("done", 2, 1)
    assert (batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (1, 0, 0)
    [(row, column, message)] = _errors(batch)
    assert (row, column) == (2, case.owner_column)
    assert message.startswith("已有记录") and "360102" in message and "属于江西省" in message
    assert message.endswith("本批次只能新增或更改内蒙古自治区的数据，本行未导入")
    # The 江西 row is exactly as it was, provenance included; the 内蒙古 row of the same batch went in.
    after = _snapshot(case.kind)
    assert after[0] == before[0] and len(after) == 2


@pytest.mark.parametrize("case", CASES, ids=[case.kind for case in CASES])
def test_the_same_push_is_applied_by_the_owning_province(run_import, regions, upsert_path, case):
    """The refusal is about the stored row's owner, not about the pushed values."""
    run_import(case.kind, rows_as_jsonl([case.stored]), partner=_partner(case.partner_kind, "36"))
    moved = {**case.hijack, **{key: value for key, value in case.stored.items() if "region" in key}}
    batch = run_import(case.kind, rows_as_jsonl([moved]), partner=_partner(case.partner_kind, "36"))
    assert (batch.rows_updated, batch.rows_failed) == (1, 0)


def test_dispatch_filings_of_another_province_stay_apart(run_import, regions, upsert_path):
    """A filing's authority is part of its key: a 内蒙古 push adds its own filing and never reaches 江西's."""
    filing = {
        "company_uscc": JIANGXI_UNIT,
        "company_name": "江西赣才劳务派遣有限公司",
        "region_code": "360102",
        "filing_number": "赣劳派001",
        "valid_from": "2023-01-01",
        "valid_until": "2026-12-31",
    }
    run_import(
        "dispatch_filing", rows_as_jsonl([filing]), partner=_partner(PartnerKind.DISPATCH_FILING, "36")
    )
    before = _snapshot("dispatch_filing")
    mongolia = _partner(PartnerKind.DISPATCH_FILING, "15")
    batch = run_import(
        "dispatch_filing",
        rows_as_jsonl(
            [
                {**filing, "company_name": "改名", "valid_until": "2023-01-31"},
                {**filing, "region_code": "150102", "filing_number": "蒙劳派9"},
            ]
        ),
        partner=mongolia,
    )
    assert (batch.rows_created, batch.rows_updated, batch.rows_failed) == (1, 0, 1)
    [(row, column, message)] = _errors(batch)
    assert (row, column) == (1, "备案机关行政区划代码") and "属于江西省" in message
    after = _snapshot("dispatch_filing")
    assert after[0] == before[0]
    assert DispatchFiling.objects.get(region_code="150102").filing_number == "蒙劳派9"


def test_an_unscoped_operator_import_may_change_any_province(run_import, regions, upsert_path):
    case = CASES[2]
    run_import(case.kind, rows_as_jsonl([case.stored]), partner=_partner(case.partner_kind, "36"))
    batch = run_import(case.kind, rows_as_jsonl([case.hijack]))
    assert (batch.rows_updated, batch.rows_failed) == (1, 0)
    assert PensionMonth.objects.get().amount == Decimal("1.00")


def test_refused_rows_and_duplicates_are_counted_once(run_import, regions, upsert_path):
    social_36 = _partner(PartnerKind.SOCIAL_INSURANCE, "36")
    run_import("pension", rows_as_jsonl([_monthly("800.00", "360102")]), partner=social_36)
    batch = run_import(
        "pension",
        rows_as_jsonl(
            [
                _monthly("1.00", "150102"),  # row 1: 江西's row, refused
                _monthly("2.00", "150102"),  # row 2: duplicate of row 1
                _monthly("600.00", "150102", month="202502"),  # row 3: new, 内蒙古's
            ]
        ),
        partner=_partner(PartnerKind.SOCIAL_INSURANCE, "15"),
    )
    assert (batch.rows_failed, batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (2, 1, 0, 0)
    assert [row for row, _, _ in _errors(batch)] == [1, 2]


def _queries_of_scoped_import(run_import, refused: int) -> int:
    rows = [_monthly("1.00", "150102", month=f"2024{m:02d}") for m in range(1, refused + 1)]
    rows += [_monthly("600.00", "150102", person=MONGOLIA_PERSON, month=f"2024{m:02d}") for m in range(1, 13)]
    partner = _partner(PartnerKind.SOCIAL_INSURANCE, "15")
    with CaptureQueriesContext(connection) as captured:
        batch = run_import("pension", rows_as_jsonl(rows), partner=partner)
    assert batch.rows_failed == refused
    return len(captured.captured_queries)


def test_the_stored_row_check_is_set_based(run_import, regions, upsert_path):
    """One query per batch (PostgreSQL) or per chunk (portable), never one per refused row."""
    social_36 = _partner(PartnerKind.SOCIAL_INSURANCE, "36")
    stored = [_monthly("800.00", "360102", month=f"2024{m:02d}") for m in range(1, 13)]
    run_import("pension", rows_as_jsonl(stored), partner=social_36)
    PensionMonth.objects.filter(region_code="150102").delete()
    one = _queries_of_scoped_import(run_import, 1)
    PensionMonth.objects.filter(region_code="150102").delete()
    twelve = _queries_of_scoped_import(run_import, 12)
    assert one == twelve


def test_import_registry_with_a_province_refuses_other_provinces_rows(run_import, regions, tmp_path):
    import io

    from django.core.management import CommandError, call_command

    run_import("pension", rows_as_jsonl([_monthly("800.00", "360102")]))
    path = tmp_path / "养老.jsonl"
    path.write_bytes(rows_as_jsonl([_monthly("1.00", "150102"), _monthly("600", "150102", month="202502")]))
    out = io.StringIO()
    call_command("import_registry", "pension", str(path), "--province", "15", stdout=out)
    output = out.getvalue()
    assert "新增 1，更新 0，未变化 0，失败 1" in output
    assert "第1行【参保地行政区划代码】：已有记录" in output and "属于江西省" in output
    assert PensionMonth.objects.get(month=202501).amount == Decimal("800.00")
    with pytest.raises(CommandError, match="省份代码“99”无效"):
        call_command("import_registry", "pension", str(path), "--province", "99", stdout=out)
