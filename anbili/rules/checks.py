"""The seven checks of one placement month (rules.md §1), each with a reason code and a message that tells
the employer what to do.

Source: 财税〔2015〕72号 第七条 (在编 or a contract of ≥ 1 year, working age, wage ≥ the local minimum wage,
social insurance paid; 残疾人证/残疾军人证), 第九条 (labour dispatch counted at one side only), and the
联网认证 practice of 残联厅函〔2022〕63号 (registry data, related units, one employer per person-month).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple, Protocol

from anbili.core.identifiers import Sex
from anbili.core.month import Month
from anbili.rules.counting import CertificateKind, certificate_counts, certificate_weight
from anbili.rules.retirement import (
    add_months,
    has_reached_retirement,
    retirement_age,
    retirement_month,
    working_age_start,
)


class CheckCode(StrEnum):
    """The seven month checks, in the column order of the verification table."""

    WAGE = "wage"
    PENSION = "pension"
    MEDICAL = "medical"
    CERTIFICATE = "certificate"
    AGE = "age"
    CONTRACT = "contract"
    EXCLUSIVE = "exclusive"

    @property
    def label(self) -> str:
        """The column heading on the verification table."""
        return CHECK_LABELS[self]


CHECK_LABELS: dict[CheckCode, str] = {
    CheckCode.WAGE: "工资信息",
    CheckCode.PENSION: "社保参保状态",
    CheckCode.MEDICAL: "医保参保状态",
    CheckCode.CERTIFICATE: "残疾证状态",
    CheckCode.AGE: "是否就业年龄段",
    CheckCode.CONTRACT: "合同状态",
    CheckCode.EXCLUSIVE: "无其他单位安置",
}

# The evidence an employer uploads for a failed check (seeds 002-004).
EVIDENCE_LABELS: dict[CheckCode, str] = {
    CheckCode.WAGE: "工资发放证明",
    CheckCode.PENSION: "社会保险缴费凭证",
    CheckCode.MEDICAL: "医疗保险缴费凭证",
    CheckCode.CERTIFICATE: "残疾证证明材料",
    CheckCode.AGE: "就业年龄段证明材料",
    CheckCode.CONTRACT: "劳动合同或编制证明",
    CheckCode.EXCLUSIVE: "未在其他单位安置的说明",
}


class CertificateSource(StrEnum):
    """Where a certificate comes from: the registry is trusted; a manual one counts only once approved."""

    REGISTRY = "registry"
    MANUAL_PENDING = "manual_pending"
    MANUAL_APPROVED = "manual_approved"
    MANUAL_REJECTED = "manual_rejected"


class DocumentState(StrEnum):
    """The DPF's review of a document the employer gave for a contract (the dispatch agreement): it counts
    only once approved (seed 004: 待审核 … 需要审核的部分资料有劳务派遣协议)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


# Failures that wait for the DPF's review of a document the employer already gave (an added certificate, a
# dispatch agreement): the month goes to review, and no further evidence file is asked for it.
AWAITS_REVIEW = frozenset({"certificate_pending_review", "dispatch_agreement_pending_review"})


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificateFact:
    """A certificate of the person with its validity period (None = open)."""

    kind: CertificateKind
    level: int
    valid_from: date | None = None
    valid_until: date | None = None
    source: CertificateSource = CertificateSource.REGISTRY


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractFact:
    """A labour contract (or 在编 proof) and the units it names as payers."""

    start: date
    end: date | None  # None: open-ended (无固定期限)
    wage_payer_uscc: str
    pension_payer_uscc: str
    medical_payer_uscc: str
    staffing_roster: bool = False  # 在编: no labour contract and no term
    dispatch: bool = False
    dispatch_agreement: bool = False  # the dispatch agreement names this employer as the user
    dispatch_agreement_review: DocumentState = DocumentState.PENDING
    dispatch_company_uscc: str | None = None
    dispatch_company_filed: bool = False  # 劳务派遣备案 in the province


class Wage(Protocol):
    """What the wage check reads of a wage row: its payer and amount (WageRecord, or the registry's own
    payment rows, which the batch hands over without copying)."""

    @property
    def payer_uscc(self) -> str: ...

    @property
    def amount(self) -> Decimal: ...


