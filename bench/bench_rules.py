"""Throughput of the pure month checks (inner loop of P1 batch re-verification), person-months per second.

Prints the median of several runs; not part of the test suite. Run: `uv run python bench/bench_rules.py`.
"""

import os
import platform
import statistics
import time
from datetime import date
from decimal import Decimal

from anbili.core.identifiers import Sex
from anbili.core.month import months_of_year
from anbili.rules.checks import CertificateFact, ContractFact, MonthFacts, WageRecord, check_month
from anbili.rules.counting import CertificateKind

EMPLOYER = "91150102MA0N4QCD0T"
PERSONS = 2_000  # × 12 months per run
RUNS = 5


def facts_for_person(i: int) -> list[MonthFacts]:
    contract = ContractFact(
        start=date(2024, 7, 1),
        end=date(2026, 6, 30),
        wage_payer_uscc=EMPLOYER,
        pension_payer_uscc=EMPLOYER,
        medical_payer_uscc=EMPLOYER,
    )
    certificate = CertificateFact(
        kind=CertificateKind.DISABLED_PERSON,
        level=1 + i % 4,
        valid_from=date(2020, 1, 1),
        valid_until=date(2030, 1, 1),
    )
    out = []
    for month in months_of_year(2025):
        # Every seventh person misses a wage month, so failing paths are measured too.
        wages = () if (i + month.month) % 7 == 0 else (WageRecord(EMPLOYER, Decimal("2500.00")),)
        out.append(
            MonthFacts(
                month=month,
                employer_uscc=EMPLOYER,
                sex=Sex.MALE if i % 2 else Sex.FEMALE,
                birth_date=date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
                wages=wages,
                pension_payers=(EMPLOYER,),
                medical_payers=(EMPLOYER,),
                certificates=(certificate,),
                contracts=(contract,),
                minimum_wage=Decimal("1980.00"),
            )
        )
    return out


def main() -> None:
    batch = [f for i in range(PERSONS) for f in facts_for_person(i)]
    rates = []
    for _ in range(RUNS):
        started = time.perf_counter()
        passed = sum(check_month(f).auto_passed for f in batch)
        rates.append(len(batch) / (time.perf_counter() - started))
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"check_month: {len(batch)} person-months per run, {passed} auto-passed")
    print(f"check_month: median {statistics.median(rates):,.0f} person-months/s over {RUNS} runs (one core)")


if __name__ == "__main__":
    main()
