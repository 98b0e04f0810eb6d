"""The verification engine: a person's year of registry facts → one `MonthVerdict` per month, through the one
rules path `anbili.rules.checks.check_month`. No database access: the loaders gather the facts, the store
writes the verdicts.

What the engine works out once per placement instead of once per check (the rules take frozen facts only):
each month's covering contracts (MonthFacts.contracts; the certificates of a MonthRegistryFacts are already
those in force in the month), the provenance entries, and the text of an all-passed month, which depends on
its sources alone and is shared by most of a person's months (P1, docs/performance.md).
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
    verdicts = []
    for month, registry_month in facts.months.items():
        key = yyyymm(month)
        result = check_month(
            facts.month_facts(
                month,
                contracts=covering[month],
                minimum_wage=minimum_wages.get(month),
                claimed_elsewhere=key in claimed_elsewhere,
                female_base_age=base,
            )
        )
        wage = [payment(p) for p in registry_month.wages]
        pension = [payment(p) for p in registry_month.pensions]
        medical = [payment(p) for p in registry_month.medicals]
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
        shown = result.certificate
        verdicts.append(
            MonthVerdict(
                key,
                text,
                auto_passed,
                result.weight,
                str(shown.kind) if shown else "",
                shown.level if shown else None,
            )
        )
    return verdicts