class WageRecord(NamedTuple):
    """One wage row of the person for the month."""

    payer_uscc: str
    amount: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthFacts:
    """Everything the checks need about one (person, employer, month); the caller gathers it. Frozen: the
    checks only read it, and a caller may hand the same facts to several checks.

    `contracts` and `certificates` may hold records that do not touch the month: each check keeps only the
    contracts covering the month and the certificates in force in it. A caller that has already narrowed
    them to the month (the verification engine does, once per placement) saves that work."""

    month: Month
    employer_uscc: str
    sex: Sex | str
    birth_date: date
    female_base_age: int = 55
    wages: Sequence[Wage] = ()
    pension_payers: Collection[str] = ()
    medical_payers: Collection[str] = ()
    certificates: Sequence[CertificateFact] = ()
    contracts: Sequence[ContractFact] = ()
    minimum_wage: Decimal | None = None
    claimed_elsewhere: bool = False


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's verdict; `reason_code` and `message` are empty when it passed."""

    passed: bool
    reason_code: str = ""
    message: str = ""


PASSED = CheckResult(passed=True)


@dataclass(frozen=True, slots=True)
class MonthResult:
    """All seven verdicts of a month, the certificate weight in force that month and the certificate shown
    in the verification table's 残疾证类型/等级 columns (None when the month has none)."""

    month: Month
    checks: Mapping[CheckCode, CheckResult] = field(default_factory=dict)
    weight: int = 1
    certificate: CertificateFact | None = None

    @property
    def auto_passed(self) -> bool:
        """Every check passed: the month is confirmed without review."""
        return all(result.passed for result in self.checks.values())

    @property
    def failed(self) -> list[CheckCode]:
        """The failed checks, each needing one evidence file when the month is selected."""
        return [code for code, result in self.checks.items() if not result.passed]


def _fail(reason_code: str, message: str) -> CheckResult:
    return CheckResult(passed=False, reason_code=reason_code, message=message)


_ONE_DAY = timedelta(days=1)


def contract_is_long_enough(contract: ContractFact) -> bool:
    """在编, open-ended, or a term of at least one year including both ends (财税〔2015〕72号 第七条)."""
    if contract.staffing_roster or contract.end is None:
        return True
    return contract.end >= add_months(contract.start, 12) - _ONE_DAY


def covering_contracts(facts: MonthFacts) -> tuple[ContractFact, ...]:
    """The contracts that cover at least one day of the month (财税〔2015〕72号 第七条: the contract must be
    in force in the month counted)."""
    month = facts.month
    return tuple(contract for contract in facts.contracts if month.overlaps(contract.start, contract.end))


# The other-payer failures name no unit: the rows may be under another employer, whose name and USCC the
# employer must not learn (only the contract's payers, i.e. the unit itself and its related units, are shown).
OTHER_PAYER_MESSAGES = {
    "wage": "该月工资记录不在合同约定的工资发放单位（本单位或已登记的关联单位）名下，"
    "请核实工资发放单位；如由关联单位发放，请先登记该关联单位并在合同中选择",
    "pension": "该月社保记录不在合同约定的社保参保单位（本单位或已登记的关联单位）名下，"
    "请核实参保登记；如由关联单位缴纳，请先登记该关联单位并在合同中选择",
    "medical": "该月医保记录不在合同约定的医保参保单位（本单位或已登记的关联单位）名下，"
    "请核实参保登记；如由关联单位缴纳，请先登记该关联单位并在合同中选择",
}


def _payers(contracts: Sequence[ContractFact], facts: MonthFacts, attribute: str) -> set[str]:
    # Without a contract only the employer itself can count as payer; the contract check fails anyway.
    return {getattr(contract, attribute) for contract in contracts} or {facts.employer_uscc}


def check_wage(facts: MonthFacts) -> CheckResult:
    """Wage paid by the contract's wage payer ≥ the month's minimum wage (财税〔2015〕72号 第七条)."""
    if not facts.wages:
        return _fail("wage_missing", "未查询到该月工资发放记录，请上传工资发放证明")
    payers = _payers(covering_contracts(facts), facts, "wage_payer_uscc")
    own = [record for record in facts.wages if record.payer_uscc in payers]
    if not own:
        # Never name the unit the rows are under: it may be another employer (privacy, docs/rules.md §1).
        return _fail("wage_other_payer", OTHER_PAYER_MESSAGES["wage"])
    if facts.minimum_wage is None:
        return _fail("minimum_wage_unknown", "未配置该月所在地区的最低工资标准，请联系残联核实")
    # The registry may split one month's pay into several rows (salary, arrears): their sum is the wage.
    total = own[0].amount if len(own) == 1 else sum((record.amount for record in own), Decimal(0))
    if total < facts.minimum_wage:
        return _fail(
            "wage_below_minimum",
            f"月工资 {total:.2f} 元低于当月最低工资标准 {facts.minimum_wage:.2f} 元",
        )
    return PASSED


