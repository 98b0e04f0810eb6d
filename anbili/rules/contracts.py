"""The rules a placement's contract (合同管理) must meet before it is stored: every problem at once, each with
a reason code, the field at fault and a message that tells the employer what to change.

Sources: 财税〔2015〕72号 第七条 (在编, or a labour contract or service agreement of at least one year, wages
paid and social insurance paid for the person) and 第九条 (a dispatched person counts at the unit that uses
them, as the dispatch agreement states); the 联网认证 screens of seed 003 (合同管理: 是否为劳务派遣, 关联单位
关系, the three paying units among the employer and its related units, at least one of them the employer
itself for a non-dispatched person; the dispatch company a related unit of kind 劳务派遣 and filed in the
province; 编制（在编证明） only for 党政机关 and 事业单位). One person has one employment with the unit at a
time: the terms of a placement's contracts may follow one another (a renewal) but not repeat or overlap, or
the same months would rest on two contracts (72号 第七条 counts a person, not a contract).

Pure: the service gathers the facts (its related units, whether the dispatch company is filed) and turns
the problems into one ApplicationError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from anbili.rules.checks import ContractFact, contract_is_long_enough

# The values of placements.models.ContractType / ContractRelation and employers.models.RelationKind /
# UnitNature (rules import no Django; the models' choices use the same codes).
LABOUR, OPEN_ENDED, DISPATCH, STAFFING = "labour", "open_ended", "dispatch", "staffing"
OWN, RELATED = "own", "related"
RELATED_DISPATCH = "dispatch"
STAFFING_NATURES = frozenset({"government", "institution"})

PAYER_FIELDS: tuple[tuple[str, str], ...] = (
    ("wage_payer_uscc", "工资发放单位"),
    ("pension_payer_uscc", "社保参保单位"),
    ("medical_payer_uscc", "医保参保单位"),
)


class ContractReason(StrEnum):
    """Why a contract is refused."""

    DISPATCH_NEEDS_DISPATCH_TYPE = "dispatch_needs_dispatch_type"
    DISPATCH_TYPE_NEEDS_DISPATCH = "dispatch_type_needs_dispatch"
    STAFFING_NOT_ALLOWED = "staffing_not_allowed"
    END_BEFORE_START = "end_before_start"
    NO_YEAR_OVERLAP = "no_year_overlap"
    UNDER_ONE_YEAR = "under_one_year"
    PAYER_NOT_RELATED = "payer_not_related"
    NO_OWN_PAYER = "no_own_payer"
    RELATION_OWN_WITH_OTHER_PAYER = "relation_own_with_other_payer"
    RELATION_RELATED_ALL_OWN = "relation_related_all_own"
    DISPATCH_COMPANY_MISSING = "dispatch_company_missing"
    DISPATCH_COMPANY_NOT_RELATED = "dispatch_company_not_related"
    DISPATCH_COMPANY_NOT_FILED = "dispatch_company_not_filed"
    OVERLAPS_OTHER_CONTRACT = "overlaps_other_contract"


@dataclass(frozen=True, slots=True)
class ContractProblem:
    """One problem: its reason code, the input at fault and the Chinese message."""

    reason: ContractReason
    field: str
    message: str


@dataclass(frozen=True, kw_only=True)
class ContractTerms:
    """The facts of one contract as entered, and what the employer's records say about its units."""

    contract_type: str
    is_dispatch: bool
    relation: str
    start: date
    end: date | None  # None: open-ended or 编制 (the service drops a typed end for those)
    wage_payer_uscc: str
    pension_payer_uscc: str
    medical_payer_uscc: str
    employer_uscc: str
    employer_nature: str
    business_year: int
    # The employer's related units of the business year: USCC → relation kind (dispatch, parent_subsidiary…).
    related_units: Mapping[str, str] = field(default_factory=dict)
    dispatch_company_uscc: str = ""
    dispatch_company_filed: bool = False
    # The terms (start, end; None: open-ended) of the placement's other contracts, the one edited left out.
    other_contracts: tuple[tuple[date, date | None], ...] = ()

    def payer(self, name: str) -> str:
        return str(getattr(self, name))


