"""The synthetic dataset: deterministic, accepted by the importers, and every planted case is caught by the
rules when fed through the facts selector."""

import csv
from datetime import date

import pytest
from django.core.management import call_command

from anbili.core.month import Month, months_of_year
from anbili.regions.selectors import minimum_wage_for
from anbili.registry.generator import (
    EMPLOYMENT_FILE,
    FILES,
    Case,
    generate_dataset,
    options_for_province,
    read_employment,
)
from anbili.registry.models import Certificate, MarketUnit
from anbili.registry.selectors import dispatch_filing_for, person_year_facts
from anbili.rules.checks import CheckCode, ContractFact, DocumentState, check_month

YEAR = 2025


def _contract(employer: str, *, pension: str | None = None, dispatch: str | None = None) -> ContractFact:
    payer = dispatch or employer
    return ContractFact(
        start=date(YEAR - 1, 1, 1),
        end=date(YEAR + 1, 12, 31),
        wage_payer_uscc=payer,
        pension_payer_uscc=pension or payer,
        medical_payer_uscc=payer,
        dispatch=dispatch is not None,
        dispatch_agreement=dispatch is not None,
        dispatch_company_uscc=dispatch,
        dispatch_company_filed=dispatch is not None,
        # The registry data is what these tests check: the agreement as a reviewer approved it.
        dispatch_agreement_review=DocumentState.APPROVED,
    )


def _verify(row: dict[str, str], contract: ContractFact) -> dict[Month, dict[CheckCode, str]]:
    """Failed checks per month (reason codes) for the person at the employer of the answer key."""
    employer = row["用人单位统一社会信用代码"]
    facts = person_year_facts(id_number=row["身份证号"], employer_uscc=employer, business_year=YEAR)
    region = MarketUnit.objects.get(uscc=contract.wage_payer_uscc).region_code
    out = {}
    for month in months_of_year(YEAR):
        result = check_month(
            facts.month_facts(
                month, contracts=[contract], minimum_wage=minimum_wage_for(region, month.first_day)
            )
        )
        out[month] = {code: result.checks[code].reason_code for code in result.failed}
    return out


def _reasons(failures: dict[Month, dict[CheckCode, str]]) -> set[str]:
    return {reason for month in failures.values() for reason in month.values()}


@pytest.fixture
def imported(dataset, run_import):
    for kind, name in FILES.items():
        batch = run_import(kind, (dataset / name).read_bytes(), name=name)
        assert (batch.status, batch.rows_failed) == ("done", 0), (name, batch.message)
    return read_employment(dataset)


def test_every_planted_case_is_caught_and_normal_persons_pass(imported):
    by_case: dict[str, list[dict[str, str]]] = {}
    for row in imported:
        by_case.setdefault(row["情形"], []).append(row)
    assert set(by_case) == {case.value for case in Case}

    for row in by_case[Case.NORMAL]:
        assert _verify(row, _contract(row["用人单位统一社会信用代码"])) == {
            m: {} for m in months_of_year(YEAR)
        }

    expected = {
        Case.MISSING_WAGE: "wage_missing",
        Case.MISSING_PENSION: "pension_missing",
        Case.MISSING_MEDICAL: "medical_missing",
        Case.WAGE_BELOW_MINIMUM: "wage_below_minimum",
        Case.CERTIFICATE_EXPIRES: "certificate_missing",
        Case.CERTIFICATE_ISSUED: "certificate_missing",
        Case.RETIRES: "over_retirement_age",
        Case.PENSION_BY_RELATED_UNIT: "pension_other_payer",
    }
    for case, reason in expected.items():
        for row in by_case[case]:
            failures = _verify(row, _contract(row["用人单位统一社会信用代码"]))
            assert _reasons(failures) == {reason}, (case, failures)
            # Mid-year cases fail only part of the year.
            passing = [m for m, failed in failures.items() if not failed]
            if case in (Case.CERTIFICATE_EXPIRES, Case.CERTIFICATE_ISSUED, Case.RETIRES):
                assert 0 < len(passing) < 12