def _insurance_check(
    facts: MonthFacts,
    paid_by: Collection[str],
    attribute: str,
    kind: str,
    short: str,
    evidence: str,
) -> CheckResult:
    if not paid_by:
        return _fail(f"{kind}_missing", f"未查询到该月{short}缴费记录，请上传{evidence}或核实参保登记")
    payers = _payers(covering_contracts(facts), facts, attribute)
    if payers.isdisjoint(paid_by):
        return _fail(f"{kind}_other_payer", OTHER_PAYER_MESSAGES[kind])
    return PASSED


def check_pension(facts: MonthFacts) -> CheckResult:
    """职工养老保险 paid for the month by the contract's social-insurance payer (财税〔2015〕72号 第七条)."""
    return _insurance_check(
        facts,
        facts.pension_payers,
        "pension_payer_uscc",
        "pension",
        "职工养老保险",
        "社会保险缴费凭证",
    )


def check_medical(facts: MonthFacts) -> CheckResult:
    """职工医保 paid for the month by the contract's medical-insurance payer (财税〔2015〕72号 第七条)."""
    return _insurance_check(
        facts,
        facts.medical_payers,
        "medical_payer_uscc",
        "medical",
        "职工医保",
        "医疗保险缴费凭证",
    )


def counting_certificates(facts: MonthFacts) -> list[CertificateFact]:
    """Certificates valid on at least one day of the month that count (level and review status)."""
    month = facts.month
    return [
        certificate
        for certificate in facts.certificates
        if month.overlaps(certificate.valid_from, certificate.valid_until)
        and certificate_counts(certificate.kind, certificate.level)
        and certificate.source in _TRUSTED
    ]


_TRUSTED = (CertificateSource.REGISTRY, CertificateSource.MANUAL_APPROVED)


def check_certificate(facts: MonthFacts) -> CheckResult:
    """A counting 残疾人证 (1-4 级) or 残疾军人证 (1-8 级) valid in the month (财税〔2015〕72号 第七条)."""
    if counting_certificates(facts):
        return PASSED
    in_month = [c for c in facts.certificates if facts.month.overlaps(c.valid_from, c.valid_until)]
    if not in_month:
        return _fail("certificate_missing", "该月没有有效的残疾证，请核实残疾证有效期或补充历史残疾证")
    levelled = [c for c in in_month if certificate_counts(c.kind, c.level)]
    if not levelled:
        certificate = in_month[0]
        return _fail(
            "certificate_level_not_counted",
            f"{certificate.kind}等级为{certificate.level}级，不计入按比例安置"
            + (
                "（残疾军人证仅1-8级计入）" if certificate.kind is CertificateKind.DISABLED_SERVICEMAN else ""
            ),
        )
    if any(c.source is CertificateSource.MANUAL_PENDING for c in levelled):
        return _fail("certificate_pending_review", "补充的残疾证尚待残联审核，审核通过后该月方可计入")
    return _fail("certificate_rejected", "补充的残疾证未通过残联审核，请核实后重新上传证明材料")


def month_weight(facts: MonthFacts) -> int:
    """Weight in force for the month: the highest of the counting certificates, 1 when none counts (财税
    〔2015〕72号 第七条: 一、二级残疾人证 and 一至三级残疾军人证 count twice)."""
    return _weight(counting_certificates(facts))


def _weight(counting: list[CertificateFact]) -> int:
    if len(counting) == 1:  # the usual month: one certificate
        return certificate_weight(counting[0].kind, counting[0].level)
    return max((certificate_weight(c.kind, c.level) for c in counting), default=1)


def shown_certificate(facts: MonthFacts) -> CertificateFact | None:
    """The certificate the verification table shows for the month (残疾证类型/等级): the best counting one,
    else the best one in force; a 残疾人证 before a 残疾军人证, then the more severe level (联网认证 practice,
    残联厅函〔2022〕63号: the table names the certificate the month counts with)."""
    return _shown(facts, counting_certificates(facts))