def contract_problems(terms: ContractTerms) -> list[ContractProblem]:
    """Every problem of the contract, in the order of the form's fields; empty when it may be stored."""
    return [
        *_type_problems(terms),
        *_term_problems(terms),
        *_overlap_problems(terms),
        *(_dispatch_problems(terms) if terms.is_dispatch else _own_payer_problems(terms)),
        *_relation_problems(terms),
    ]


def _type_problems(terms: ContractTerms) -> list[ContractProblem]:
    problems = []
    if terms.is_dispatch and terms.contract_type != DISPATCH:
        problems.append(
            ContractProblem(
                ContractReason.DISPATCH_NEEDS_DISPATCH_TYPE,
                "contract_type",
                "劳务派遣人员的「合同类型」应为“劳务派遣劳动合同”",
            )
        )
    if not terms.is_dispatch and terms.contract_type == DISPATCH:
        problems.append(
            ContractProblem(
                ContractReason.DISPATCH_TYPE_NEEDS_DISPATCH,
                "is_dispatch",
                "「合同类型」为劳务派遣劳动合同时，「是否为劳务派遣」应选“是”",
            )
        )
    if terms.contract_type == STAFFING and terms.employer_nature not in STAFFING_NATURES:
        problems.append(
            ContractProblem(
                ContractReason.STAFFING_NOT_ALLOWED,
                "contract_type",
                "只有党政机关、事业单位的在编人员可选择“编制（在编证明）”",
            )
        )
    return problems


def _term_problems(terms: ContractTerms) -> list[ContractProblem]:
    start, end, year = terms.start, terms.end, terms.business_year
    if end is not None and end < start:
        return [
            ContractProblem(
                ContractReason.END_BEFORE_START, "end", "「合同结束日期」不能早于「合同开始日期」"
            )
        ]
    problems = []
    if start > date(year, 12, 31) or (end is not None and end < date(year, 1, 1)):
        problems.append(
            ContractProblem(
                ContractReason.NO_YEAR_OVERLAP,
                "start",
                f"合同期限与 {year} 业务年度没有重叠，请核实「合同开始日期」「合同结束日期」",
            )
        )
    fact = ContractFact(
        start=start,
        end=end,
        wage_payer_uscc=terms.wage_payer_uscc,
        pension_payer_uscc=terms.pension_payer_uscc,
        medical_payer_uscc=terms.medical_payer_uscc,
        staffing_roster=terms.contract_type == STAFFING,
    )
    if end is not None and not contract_is_long_enough(fact):
        problems.append(
            ContractProblem(
                ContractReason.UNDER_ONE_YEAR,
                "end",
                f"合同期限（{start:%Y-%m-%d}至{end:%Y-%m-%d}）不足1年：用工合同必须不少于1年，否则无效",
            )
        )
    return problems


def _overlap_problems(terms: ContractTerms) -> list[ContractProblem]:
    """A term that repeats or overlaps another contract of the placement (a renewal starts after the day the
    previous one ends)."""
    start, end = terms.start, terms.end
    if end is not None and end < start:
        return []  # end_before_start already says what is wrong
    problems = []
    for other_start, other_end in sorted(terms.other_contracts, key=lambda term: term[0]):
        if (end is None or other_start <= end) and (other_end is None or start <= other_end):
            shown = (
                f"{other_start:%Y-%m-%d}至{other_end:%Y-%m-%d}" if other_end else f"{other_start:%Y-%m-%d}起"
            )
            same = (other_start, other_end) == (start, end)
            problems.append(
                ContractProblem(
                    ContractReason.OVERLAPS_OTHER_CONTRACT,
                    "start",
                    f"该合同与已登记的合同（{shown}）重复，请勿重复添加，需要修改请点击该合同的“修改”"
                    if same
                    else f"合同期限与已登记的合同（{shown}）重叠：同一人员的合同期限不能交叉，"
                    "续签的合同应从上一份合同结束的次日开始",
                )
            )
    return problems


