"""The risk signals (anbili.rules.signals): each on and off, at its boundaries."""

from datetime import date
from decimal import Decimal

import pytest

from anbili.core.month import Month, months_of_year
from anbili.rules.retirement import retirement_date
from anbili.rules.signals import (
    SIGNAL_LABELS,
    Signal,
    SignalCode,
    SignalFacts,
    SignalMonth,
    placement_signals,
)

YEAR = 2025
MINIMUM = Decimal("1980.00")


def _month(m: int, **fields) -> SignalMonth:
    values = {"own_wage": Decimal("3000.00"), "any_wage": True, "insured": True, "minimum_wage": MINIMUM}
    values.update(fields)
    return SignalMonth(month=Month(YEAR, m), **values)


def _facts(**fields) -> SignalFacts:
    values = {
        "business_year": YEAR,
        "sex": "男",
        "birth_date": date(1985, 3, 1),
        "months": [_month(m) for m in range(1, 13)],
        "first_certificate_from": date(2018, 5, 1),
        "contract_starts": [date(2024, 7, 1)],
    }
    values.update(fields)
    return SignalFacts(**values)


def _codes(facts: SignalFacts) -> list[SignalCode]:
    return [signal.code for signal in placement_signals(facts)]


def test_an_ordinary_placement_has_no_signal():
    assert placement_signals(_facts()) == []


def test_every_code_has_a_label_and_signals_come_in_code_order():
    assert set(SIGNAL_LABELS) == set(SignalCode)
    facts = _facts(
        months=[_month(m, own_wage=MINIMUM) for m in range(1, 13)],
        other_employers=1,
        first_certificate_from=date(YEAR, 3, 1),
        contract_starts=[date(YEAR, 10, 1)],
        shared_files=1,
        sharing_placements=1,
        birth_date=date(1965, 1, 1),
    )
    assert _codes(facts) == [c for c in SignalCode if c is not SignalCode.INSURANCE_WITHOUT_WAGE]
    for signal in placement_signals(facts):
        assert signal.detail and len(signal.detail) <= 200 and signal.label == SIGNAL_LABELS[signal.code]


# --- wage at the minimum -------------------------------------------------------------------------------


def test_wage_exactly_at_the_minimum_every_month_is_flagged():
    facts = _facts(months=[_month(m, own_wage=MINIMUM) for m in range(1, 13)])
    [signal] = placement_signals(facts)
    assert signal == Signal(
        SignalCode.WAGE_AT_MINIMUM, "所选12个有工资记录的月份，月工资均恰好等于当地最低工资标准"
    )


def test_one_month_a_fen_above_the_minimum_clears_the_wage_signal():
    months = [_month(m, own_wage=MINIMUM) for m in range(1, 12)] + [
        _month(12, own_wage=MINIMUM + Decimal("0.01"))
    ]
    assert SignalCode.WAGE_AT_MINIMUM not in _codes(_facts(months=months))


def test_months_without_a_wage_record_are_left_out_of_the_wage_signal():
    months = [_month(1, own_wage=MINIMUM), _month(2, own_wage=None, any_wage=False, insured=False)]
    assert _codes(_facts(months=months)) == [SignalCode.WAGE_AT_MINIMUM]
    assert "所选1个" in placement_signals(_facts(months=months))[0].detail


def test_no_wage_record_at_all_or_an_unknown_minimum_is_no_wage_signal():
    none_paid = [_month(m, own_wage=None, any_wage=False, insured=False) for m in (1, 2)]
    assert _codes(_facts(months=none_paid)) == []
    unknown = [_month(1, own_wage=MINIMUM, minimum_wage=None)]
    assert _codes(_facts(months=unknown)) == []


# --- insurance without wage ----------------------------------------------------------------------------


def test_insurance_paid_with_no_wage_record_is_flagged_with_its_months():
    months = [_month(m) for m in range(1, 9)] + [
        _month(m, own_wage=None, any_wage=False) for m in range(9, 13)
    ]
    [signal] = placement_signals(_facts(months=months))
    assert signal.code is SignalCode.INSURANCE_WITHOUT_WAGE
    assert signal.detail == "202509、202510、202511等4个月有社保或医保缴费记录，但无工资发放记录"


def test_a_wage_from_any_payer_or_no_insurance_clears_the_insurance_signal():
    other_payer = [_month(1, own_wage=None, any_wage=True)]
    assert _codes(_facts(months=other_payer)) == []
    uninsured = [_month(1, own_wage=None, any_wage=False, insured=False)]
    assert _codes(_facts(months=uninsured)) == []
    [signal] = placement_signals(_facts(months=[_month(3, own_wage=None, any_wage=False)]))
    assert signal.detail.startswith("202503有社保")


# --- claimed by several employers ----------------------------------------------------------------------


def test_a_person_claimed_by_another_employer_is_flagged_without_naming_it():
    assert SignalCode.CLAIMED_BY_SEVERAL not in _codes(_facts(other_employers=0))
    [signal] = placement_signals(_facts(other_employers=2))
    assert signal.detail == "该人员在2025业务年度还被另外2家单位登记安置"