def _shown(facts: MonthFacts, counting: list[CertificateFact]) -> CertificateFact | None:
    chosen = counting or [c for c in facts.certificates if facts.month.overlaps(c.valid_from, c.valid_until)]
    if len(chosen) <= 1:
        return chosen[0] if chosen else None
    return max(chosen, key=_shown_order)


_DISABLED_PERSON = CertificateKind.DISABLED_PERSON


def _shown_order(certificate: CertificateFact) -> tuple[bool, int]:
    return certificate.kind == _DISABLED_PERSON, -certificate.level


def check_age(facts: MonthFacts) -> CheckResult:
    """≥ 16 and below retirement age on the month's first day (财税〔2015〕72号 第七条; 决定 2024-09-13)."""
    day = facts.month.first_day
    if day < working_age_start(facts.birth_date):
        return _fail(
            "under_working_age", f"{facts.month.year}年{facts.month.month}月1日未满16周岁，不在就业年龄段"
        )
    if has_reached_retirement(facts.sex, facts.birth_date, day, facts.female_base_age):
        age = retirement_age(facts.sex, facts.birth_date, facts.female_base_age)
        reached = retirement_month(facts.sex, facts.birth_date, facts.female_base_age)
        return _fail(
            "over_retirement_age",
            f"已于{reached.year}年{reached.month}月达到法定退休年龄（{age}），不在就业年龄段",
        )
    return PASSED


def check_contract(facts: MonthFacts) -> CheckResult:
    """A contract of ≥ 1 year or 在编 covers the month; dispatch needs the agreement, approved by the DPF, and
    the company's filing (财税〔2015〕72号 第七条/第九条)."""
    contracts = covering_contracts(facts)
    if not contracts:
        return _fail("contract_missing", "该月没有有效的劳动合同（或编制证明），请补充合同信息")
    long_enough = [c for c in contracts if contract_is_long_enough(c)]
    if not long_enough:
        contract = contracts[0]
        return _fail(
            "contract_too_short",
            f"劳动合同期限（{contract.start:%Y-%m-%d}至{contract.end:%Y-%m-%d}）不足1年，不计入按比例安置",
        )
    if any(not c.dispatch or _dispatch_counts(c) for c in long_enough):
        return PASSED
    contract = long_enough[0]
    if not contract.dispatch_agreement:
        return _fail("dispatch_agreement_missing", "劳务派遣人员须上传派遣单位与本单位签订的派遣协议")
    if not contract.dispatch_company_filed:
        company = f" {contract.dispatch_company_uscc} " if contract.dispatch_company_uscc else ""
        return _fail("dispatch_not_filed", f"劳务派遣单位{company}未在本省办理劳务派遣备案，请核实备案情况")
    if contract.dispatch_agreement_review is DocumentState.REJECTED:
        return _fail("dispatch_agreement_rejected", "劳务派遣协议未通过残联审核，请核实后重新上传")
    return _fail("dispatch_agreement_pending_review", "劳务派遣协议尚待残联审核，审核通过后该月方可计入")


def _dispatch_counts(contract: ContractFact) -> bool:
    """A dispatch contract counts with its agreement approved by the DPF and the company filed (第九条)."""
    return (
        contract.dispatch_agreement
        and contract.dispatch_company_filed
        and contract.dispatch_agreement_review is DocumentState.APPROVED
    )


def check_exclusive(facts: MonthFacts) -> CheckResult:
    """No other employer has this person-month confirmed or pending (财税〔2015〕72号 第九条 不得重复计算)."""
    if facts.claimed_elsewhere:
        return _fail(
            "placed_elsewhere", "该月已被其他单位安置登记（已确认或待审核），同一人同一月份不能重复计入"
        )
    return PASSED


def check_month(facts: MonthFacts) -> MonthResult:
    """Run the seven checks of one placement month, in column order, with the month's weight and the
    certificate the table shows (财税〔2015〕72号 第七条/第九条; rules.md §1)."""
    counting = counting_certificates(facts)  # asked by three of the answers: worked out once
    return MonthResult(
        month=facts.month,
        checks={
            CheckCode.WAGE: check_wage(facts),
            CheckCode.PENSION: check_pension(facts),
            CheckCode.MEDICAL: check_medical(facts),
            CheckCode.CERTIFICATE: PASSED if counting else check_certificate(facts),
            CheckCode.AGE: check_age(facts),
            CheckCode.CONTRACT: check_contract(facts),
            CheckCode.EXCLUSIVE: check_exclusive(facts),
        },
        weight=_weight(counting),
        certificate=_shown(facts, counting),
    )