def contract_payers_problem(
    employer_uscc: str,
    wage_payer_uscc: str,
    pension_payer_uscc: str,
    medical_payer_uscc: str,
    *,
    dispatch: bool,
) -> str | None:
    """Non-dispatch: at least one of the three payers is the employer itself (domain.md placement step 3,
    seed 003); returns the message or None."""
    if dispatch:
        return None
    if employer_uscc not in (wage_payer_uscc, pension_payer_uscc, medical_payer_uscc):
        return "非劳务派遣人员的工资、社保、医保发放单位中至少有一个应为本单位，最多两个可为关联单位"
    return None


def _own_payer_problems(terms: ContractTerms) -> list[ContractProblem]:
    problems = []
    year = terms.business_year
    for name, label in PAYER_FIELDS:
        payer = terms.payer(name)
        if payer != terms.employer_uscc and payer not in terms.related_units:
            problems.append(
                ContractProblem(
                    ContractReason.PAYER_NOT_RELATED,
                    name,
                    f"「{label}」{payer} 不是本单位，也不是 {year} 业务年度已登记的关联单位，"
                    "请先在“单位信息维护管理”中添加关联单位",
                )
            )
    message = contract_payers_problem(
        terms.employer_uscc,
        terms.wage_payer_uscc,
        terms.pension_payer_uscc,
        terms.medical_payer_uscc,
        dispatch=False,
    )
    if message:
        problems.append(ContractProblem(ContractReason.NO_OWN_PAYER, "wage_payer_uscc", message))
    return problems


def _dispatch_problems(terms: ContractTerms) -> list[ContractProblem]:
    company, year = terms.dispatch_company_uscc, terms.business_year
    problems = []
    if not company:
        problems.append(
            ContractProblem(
                ContractReason.DISPATCH_COMPANY_MISSING,
                "dispatch_company_uscc",
                "劳务派遣人员请选择「劳务派遣单位」",
            )
        )
    elif terms.related_units.get(company) != RELATED_DISPATCH:
        problems.append(
            ContractProblem(
                ContractReason.DISPATCH_COMPANY_NOT_RELATED,
                "dispatch_company_uscc",
                f"劳务派遣单位 {company} 须先在“单位信息维护管理”中添加为 {year} 业务年度的"
                "关联单位（劳务派遣）",
            )
        )
    elif not terms.dispatch_company_filed:
        problems.append(
            ContractProblem(
                ContractReason.DISPATCH_COMPANY_NOT_FILED,
                "dispatch_company_uscc",
                f"劳务派遣单位 {company} 未在本省办理劳务派遣备案，请派遣单位先完成备案",
            )
        )
    allowed = {terms.employer_uscc, company, *terms.related_units}
    for name, label in PAYER_FIELDS:
        if terms.payer(name) not in allowed:
            problems.append(
                ContractProblem(
                    ContractReason.PAYER_NOT_RELATED,
                    name,
                    f"「{label}」应为本单位、劳务派遣单位或已登记的关联单位",
                )
            )
    return problems


def _relation_problems(terms: ContractTerms) -> list[ContractProblem]:
    """关联单位关系 says whether any payer is not the employer, for a dispatched person too (whose payers
    are usually the dispatch company)."""
    others = [name for name, _ in PAYER_FIELDS if terms.payer(name) != terms.employer_uscc]
    if terms.relation == OWN and others:
        return [
            ContractProblem(
                ContractReason.RELATION_OWN_WITH_OTHER_PAYER,
                "relation",
                "「关联单位关系」为“本单位”时，工资、社保、医保发放单位均应为本单位；"
                "有关联单位或劳务派遣单位发放的请选择“其他关联关系”",
            )
        ]
    if terms.relation == RELATED and not others:
        return [
            ContractProblem(
                ContractReason.RELATION_RELATED_ALL_OWN,
                "relation",
                "工资、社保、医保均由本单位发放时，「关联单位关系」应选“本单位”",
            )
        ]
    return []
