"""The contract rules (财税〔2015〕72号 第七条/第九条, seed 003): each reason code; every problem at once."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from anbili.core.identifiers import make_uscc
from anbili.rules.contracts import ContractReason, ContractTerms, contract_payers_problem, contract_problems

U = make_uscc("91150102MA0000001")  # the employer
R = make_uscc("91150102MA0000002")  # a related unit (上下级公司)
D = make_uscc("91150102MA0000004")  # a dispatch company, related as 劳务派遣
X = make_uscc("91150102MA0000003")  # an unrelated unit
Y = make_uscc("91150102MA0000005")  # another unrelated unit

OWN = ContractTerms(
    contract_type="labour",
    is_dispatch=False,
    relation="own",
    start=date(2024, 7, 1),
    end=date(2026, 6, 30),
    wage_payer_uscc=U,
    pension_payer_uscc=U,
    medical_payer_uscc=U,
    employer_uscc=U,
    employer_nature="enterprise",
    business_year=2025,
    related_units={R: "parent_subsidiary", D: "dispatch"},
)
DISPATCHED = replace(
    OWN,
    contract_type="dispatch",
    is_dispatch=True,
    relation="related",
    wage_payer_uscc=D,
    pension_payer_uscc=D,
    medical_payer_uscc=D,
    dispatch_company_uscc=D,
    dispatch_company_filed=True,
)


def _reasons(terms):
    return [(p.reason, p.field) for p in contract_problems(terms)]


def test_valid_contracts_have_no_problem():
    assert contract_problems(OWN) == []
    assert contract_problems(DISPATCHED) == []
    assert contract_problems(replace(OWN, contract_type="open_ended", end=None)) == []
    assert contract_problems(replace(OWN, relation="related", pension_payer_uscc=R)) == []
    assert (
        contract_problems(replace(OWN, contract_type="staffing", end=None, employer_nature="institution"))
        == []
    )
    assert (
        contract_problems(replace(OWN, contract_type="staffing", end=None, employer_nature="government"))
        == []
    )


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (
            replace(DISPATCHED, contract_type="labour"),
            (ContractReason.DISPATCH_NEEDS_DISPATCH_TYPE, "contract_type"),
        ),
        (
            replace(OWN, contract_type="dispatch"),
            (ContractReason.DISPATCH_TYPE_NEEDS_DISPATCH, "is_dispatch"),
        ),
        (
            replace(OWN, contract_type="staffing", end=None),
            (ContractReason.STAFFING_NOT_ALLOWED, "contract_type"),
        ),
        (replace(OWN, end=date(2024, 6, 30)), (ContractReason.END_BEFORE_START, "end")),
        (
            replace(OWN, start=date(2026, 1, 1), end=date(2027, 6, 30)),
            (ContractReason.NO_YEAR_OVERLAP, "start"),
        ),
        (
            replace(OWN, start=date(2022, 1, 1), end=date(2024, 12, 31)),
            (ContractReason.NO_YEAR_OVERLAP, "start"),
        ),
        (
            replace(OWN, start=date(2025, 1, 1), end=date(2025, 12, 30)),
            (ContractReason.UNDER_ONE_YEAR, "end"),
        ),
        (
            replace(OWN, relation="related", pension_payer_uscc=X),
            (ContractReason.PAYER_NOT_RELATED, "pension_payer_uscc"),
        ),
        (
            replace(OWN, relation="related", wage_payer_uscc=R, pension_payer_uscc=R, medical_payer_uscc=R),
            (ContractReason.NO_OWN_PAYER, "wage_payer_uscc"),
        ),
        (replace(OWN, medical_payer_uscc=R), (ContractReason.RELATION_OWN_WITH_OTHER_PAYER, "relation")),
        (replace(DISPATCHED, relation="own"), (ContractReason.RELATION_OWN_WITH_OTHER_PAYER, "relation")),
        (replace(OWN, relation="related"), (ContractReason.RELATION_RELATED_ALL_OWN, "relation")),
        (
            replace(
                DISPATCHED, relation="related", wage_payer_uscc=U, pension_payer_uscc=U, medical_payer_uscc=U
            ),
            (ContractReason.RELATION_RELATED_ALL_OWN, "relation"),
        ),
        (
            replace(DISPATCHED, dispatch_company_uscc=""),
            (ContractReason.DISPATCH_COMPANY_MISSING, "dispatch_company_uscc"),
        ),
        (
            replace(DISPATCHED, dispatch_company_uscc=R),
            (ContractReason.DISPATCH_COMPANY_NOT_RELATED, "dispatch_company_uscc"),
        ),
        (
            replace(DISPATCHED, dispatch_company_filed=False),
            (ContractReason.DISPATCH_COMPANY_NOT_FILED, "dispatch_company_uscc"),
        ),
        (replace(DISPATCHED, wage_payer_uscc=X), (ContractReason.PAYER_NOT_RELATED, "wage_payer_uscc")),
        (
            replace(OWN, other_contracts=((date(2024, 7, 1), date(2026, 6, 30)),)),
            (ContractReason.OVERLAPS_OTHER_CONTRACT, "start"),
        ),
        (
            replace(OWN, other_contracts=((date(2023, 1, 1), date(2024, 7, 1)),)),
            (ContractReason.OVERLAPS_OTHER_CONTRACT, "start"),
        ),
        (
            replace(OWN, other_contracts=((date(2025, 3, 1), None),)),
            (ContractReason.OVERLAPS_OTHER_CONTRACT, "start"),
        ),
        (
            replace(OWN, contract_type="open_ended", end=None, other_contracts=((date(2030, 1, 1), None),)),
            (ContractReason.OVERLAPS_OTHER_CONTRACT, "start"),
        ),
    ],
)
def test_each_reason_code(terms, expected):
    assert _reasons(terms) == [expected]


def test_every_reason_code_is_tested():
    # The cases above name each reason at least once.
    names = set(ContractReason)
    source = Path(__file__).read_text(encoding="utf-8")
    assert {reason for reason in names if f"ContractReason.{reason.name}" in source} == names


def test_all_problems_come_at_once_with_fields_and_chinese_messages():
    terms = replace(
        OWN,
        contract_type="staffing",
        is_dispatch=True,
        end=None,
        relation="own",
        wage_payer_uscc=Y,
        dispatch_company_uscc=X,
    )
    problems = contract_problems(terms)
    assert [(p.reason, p.field) for p in problems] == [
        (ContractReason.DISPATCH_NEEDS_DISPATCH_TYPE, "contract_type"),
        (ContractReason.STAFFING_NOT_ALLOWED, "contract_type"),
        (ContractReason.DISPATCH_COMPANY_NOT_RELATED, "dispatch_company_uscc"),
        (ContractReason.PAYER_NOT_RELATED, "wage_payer_uscc"),
        (ContractReason.RELATION_OWN_WITH_OTHER_PAYER, "relation"),
    ]
    assert all(p.message and p.message.isascii() is False for p in problems)
    assert "不足1年" in contract_problems(replace(OWN, end=date(2025, 6, 29)))[0].message


def test_a_one_year_term_counts_both_ends():
    assert contract_problems(replace(OWN, start=date(2025, 1, 1), end=date(2025, 12, 31))) == []


@pytest.mark.parametrize(
    ("payers", "dispatch", "ok"),
    [
        ((U, U, U), False, True),
        ((R, R, U), False, True),
        ((R, U, R), False, True),
        ((R, R, R), False, False),
        ((R, X, R), False, False),
        ((R, R, R), True, True),
    ],
)
def test_contract_payers_problem(payers, dispatch, ok):
    problem = contract_payers_problem(U, *payers, dispatch=dispatch)
    if ok:
        assert problem is None
    else:
        assert (
            problem == "非劳务派遣人员的工资、社保、医保发放单位中至少有一个应为本单位，最多两个可为关联单位"
        )


def test_a_renewal_may_follow_the_previous_contract_but_not_repeat_it():
    # 续签: the new term starts the day after the previous one ends; the same term twice is a duplicate.
    previous = ((date(2022, 7, 1), date(2024, 6, 30)), (date(2026, 7, 1), None))
    assert contract_problems(replace(OWN, other_contracts=previous)) == []
    duplicate = contract_problems(replace(OWN, other_contracts=((OWN.start, OWN.end),)))
    assert [p.reason for p in duplicate] == [ContractReason.OVERLAPS_OTHER_CONTRACT]
    assert duplicate[0].message.startswith("该合同与已登记的合同（2024-07-01至2026-06-30）重复")
    overlap = contract_problems(replace(OWN, other_contracts=((date(2023, 1, 1), date(2024, 7, 1)),)))
    assert "（2023-01-01至2024-07-01）重叠" in overlap[0].message
    # An end before the start is said once, not also as an overlap.
    reversed_term = replace(OWN, end=date(2024, 6, 1), other_contracts=((date(2024, 1, 1), None),))
    assert [p.reason for p in contract_problems(reversed_term)] == [ContractReason.END_BEFORE_START]