def test_pension_by_a_related_unit_passes_once_the_contract_names_it(imported):
    row = next(r for r in imported if r["情形"] == Case.PENSION_BY_RELATED_UNIT)
    contract = _contract(row["用人单位统一社会信用代码"], pension=row["关联单位统一社会信用代码"])
    assert _reasons(_verify(row, contract)) == set()


def test_dispatch_persons_are_paid_by_the_dispatch_company_filed_or_not(imported):
    for case, filed in ((Case.DISPATCH_FILED, True), (Case.DISPATCH_UNFILED, False)):
        row = next(r for r in imported if r["情形"] == case)
        company = row["劳务派遣单位统一社会信用代码"]
        assert (dispatch_filing_for(company, "150000", date(YEAR, 6, 30)) is not None) is filed
        assert _reasons(_verify(row, _contract(row["用人单位统一社会信用代码"], dispatch=company))) == set()


def test_a_person_at_two_employers_has_records_of_both_in_the_same_months(imported):
    row = next(r for r in imported if r["情形"] == Case.TWO_EMPLOYERS)
    facts = person_year_facts(
        id_number=row["身份证号"], employer_uscc=row["用人单位统一社会信用代码"], business_year=YEAR
    )
    months_with_two = [
        m
        for m, f in facts.months.items()
        if len({p.payer_uscc for p in f.wages}) == 2
        and row["用人单位统一社会信用代码"] in {p.payer_uscc for p in f.wages}
    ]
    assert len(months_with_two) == 6
    assert {p.payer_uscc for p in facts.months[months_with_two[0]].pensions} == {
        row["用人单位统一社会信用代码"],
        row["第二单位统一社会信用代码"],
    }


def test_servicemen_and_certificate_history(imported):
    row = next(r for r in imported if r["情形"] == Case.SERVICEMAN)
    assert Certificate.objects.get(id_number=row["身份证号"]).kind == "残疾军人证"
    replaced = Certificate.objects.filter(status="replaced")
    assert replaced.exists()
    for old in replaced[:5]:
        # The replaced certificate ends the day before its successor (same number) starts.
        successor = Certificate.objects.get(number=old.number, status="valid")
        assert (successor.valid_from - old.valid_until).days == 1


def test_the_generator_is_deterministic_for_a_seed(regions, tmp_path):
    def files(seed: int, name: str) -> dict[str, bytes]:
        options = options_for_province(province="15", year=2024, persons=30, employers=3, seed=seed)
        generate_dataset(options, tmp_path / name)
        return {p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())}

    first, again, other = files(5, "a"), files(5, "b"), files(6, "c")
    assert first == again
    assert first["wage.csv"] != other["wage.csv"]
    assert set(first) == {*FILES.values(), EMPLOYMENT_FILE, "manifest.json"}


def test_generate_dataset_command_writes_gbk_files_the_importer_accepts(regions, tmp_path, run_import):
    out = tmp_path / "gbk"
    call_command(
        "generate_dataset",
        "--province",
        "36",
        "--year",
        "2024",
        "--persons",
        "15",
        "--employers",
        "2",
        "--seed",
        "9",
        "--out",
        str(out),
        "--encoding",
        "gbk",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    with open(out / "persons.csv", encoding="gbk") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["身份证号", "姓名", "户籍地行政区划代码"] and len(rows) == 16
    assert all(row[2].startswith("36") for row in rows[1:])
    batch = run_import("person", (out / "persons.csv").read_bytes())
    assert (batch.status, batch.rows_created) == ("done", 15)


def test_fixed_employers_come_first_and_get_persons(regions, tmp_path):
    from anbili.core.identifiers import make_uscc
    from anbili.registry.generator import Unit

    mine = Unit(make_uscc("91150102MA0N4QCD0"), "呼和浩特市青城电子科技有限公司", "enterprise", "150102")
    options = options_for_province(
        province="15", year=2025, persons=20, employers=2, seed=1, fixed_employers=[mine]
    )
    generate_dataset(options, tmp_path / "fixed")
    employment = read_employment(tmp_path / "fixed")
    assert sum(row["用人单位统一社会信用代码"] == mine.uscc for row in employment) >= 5
    with open(tmp_path / "fixed" / "units.csv", encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["单位名称"] == mine.name
