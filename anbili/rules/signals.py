"""Risk signals (风险提示) of a placement for the DPF reviewer's queue (安置登记审核).

The official system flags nothing: a reviewer sees each placement alone. These rules point at
patterns that, in the practice of 按比例就业 reviews, go with placements made only on paper (挂名安置,
虚假安置). A signal never decides anything and never blocks a month: the seven month checks
(anbili.rules.checks) decide what counts; a signal only asks the reviewer to look closer. Each has a
reason code (`SignalCode`), a short label for the badge and a one-line Chinese explanation. An
explanation never names another employer (privacy, docs/rules.md §1): the reviewer of one county must
not learn where else a person is declared.

Legal frame: 《残疾人就业保障金征收使用管理办法》（财税〔2015〕72号）第七条 counts a disabled person
only under a labour contract (or 在编) of at least one year, with a wage not below the local minimum
wage and social insurance paid in full; 《残疾人就业条例》 第八条 sets the proportion. The signals below
look for placements that meet those conditions in form only. Pure Python: the caller
(anbili/placements/signals.py) gathers the facts.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from anbili.core.month import Month
from anbili.rules.retirement import add_months, retirement_date

# How close to retirement age a person may be before the placement is flagged.
RETIREMENT_MARGIN_MONTHS = 3
# The fourth quarter: a contract starting in one of these months of the business year.
LAST_QUARTER = (10, 11, 12)
# Months listed by name in an explanation before "等".
LISTED_MONTHS = 3


class SignalCode(StrEnum):
    """The risk signals, in the order the queue shows them."""

    WAGE_AT_MINIMUM = "wage_at_minimum"
    INSURANCE_WITHOUT_WAGE = "insurance_without_wage"
    CLAIMED_BY_SEVERAL = "claimed_by_several"
    CERTIFICATE_IN_YEAR = "certificate_in_year"
    NEAR_RETIREMENT = "near_retirement"
    LATE_HIRE_WHOLE_YEAR = "late_hire_whole_year"
    SHARED_EVIDENCE = "shared_evidence"

    @property
    def label(self) -> str:
        """The badge's short text."""
        return SIGNAL_LABELS[self]


