"""The verification engine: a person's year of registry facts → one `MonthVerdict` per month, through the one
rules path `anbili.rules.checks.check_month`. No database access: the loaders gather the facts, the store
writes the verdicts.

What the engine works out once per placement instead of once per check (the rules take frozen facts only):
each month's covering contracts (MonthFacts.contracts; the certificates of a MonthRegistryFacts are already
those in force in the month), the provenance entries, and the text of an all-passed month, which depends on
its sources alone and is shared by most of a person's months (P1, docs/performance.md).

The sources cite only the payment rows of the month's payers (the employer, and the payers and dispatch
company of its covering contracts): rows under another unit are never stored, so no employer-facing text can
name another employer (docs/rules.md §1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from anbili.core.month import Month
from anbili.placements.verification.encoding import Entry, MonthVerdict, SourceEntries, checks_text
from anbili.registry.selectors import PersonYearFacts
from anbili.rules.checks import CheckCode, ContractFact, check_month

# Python 3.11 looks enum members up through a descriptor: read once, by name, for the per-month path.
_WAGE = CheckCode.WAGE
_PENSION = CheckCode.PENSION
_MEDICAL = CheckCode.MEDICAL
_CERTIFICATE = CheckCode.CERTIFICATE
_AGE = CheckCode.AGE
_CONTRACT = CheckCode.CONTRACT
_EXCLUSIVE = CheckCode.EXCLUSIVE


def yyyymm(month: Month) -> int:
    """The month as stored: 202501."""
    return month.year * 100 + month.month


@dataclass(frozen=True)
class PolicyInputs:
    """What the province's policy tables say for the employer: each month's minimum wage and the female
    base retirement age."""

    minimum_wages: dict[Month, Decimal | None]
    female_base_age: int


def _covering(
    months: Sequence[Month], contracts: tuple[ContractFact, ...]
) -> dict[Month, tuple[ContractFact, ...]]:
    """Each month's covering contracts; the usual placement (every contract covers the whole year) shares
    one tuple for all months."""
    found = {}
    for month in months:
        covering = tuple(c for c in contracts if month.overlaps(c.start, c.end))
        found[month] = contracts if len(covering) == len(contracts) else covering
    return found


def _shown_payers(employer_uscc: str, covering: tuple[ContractFact, ...]) -> frozenset[str]:
    """The units whose payment rows a month's sources may cite: the employer and, from the covering contracts,
    the wage/pension/medical payers and the dispatch company (the unit itself and its related units). Rows
    under any other unit are left out, so that the employer never sees another employer's USCC."""
    payers = {employer_uscc}
    for contract in covering:
        payers.update((contract.wage_payer_uscc, contract.pension_payer_uscc, contract.medical_payer_uscc))
        if contract.dispatch_company_uscc:
            payers.add(contract.dispatch_company_uscc)
    payers.discard("")
    return frozenset(payers)


def month_verdicts(
    facts: PersonYearFacts,
    *,
    contracts: Sequence[ContractFact],
    policy: PolicyInputs,
    claimed_elsewhere: set[int],
    female_base_age: int | None,
    entries: SourceEntries,
) -> list[MonthVerdict]:
    """Run check_month for the months of the business year (facts.months); nothing is saved."""
    base = female_base_age or policy.female_base_age
    age_source = [entries.entry(facts.person_provenance, "id_number")]
    contract_source = [entries.entry(None, "employer")]
    exclusive_source = [entries.entry(None, "placements")]
    certificate_entries = {
        id(c): entries.entry(c.provenance, key="number", value=c.number) for c in facts.certificates
    }
    covering = _covering(list(facts.months), tuple(contracts))
    minimum_wages = policy.minimum_wages
    passed_texts: dict[tuple[int, ...], bytes] = {}
    payment = entries.payment
    # One payer set per distinct covering tuple (the usual placement: one for the whole year).
    shown_payers: dict[int, frozenset[str]] = {}
    verdicts = []
    for month, registry_month in facts.months.items():
        key = yyyymm(month)
        month_contracts = covering[month]
        result = check_month(
            facts.month_facts(
                month,
                contracts=month_contracts,
                minimum_wage=minimum_wages.get(month),
                claimed_elsewhere=key in claimed_elsewhere,
                female_base_age=base,
            )
        )
        shown = shown_payers.get(id(month_contracts))
        if shown is None:
            shown = shown_payers[id(month_contracts)] = _shown_payers(facts.employer_uscc, month_contracts)
        wage = [payment(p) for p in registry_month.wages if p.payer_uscc in shown]
        pension = [payment(p) for p in registry_month.pensions if p.payer_uscc in shown]
        medical = [payment(p) for p in registry_month.medicals if p.payer_uscc in shown]
        certificate = [certificate_entries[id(c)] for c in registry_month.certificates]
        auto_passed = result.auto_passed
        text = None
        if auto_passed:
            # The entries are shared objects, so their identities name the sources (0 separates the lists).
            passed_key = (
                *map(id, wage),
                0,
                *map(id, pension),
                0,
                *map(id, medical),
                0,
                *map(id, certificate),
            )
            text = passed_texts.get(passed_key)
        if text is None:
            sources: dict[CheckCode, list[Entry]] = {
                _WAGE: wage,
                _PENSION: pension,
                _MEDICAL: medical,
                _CERTIFICATE: certificate,
                _AGE: age_source,
                _CONTRACT: contract_source,
                _EXCLUSIVE: exclusive_source,
            }
            text = checks_text(result.checks, sources)
            if auto_passed:
                passed_texts[passed_key] = text
        certificate_shown = result.certificate
        verdicts.append(
            MonthVerdict(
                key,
                text,
                auto_passed,
                result.weight,
                str(certificate_shown.kind) if certificate_shown else "",
                certificate_shown.level if certificate_shown else None,
            )
        )
    return verdicts