# --- certificate issued in the year --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "flagged"),
    [
        (date(2024, 12, 31), False),
        (date(2025, 1, 1), True),
        (date(2025, 12, 31), True),
        (date(2026, 1, 1), False),
        (None, False),
    ],
)
def test_a_first_certificate_inside_the_business_year_is_flagged(first, flagged):
    codes = _codes(_facts(first_certificate_from=first))
    assert (SignalCode.CERTIFICATE_IN_YEAR in codes) is flagged
    if flagged:
        assert (
            f"{first:%Y-%m-%d}首次发证" in placement_signals(_facts(first_certificate_from=first))[0].detail
        )


# --- near retirement -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "flagged"),
    [
        # Men born before 1965 retire at exactly 60. The last selected month is 2025-09: the margin ends on
        # 2025-12-30 (three months after 09-30).
        (date(1965, 1, 1), True),  # 60 years 1 month: 2025-02-01, before the end of September
        (date(1964, 12, 30), True),  # on the last day of the margin
        (date(1964, 12, 31), True),  # born 1964 is still 60 exactly: 2024-12-31, long past
    ],
)
def test_retirement_within_three_months_of_the_last_selected_month_is_flagged(birth, flagged):
    months = [_month(m) for m in range(1, 10)]
    assert (SignalCode.NEAR_RETIREMENT in _codes(_facts(birth_date=birth, months=months))) is flagged


def test_the_retirement_margin_boundary():
    # 1965-09-30 born man: 60 years + (8 // 4 + 1 = 3) months → 2025-12-30, the margin's last day.
    birth = date(1965, 9, 30)
    assert retirement_date("男", birth) == date(2025, 12, 30)
    months = [_month(m) for m in range(1, 10)]
    [signal] = placement_signals(_facts(birth_date=birth, months=months))
    assert signal.detail == "该人员将于2025-12-30达到法定退休年龄，距所选最后一个月份（202509）结束不足三个月"
    # Selecting up to August moves the margin's end to 2025-11-30: no longer flagged.
    assert _codes(_facts(birth_date=birth, months=months[:8])) == []


def test_retirement_before_the_end_of_the_last_month_says_so():
    birth = date(1965, 1, 1)  # retires 2025-02-01
    [signal] = placement_signals(_facts(birth_date=birth, months=[_month(1), _month(2)]))
    assert signal.detail == "该人员于2025-02-01达到法定退休年龄，在所选最后一个月份（202502）结束之前"


def test_the_female_base_age_is_used_and_no_selected_month_means_no_retirement_signal():
    birth = date(1975, 6, 1)  # a woman with base age 50: 50 years + (5 // 2 + 1 = 3) months → 2025-09-01
    assert retirement_date("女", birth, 50) == date(2025, 9, 1)
    months = [_month(m) for m in range(1, 7)]
    assert _codes(_facts(sex="女", birth_date=birth, female_base_age=50, months=months)) == [
        SignalCode.NEAR_RETIREMENT
    ]
    assert _codes(_facts(sex="女", birth_date=birth, female_base_age=55, months=months)) == []
    assert _codes(_facts(birth_date=date(1965, 1, 1), months=[])) == []


# --- hired in the last quarter with the whole year selected --------------------------------------------


@pytest.mark.parametrize(
    ("start", "flagged"),
    [
        (date(2025, 9, 30), False),
        (date(2025, 10, 1), True),
        (date(2025, 12, 31), True),
        (date(2024, 10, 1), False),
    ],
)
def test_a_last_quarter_hire_with_twelve_months_is_flagged(start, flagged):
    assert (SignalCode.LATE_HIRE_WHOLE_YEAR in _codes(_facts(contract_starts=[start]))) is flagged


def test_fewer_than_twelve_months_or_an_earlier_contract_clears_the_late_hire_signal():
    eleven = [_month(m) for m in range(1, 12)]
    assert _codes(_facts(contract_starts=[date(2025, 10, 1)], months=eleven)) == []
    assert _codes(_facts(contract_starts=[date(2025, 10, 1), date(2025, 1, 1)])) == []
    assert _codes(_facts(contract_starts=[])) == []
    [signal] = placement_signals(_facts(contract_starts=[date(2025, 11, 3)]))
    assert signal.detail == "合同自2025-11-03起（第四季度），却勾选了全年12个月"
    assert len({m.month for m in _facts().months}) == len(months_of_year(YEAR))


# --- shared evidence -----------------------------------------------------------------------------------


def test_identical_files_across_placements_are_flagged_without_naming_the_other_unit():
    assert _codes(_facts(shared_files=0, sharing_placements=0)) == []
    [own] = placement_signals(_facts(shared_files=1, sharing_placements=2))
    assert own.detail == "有1份材料与本单位其他安置登记的2条记录上传的文件完全相同"
    [other] = placement_signals(_facts(shared_files=2, sharing_placements=1, shared_with_other_employer=True))
    assert other.detail == "有2份材料与其他安置登记（含其他单位）的1条记录上传的文件完全相同"
