"""The seven month checks, one table row per way to pass or fail."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from anbili.core.identifiers import make_uscc
from anbili.core.month import Month
from anbili.rules.checks import (
    CertificateFact,
    CertificateSource,
    CheckCode,
    ContractFact,
    DocumentState,
    MonthFacts,
    WageRecord,
    check_month,
    contract_is_long_enough,
)
from anbili.rules.counting import CertificateKind

U = make_uscc("91150102MA0000001")  # the employer
R = make_uscc("91150102MA0000002")  # a related unit
X = make_uscc("91150102MA0000003")  # an unrelated unit

CONTRACT = ContractFact(
    start=date(2021, 1, 1),
    end=date(2023, 12, 31),
    wage_payer_uscc=U,
    pension_payer_uscc=U,
    medical_payer_uscc=U,
)
CERTIFICATE = CertificateFact(
    kind=CertificateKind.DISABLED_PERSON, level=3, valid_from=date(2015, 1, 1), valid_until=date(2025, 12, 31)
)
BASE = MonthFacts(
    month=Month(2021, 3),
    employer_uscc=U,
    sex="男",
    birth_date=date(1980, 5, 20),
    wages=(WageRecord(U, Decimal("2500.00")),),
    pension_payers={U},
    medical_payers={U},
    certificates=(CERTIFICATE,),
    contracts=(CONTRACT,),
    minimum_wage=Decimal("1980.00"),
)


def test_everything_present_passes() -> None:
    result = check_month(BASE)
    assert list(result.checks) == list(CheckCode)
    assert all(
        check.passed and check.reason_code == "" and check.message == "" for check in result.checks.values()
    )
    assert result.auto_passed
    assert result.failed == []
    assert result.weight == 1
    assert result.month == Month(2021, 3)


def _contract(**changes: Any) -> tuple[ContractFact, ...]:
    return (replace(CONTRACT, **changes),)


def _certificate(**changes: Any) -> tuple[CertificateFact, ...]:
    return (replace(CERTIFICATE, **changes),)


FAILURES: list[tuple[str, dict[str, Any], CheckCode, str, str]] = [
    (
        "no wage",
        {"wages": ()},
        CheckCode.WAGE,
        "wage_missing",
        "未查询到该月工资发放记录，请上传工资发放证明",
    ),
    (
        "wage paid by another unit",
        {"wages": (WageRecord(R, Decimal("2500.00")),)},
        CheckCode.WAGE,
        "wage_other_payer",
        "该月工资记录不在合同约定的工资发放单位（本单位或已登记的关联单位）名下，"
        "请核实工资发放单位；如由关联单位发放，请先登记该关联单位并在合同中选择",
    ),
    (
        "wage below minimum",
        {"wages": (WageRecord(U, Decimal("1500")),)},
        CheckCode.WAGE,
        "wage_below_minimum",
        "月工资 1500.00 元低于当月最低工资标准 1980.00 元",
    ),
    (
        "wage a cent below minimum",
        {"wages": (WageRecord(U, Decimal("1979.99")),)},
        CheckCode.WAGE,
        "wage_below_minimum",
        "月工资 1979.99 元低于当月最低工资标准 1980.00 元",
    ),
    (
        "only the unrelated payer's wage reaches the minimum",
        {"wages": (WageRecord(U, Decimal("1000")), WageRecord(X, Decimal("3000")))},
        CheckCode.WAGE,
        "wage_below_minimum",
        "月工资 1000.00 元低于当月最低工资标准 1980.00 元",
    ),
    (
        "no minimum wage configured",
        {"minimum_wage": None},
        CheckCode.WAGE,
        "minimum_wage_unknown",
        "未配置该月所在地区的最低工资标准，请联系残联核实",
    ),
    (
        "no pension",
        {"pension_payers": set()},
        CheckCode.PENSION,
        "pension_missing",
        "未查询到该月职工养老保险缴费记录，请上传社会保险缴费凭证或核实参保登记",
    ),
    (
        "pension paid by another unit",
        {"pension_payers": {X}},
        CheckCode.PENSION,
        "pension_other_payer",
        "该月社保记录不在合同约定的社保参保单位（本单位或已登记的关联单位）名下，"
        "请核实参保登记；如由关联单位缴纳，请先登记该关联单位并在合同中选择",
    ),
    (
        "no medical",
        {"medical_payers": ()},
        CheckCode.MEDICAL,
        "medical_missing",
        "未查询到该月职工医保缴费记录，请上传医疗保险缴费凭证或核实参保登记",
    ),
    (
        "medical paid by another unit",
        {"medical_payers": (R,)},
        CheckCode.MEDICAL,
        "medical_other_payer",
        "该月医保记录不在合同约定的医保参保单位（本单位或已登记的关联单位）名下，"
        "请核实参保登记；如由关联单位缴纳，请先登记该关联单位并在合同中选择",
    ),
    (
        "no certificate",
        {"certificates": ()},
        CheckCode.CERTIFICATE,
        "certificate_missing",
        "该月没有有效的残疾证，请核实残疾证有效期或补充历史残疾证",
    ),
    (
        "certificate expired before the month",
        {"certificates": _certificate(valid_until=date(2021, 2, 28))},
        CheckCode.CERTIFICATE,
        "certificate_missing",
        "该月没有有效的残疾证，请核实残疾证有效期或补充历史残疾证",
    ),
    (
        "certificate issued after the month",
        {"certificates": _certificate(valid_from=date(2021, 4, 1))},
        CheckCode.CERTIFICATE,
        "certificate_missing",
        "该月没有有效的残疾证，请核实残疾证有效期或补充历史残疾证",
    ),
    (
        "残疾军人证 level 9",
        {"certificates": _certificate(kind=CertificateKind.DISABLED_SERVICEMAN, level=9)},
        CheckCode.CERTIFICATE,
        "certificate_level_not_counted",
        "残疾军人证等级为9级，不计入按比例安置（残疾军人证仅1-8级计入）",
    ),
    (
        "残疾军人证 level 10",
        {"certificates": _certificate(kind=CertificateKind.DISABLED_SERVICEMAN, level=10)},
        CheckCode.CERTIFICATE,
        "certificate_level_not_counted",
        "残疾军人证等级为10级，不计入按比例安置（残疾军人证仅1-8级计入）",
    ),
    (
        "manual certificate not yet approved",
        {"certificates": _certificate(source=CertificateSource.MANUAL_PENDING)},
        CheckCode.CERTIFICATE,
        "certificate_pending_review",
        "补充的残疾证尚待残联审核，审核通过后该月方可计入",
    ),
    (
        "manual certificate rejected",
        {"certificates": _certificate(source=CertificateSource.MANUAL_REJECTED)},
        CheckCode.CERTIFICATE,
        "certificate_rejected",
        "补充的残疾证未通过残联审核，请核实后重新上传证明材料",
    ),
    (
        "under 16 on the first day",
        {"birth_date": date(2005, 3, 2)},
        CheckCode.AGE,
        "under_working_age",
        "2021年3月1日未满16周岁，不在就业年龄段",
    ),
    (
        "retired",
        {"birth_date": date(1960, 2, 15)},
        CheckCode.AGE,
        "over_retirement_age",
        "已于2020年2月达到法定退休年龄（60岁），不在就业年龄段",
    ),
    (
        "woman base 50 after the reform",
        {
            "month": Month(2025, 3),
            "sex": "女",
            "female_base_age": 50,
            "birth_date": date(1975, 1, 10),
            "contracts": _contract(end=None),
        },
        CheckCode.AGE,
        "over_retirement_age",
        "已于2025年2月达到法定退休年龄（50岁1个月），不在就业年龄段",
    ),
    (
        "no contract",
        {"contracts": ()},
        CheckCode.CONTRACT,
        "contract_missing",
        "该月没有有效的劳动合同（或编制证明），请补充合同信息",
    ),
    (
        "contract ended before the month",
        {"contracts": _contract(start=date(2020, 1, 1), end=date(2021, 2, 28))},
        CheckCode.CONTRACT,
        "contract_missing",
        "该月没有有效的劳动合同（或编制证明），请补充合同信息",
    ),
    (
        "contract shorter than a year",
        {"contracts": _contract(end=date(2021, 12, 30))},
        CheckCode.CONTRACT,
        "contract_too_short",
        "劳动合同期限（2021-01-01至2021-12-30）不足1年，不计入按比例安置",
    ),
    (
        "dispatch without agreement",
        {"contracts": _contract(dispatch=True, dispatch_company_filed=True)},
        CheckCode.CONTRACT,
        "dispatch_agreement_missing",
        "劳务派遣人员须上传派遣单位与本单位签订的派遣协议",
    ),
    (
        "dispatch company not filed",
        {"contracts": _contract(dispatch=True, dispatch_agreement=True, dispatch_company_uscc=R)},
        CheckCode.CONTRACT,
        "dispatch_not_filed",
        f"劳务派遣单位 {R} 未在本省办理劳务派遣备案，请核实备案情况",
    ),
    (
        "dispatch agreement not yet reviewed by the DPF",
        {"contracts": _contract(dispatch=True, dispatch_agreement=True, dispatch_company_filed=True)},
        CheckCode.CONTRACT,
        "dispatch_agreement_pending_review",
        "劳务派遣协议尚待残联审核，审核通过后该月方可计入",
    ),
    (
        "dispatch agreement rejected by the DPF",
        {
            "contracts": _contract(
                dispatch=True,
                dispatch_agreement=True,
                dispatch_company_filed=True,
                dispatch_agreement_review=DocumentState.REJECTED,
            )
        },
        CheckCode.CONTRACT,
        "dispatch_agreement_rejected",
        "劳务派遣协议未通过残联审核，请核实后重新上传",
    ),
    (
        "placed elsewhere",
        {"claimed_elsewhere": True},
        CheckCode.EXCLUSIVE,
        "placed_elsewhere",
        "该月已被其他单位安置登记（已确认或待审核），同一人同一月份不能重复计入",
    ),
]


@pytest.mark.parametrize(
    ("changes", "code", "reason", "message"), [row[1:] for row in FAILURES], ids=[row[0] for row in FAILURES]
)
def test_one_failed_check(changes: dict[str, Any], code: CheckCode, reason: str, message: str) -> None:
    result = check_month(replace(BASE, **changes))
    assert result.failed == [code]
    assert not result.auto_passed
    failed = result.checks[code]
    assert (failed.passed, failed.reason_code, failed.message) == (False, reason, message)


PASSES: list[tuple[str, dict[str, Any], int]] = [
    ("wage exactly the minimum", {"wages": (WageRecord(U, Decimal("1980.00")),)}, 1),
    (
        "wage split into two rows",
        {"wages": (WageRecord(U, Decimal("1000")), WageRecord(U, Decimal("980")))},
        1,
    ),
    (
        "payers are related units named in the contract",
        {
            "contracts": _contract(wage_payer_uscc=R, pension_payer_uscc=R),
            "wages": (WageRecord(R, Decimal("2500")),),
            "pension_payers": {R},
        },
        1,
    ),
    ("pension paid by the payer and by another", {"pension_payers": {U, X}}, 1),
    (
        "certificate valid on the month's last day only",
        {"certificates": _certificate(valid_from=date(2021, 3, 31))},
        1,
    ),
    (
        "certificate valid on the month's first day only",
        {"certificates": _certificate(valid_until=date(2021, 3, 1))},
        1,
    ),
    ("open certificate", {"certificates": _certificate(valid_from=None, valid_until=None)}, 1),
    ("残疾人证 level 1", {"certificates": _certificate(level=1)}, 2),
    ("残疾人证 level 2", {"certificates": _certificate(level=2)}, 2),
    ("残疾人证 level 4", {"certificates": _certificate(level=4)}, 1),
    (
        "残疾军人证 level 3",
        {"certificates": _certificate(kind=CertificateKind.DISABLED_SERVICEMAN, level=3)},
        2,
    ),
    (
        "残疾军人证 level 4",
        {"certificates": _certificate(kind=CertificateKind.DISABLED_SERVICEMAN, level=4)},
        1,
    ),
    (
        "残疾军人证 level 8",
        {"certificates": _certificate(kind=CertificateKind.DISABLED_SERVICEMAN, level=8)},
        1,
    ),
    (
        "manual certificate approved",
        {"certificates": _certificate(source=CertificateSource.MANUAL_APPROVED)},
        1,
    ),
    (
        "severe certificate replaces an ordinary one mid-month",
        {
            "certificates": (
                *_certificate(valid_until=date(2021, 3, 10)),
                *_certificate(level=2, valid_from=date(2021, 3, 11)),
            )
        },
        2,
    ),
    (
        "pending manual certificate beside a registry one",
        {"certificates": (CERTIFICATE, *_certificate(level=1, source=CertificateSource.MANUAL_PENDING))},
        1,
    ),
    ("contract of exactly one year", {"contracts": _contract(end=date(2021, 12, 31))}, 1),
    ("open-ended contract", {"contracts": _contract(end=None)}, 1),
    ("在编 with no term", {"contracts": _contract(end=date(2021, 6, 30), staffing_roster=True)}, 1),
    (
        "contract starting on the month's last day",
        {"contracts": _contract(start=date(2021, 3, 31), end=None)},
        1,
    ),
    (
        "dispatch with its agreement approved and the company filed",
        {
            "contracts": _contract(
                dispatch=True,
                dispatch_agreement=True,
                dispatch_company_filed=True,
                dispatch_agreement_review=DocumentState.APPROVED,
            )
        },
        1,
    ),
    (
        "a short contract ends and a long one starts in the month",
        {
            "contracts": (
                *_contract(start=date(2020, 12, 1), end=date(2021, 3, 14)),
                *_contract(start=date(2021, 3, 15), end=date(2024, 3, 14)),
            )
        },
        1,
    ),
    ("turns 16 on the first day", {"birth_date": date(2005, 3, 1)}, 1),
    (
        "man reaching 60y1m in the month",
        {"month": Month(2025, 2), "birth_date": date(1965, 1, 15), "contracts": _contract(end=None)},
        1,
    ),
]


@pytest.mark.parametrize(("changes", "weight"), [row[1:] for row in PASSES], ids=[row[0] for row in PASSES])
def test_passing_variants(changes: dict[str, Any], weight: int) -> None:
    result = check_month(replace(BASE, **changes))
    assert result.failed == []
    assert result.auto_passed
    assert result.weight == weight


def test_several_failures_are_all_reported() -> None:
    result = check_month(replace(BASE, wages=(), pension_payers=(), claimed_elsewhere=True))
    assert result.failed == [CheckCode.WAGE, CheckCode.PENSION, CheckCode.EXCLUSIVE]


def test_other_payer_failures_name_no_unit() -> None:
    # The rows may be under another employer: neither its USCC nor any other unit's appears (privacy).
    paid_elsewhere = replace(
        BASE, wages=(WageRecord(X, Decimal("3000")),), pension_payers={X, R}, medical_payers=(X,)
    )
    result = check_month(paid_elsewhere)
    assert result.failed == [CheckCode.WAGE, CheckCode.PENSION, CheckCode.MEDICAL]
    for code in result.failed:
        message = result.checks[code].message
        assert X not in message and R not in message and U not in message
        assert "统一社会信用代码" not in message and "本单位或已登记的关联单位" in message


def test_without_contract_only_the_employer_counts_as_payer() -> None:
    result = check_month(replace(BASE, contracts=(), wages=(WageRecord(R, Decimal("2500")),)))
    assert result.failed == [CheckCode.WAGE, CheckCode.CONTRACT]
    assert result.checks[CheckCode.WAGE].reason_code == "wage_other_payer"


def test_check_labels_are_the_column_headings() -> None:
    assert [code.label for code in CheckCode] == [
        "工资信息",
        "社保参保状态",
        "医保参保状态",
        "残疾证状态",
        "是否就业年龄段",
        "合同状态",
        "无其他单位安置",
    ]


@pytest.mark.parametrize(
    ("start", "end", "long_enough"),
    [
        (date(2021, 1, 1), date(2021, 12, 31), True),
        (date(2021, 1, 1), date(2021, 12, 30), False),
        (date(2021, 3, 15), date(2022, 3, 14), True),
        (date(2020, 2, 29), date(2021, 2, 27), True),
        (date(2020, 2, 29), date(2021, 2, 26), False),
        (date(2021, 1, 1), None, True),
    ],
)
def test_contract_is_long_enough(start: date, end: date | None, long_enough: bool) -> None:
    assert contract_is_long_enough(replace(CONTRACT, start=start, end=end)) is long_enough


def test_the_certificate_shown_is_the_best_counting_one_else_the_best_in_force() -> None:
    serviceman = CertificateFact(
        kind=CertificateKind.DISABLED_SERVICEMAN, level=2, valid_from=date(2015, 1, 1)
    )
    severe = replace(CERTIFICATE, level=1)
    not_counting = replace(CERTIFICATE, level=5)
    both = check_month(replace(BASE, certificates=(serviceman, CERTIFICATE)))
    # A 残疾人证 is shown before a 残疾军人证; the weight is the highest counting one (军人证 2 级: 2).
    assert both.certificate == CERTIFICATE and both.weight == 2
    assert check_month(replace(BASE, certificates=(CERTIFICATE, severe))).certificate == severe
    only_level_five = check_month(replace(BASE, certificates=(not_counting,)))
    assert only_level_five.certificate == not_counting and only_level_five.weight == 1
    assert not only_level_five.checks[CheckCode.CERTIFICATE].passed
    expired = replace(CERTIFICATE, valid_until=date(2021, 2, 28))
    assert check_month(replace(BASE, certificates=(expired,))).certificate is None


def test_a_check_called_alone_works_out_the_contracts_and_certificates_itself() -> None:
    from anbili.rules.checks import check_certificate, check_contract, check_wage, month_weight

    assert check_wage(BASE).passed and check_contract(BASE).passed and check_certificate(BASE).passed
    assert month_weight(replace(BASE, certificates=(replace(CERTIFICATE, level=2),))) == 2
    outside = replace(BASE, month=Month(2024, 1))
    assert check_contract(outside).reason_code == "contract_missing"
    assert (
        check_wage(replace(outside, wages=(WageRecord(X, Decimal("5000")),))).reason_code
        == "wage_other_payer"
    )


def test_the_inputs_and_the_result_are_frozen() -> None:
    from dataclasses import FrozenInstanceError

    with pytest.raises(FrozenInstanceError):
        BASE.minimum_wage = Decimal(0)  # type: ignore[misc]
    result = check_month(BASE)
    with pytest.raises(FrozenInstanceError):
        result.weight = 2  # type: ignore[misc]
    # Equal facts give equal results: nothing in check_month depends on anything but its input.
    assert check_month(replace(BASE)) == result


def test_every_check_takes_the_facts_alone() -> None:
    import inspect

    from anbili.rules import checks

    for name in (
        "check_wage",
        "check_pension",
        "check_medical",
        "check_certificate",
        "check_age",
        "check_contract",
        "check_exclusive",
        "month_weight",
        "shown_certificate",
        "check_month",
    ):
        assert list(inspect.signature(getattr(checks, name)).parameters) == ["facts"], name


def test_the_rules_keep_no_state_between_calls() -> None:
    # Caching belongs to the engine above the rules (issue #14): no module of anbili/rules rebinds a global,
    # so a check's answer depends on its facts alone. (functools caches of the pure date arithmetic in
    # retirement.py are allowed: keyed by immutable arguments, they cannot change an answer.)
    import ast
    from pathlib import Path

    import anbili.rules

    for path in Path(anbili.rules.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rebinding = [node for node in ast.walk(tree) if isinstance(node, ast.Global | ast.Nonlocal)]
        assert rebinding == [], path.name


def test_check_month_answers_every_check_by_its_member_in_column_order() -> None:
    assert list(check_month(BASE).checks) == list(CheckCode)


def test_contracts_and_certificates_outside_the_month_are_left_out_by_the_checks() -> None:
    # The engine hands only the month's covering contracts and certificates in force, but a caller that
    # hands the whole history gets the same answer.
    old_contract = replace(CONTRACT, start=date(2015, 1, 1), end=date(2016, 12, 31), wage_payer_uscc=X)
    old_certificate = replace(
        CERTIFICATE, level=1, valid_from=date(2010, 1, 1), valid_until=date(2014, 12, 31)
    )
    history = replace(BASE, contracts=(old_contract, CONTRACT), certificates=(old_certificate, CERTIFICATE))
    assert check_month(history) == check_month(BASE)
    only_old = check_month(replace(BASE, contracts=(old_contract,), certificates=(old_certificate,)))
    assert only_old.checks[CheckCode.CONTRACT].reason_code == "contract_missing"
    assert only_old.checks[CheckCode.CERTIFICATE].reason_code == "certificate_missing"
    assert only_old.weight == 1 and only_old.certificate is None