SIGNAL_LABELS: dict[SignalCode, str] = {
    SignalCode.WAGE_AT_MINIMUM: "工资恰为最低标准",
    SignalCode.INSURANCE_WITHOUT_WAGE: "有社保无工资",
    SignalCode.CLAIMED_BY_SEVERAL: "多家单位登记",
    SignalCode.CERTIFICATE_IN_YEAR: "年内新办残疾证",
    SignalCode.NEAR_RETIREMENT: "临近退休年龄",
    SignalCode.LATE_HIRE_WHOLE_YEAR: "四季度入职报全年",
    SignalCode.SHARED_EVIDENCE: "材料文件重复",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalMonth:
    """One selected month of the placement as the signals read it.

    `own_wage`: the month's wage paid by the employer or a payer its contracts name (the sum of its rows),
    None when there is none; `any_wage`: a wage row of the person exists from any payer; `insured`: pension or
    medical insurance was paid for the person by any payer; `minimum_wage`: the month's local minimum wage
    (None when not configured)."""

    month: Month
    own_wage: Decimal | None = None
    any_wage: bool = False
    insured: bool = False
    minimum_wage: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalFacts:
    """Everything the signals need about one placement; `months` holds the selected months only."""

    business_year: int
    sex: str
    birth_date: date
    female_base_age: int = 55
    months: Sequence[SignalMonth] = ()
    other_employers: int = 0  # other employers with a placement of the person in the business year
    first_certificate_from: date | None = None  # the earliest start of the person's certificates
    contract_starts: Collection[date] = ()
    shared_files: int = 0  # files of this placement whose content another placement's file has too
    sharing_placements: int = 0  # the other placements holding such a file
    shared_with_other_employer: bool = False


@dataclass(frozen=True, slots=True)
class Signal:
    """One signal that applies, with its one-line explanation (at most 200 characters)."""

    code: SignalCode
    detail: str = field(default="")

    @property
    def label(self) -> str:
        return self.code.label


def _months_text(months: Sequence[Month]) -> str:
    names = "、".join(str(m) for m in months[:LISTED_MONTHS])
    return f"{names}等{len(months)}个月" if len(months) > LISTED_MONTHS else names


def wage_at_minimum(facts: SignalFacts) -> Signal | None:
    """The wage equals the local minimum wage to the fen in every selected month that has a wage record of
    the employer's payers (at least one). 财税〔2015〕72号 第七条 only asks for a wage not below the minimum;
    a wage set at exactly the threshold month after month is the usual shape of a placement paid to be
    counted rather than for work."""
    paid = [m for m in facts.months if m.own_wage is not None]
    if not paid:
        return None
    if any(m.minimum_wage is None or m.own_wage != m.minimum_wage for m in paid):
        return None
    return Signal(
        SignalCode.WAGE_AT_MINIMUM,
        f"所选{len(paid)}个有工资记录的月份，月工资均恰好等于当地最低工资标准",
    )


def insurance_without_wage(facts: SignalFacts) -> Signal | None:
    """A selected month with pension or medical insurance paid but no wage record from any payer: social
    insurance bought for a person who is not paid (财税〔2015〕72号 第七条 asks for both: a wage and social
    insurance; insurance alone is the sign of a placement kept on paper)."""
    months = [m.month for m in facts.months if m.insured and not m.any_wage]
    if not months:
        return None
    return Signal(
        SignalCode.INSURANCE_WITHOUT_WAGE,
        f"{_months_text(months)}有社保或医保缴费记录，但无工资发放记录",
    )


def claimed_by_several(facts: SignalFacts) -> Signal | None:
    """Another employer has a placement of the same person in the same business year. A person
    counts for one employer per month (财税〔2015〕72号 第七条, and the exclusive-month check); two
    employers declaring the same person for one year is a sign of a certificate lent to several units.
    The other employers are never named, only counted."""
    if facts.other_employers < 1:
        return None
    return Signal(
        SignalCode.CLAIMED_BY_SEVERAL,
        f"该人员在{facts.business_year}业务年度还被另外{facts.other_employers}家单位登记安置",
    )


def certificate_in_year(facts: SignalFacts) -> Signal | None:
    """The person's first certificate was issued inside the business year: a certificate obtained in the
    year the employer needs to reach its proportion (突击办证) deserves a look at the certificate and its
    dates. Renewals do not count: the earliest start of all the person's certificates is compared."""
    first = facts.first_certificate_from
    if first is None or first.year != facts.business_year:
        return None
    return Signal(
        SignalCode.CERTIFICATE_IN_YEAR,
        f"该人员的残疾证于{first:%Y-%m-%d}首次发证，在本业务年度内",
    )


def near_retirement(facts: SignalFacts) -> Signal | None:
    """The person attains statutory retirement age (anbili.rules.retirement, 决定 2024-09-13) no later than
    three months after the end of the last selected month. Only persons of working age count (财税〔2015〕72号
    第七条); a person hired just before retirement is a known way of filling the proportion briefly."""
    if not facts.months:
        return None
    last = max(m.month for m in facts.months)
    retires = retirement_date(facts.sex, facts.birth_date, facts.female_base_age)
    if retires > add_months(last.last_day, RETIREMENT_MARGIN_MONTHS):
        return None
    if retires <= last.last_day:
        text = f"该人员于{retires:%Y-%m-%d}达到法定退休年龄，在所选最后一个月份（{last}）结束之前"
    else:
        text = f"该人员将于{retires:%Y-%m-%d}达到法定退休年龄，距所选最后一个月份（{last}）结束不足三个月"
    return Signal(SignalCode.NEAR_RETIREMENT, text)


def late_hire_whole_year(facts: SignalFacts) -> Signal | None:
    """The earliest contract starts in October to December of the business year, yet all twelve months are
    selected: months before the contract cannot count (财税〔2015〕72号 第七条), so the employer claims a year
    of work the contract does not cover."""
    if not facts.contract_starts:
        return None
    start = min(facts.contract_starts)
    if start.year != facts.business_year or start.month not in LAST_QUARTER:
        return None
    selected = {m.month for m in facts.months}
    if len(selected) < 12:
        return None
    return Signal(
        SignalCode.LATE_HIRE_WHOLE_YEAR,
        f"合同自{start:%Y-%m-%d}起（第四季度），却勾选了全年12个月",
    )


def shared_evidence(facts: SignalFacts) -> Signal | None:
    """A file of this placement (contract, agreement, certificate image, month evidence, diploma) has the
    same content (sha256) as a file of another placement: one contract or one wage slip copied for several
    persons or units is the mark of documents made up for the review. Whose placement it is stays unsaid."""
    if facts.shared_files < 1 or facts.sharing_placements < 1:
        return None
    where = "其他安置登记（含其他单位）" if facts.shared_with_other_employer else "本单位其他安置登记"
    return Signal(
        SignalCode.SHARED_EVIDENCE,
        f"有{facts.shared_files}份材料与{where}的{facts.sharing_placements}条记录上传的文件完全相同",
    )


RULES = (
    wage_at_minimum,
    insurance_without_wage,
    claimed_by_several,
    certificate_in_year,
    near_retirement,
    late_hire_whole_year,
    shared_evidence,
)


def placement_signals(facts: SignalFacts) -> list[Signal]:
    """Every signal that applies to the placement, in SignalCode order."""
    return [signal for rule in RULES if (signal := rule(facts)) is not None]
