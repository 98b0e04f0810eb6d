"""Synthetic province datasets for the demo, the tests and the benchmarks.

`generate_dataset` writes, for one province and business year, the files the importers accept (persons,
certificates, pension, medical and wage months, dispatch filings, registered units) plus `employment.csv`,
the answer key saying where each person works and which case was planted. It streams: one person at a time
is drawn and written, so memory stays flat for millions of rows. It is deterministic: the same arguments and
seed give byte-identical files.

Planted cases (each appears at least once when there are enough persons, then at random):
months without wage, pension or medical records; wages below the minimum of that month; pension paid by a
related unit; certificates expiring or issued mid-year; persons reaching retirement age mid-year; a person
at two employers in the same months; dispatch arrangements with and without a provincial filing; and
残疾军人证 holders (levels 9-10 do not count).
"""

from __future__ import annotations

import csv
import json
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from anbili.core.identifiers import PROVINCES, Sex, id_number_check_char, make_uscc
from anbili.core.month import Month, months_of_year
from anbili.registry.models import ImportKind
from anbili.registry.specs import SPECS
from anbili.rules.retirement import retirement_month


class Case(StrEnum):
    """The situations verification must catch; the values appear in employment.csv."""

    NORMAL = "normal"
    MISSING_WAGE = "missing_wage"
    MISSING_PENSION = "missing_pension"
    MISSING_MEDICAL = "missing_medical"
    WAGE_BELOW_MINIMUM = "wage_below_minimum"
    PENSION_BY_RELATED_UNIT = "pension_by_related_unit"
    CERTIFICATE_EXPIRES = "certificate_expires_mid_year"
    CERTIFICATE_ISSUED = "certificate_issued_mid_year"
    RETIRES = "retires_mid_year"
    TWO_EMPLOYERS = "two_employers"
    DISPATCH_FILED = "dispatch_filed"
    DISPATCH_UNFILED = "dispatch_unfiled"
    SERVICEMAN = "disabled_serviceman"


CASE_LABELS: dict[Case, str] = {
    Case.NORMAL: "正常",
    Case.MISSING_WAGE: "部分月份无工资记录",
    Case.MISSING_PENSION: "部分月份无养老保险缴费记录",
    Case.MISSING_MEDICAL: "部分月份无医保缴费记录",
    Case.WAGE_BELOW_MINIMUM: "部分月份工资低于当月最低工资标准",
    Case.PENSION_BY_RELATED_UNIT: "养老保险由关联单位缴纳",
    Case.CERTIFICATE_EXPIRES: "残疾证年中到期",
    Case.CERTIFICATE_ISSUED: "残疾证年中新办",
    Case.RETIRES: "年中达到法定退休年龄",
    Case.TWO_EMPLOYERS: "同一月份在两家单位有记录",
    Case.DISPATCH_FILED: "劳务派遣（派遣单位已在本省备案）",
    Case.DISPATCH_UNFILED: "劳务派遣（派遣单位未在本省备案）",
    Case.SERVICEMAN: "残疾军人证",
}

SPECIAL_CASES = [case for case in Case if case is not Case.NORMAL]
# After every case has appeared once, about 70% of persons are plain and the rest spread over the cases.
NORMAL_SHARE = 0.70

FILES: dict[str, str] = {
    ImportKind.MARKET_UNIT: "units.csv",
    ImportKind.DISPATCH_FILING: "dispatch_filings.csv",
    ImportKind.PERSON: "persons.csv",
    ImportKind.CERTIFICATE: "certificates.csv",
    ImportKind.PENSION: "pension.csv",
    ImportKind.MEDICAL: "medical.csv",
    ImportKind.WAGE: "wage.csv",
}
EMPLOYMENT_FILE = "employment.csv"
MANIFEST_FILE = "manifest.json"
EMPLOYMENT_HEADER = [
    "身份证号",
    "姓名",
    "用人单位统一社会信用代码",
    "劳务派遣单位统一社会信用代码",
    "关联单位统一社会信用代码",
    "第二单位统一社会信用代码",
    "情形",
    "说明",
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国红梅玉兰志强文斌"
    "海燕春梅小红晓东宏亮丹凤永刚慧敏雪峰金花德胜秀珍淑华"
)
BRANDS = "青城鹿城草原北疆塞北蒙原金桥华泰恒信瑞丰宏达鑫源长青万通天合广源泰和嘉禾"
TRADES = [
    "电子科技",
    "物流",
    "食品",
    "建材",
    "商贸",
    "机械制造",
    "农牧业",
    "餐饮服务",
    "印刷",
    "物业服务",
    "软件",
    "纺织",
]


@dataclass(frozen=True)
class County:
    """A county of the province (GB/T 2260) with its minimum-wage tier."""

    code: str
    name: str
    tier: int


@dataclass(frozen=True)
class Unit:
    """A unit of the dataset (employer, related unit, dispatch company)."""

    uscc: str
    name: str
    nature: str
    region_code: str


@dataclass(frozen=True)
class _Payers:
    """Who pays a person's wage, pension and medical insurance, and the other units of the case."""

    wage: Unit
    pension: Unit
    medical: Unit
    dispatch: Unit | None
    related: Unit | None
    second: Unit | None


MinimumWage = Callable[[str, Month], Decimal]  # (county code, month) -> minimum wage in force


@dataclass
class DatasetOptions:
    """What to generate; `employers`/`dispatch_companies` given here are used before generated ones."""

    province: str
    year: int
    persons: int
    employers: int
    seed: int
    counties: Sequence[County]
    minimum_wage: MinimumWage
    female_base_age: int = 55
    fixed_employers: Sequence[Unit] = ()
    fixed_dispatch_companies: Sequence[Unit] = ()
    encoding: str = "utf-8"


@dataclass
class DatasetResult:
    """Row counts per file and persons per planted case."""

    out: Path
    rows: dict[str, int] = field(default_factory=dict)
    cases: Counter[str] = field(default_factory=Counter)

    def path(self, kind: str) -> Path:
        """The file of an import kind."""
        return self.out / FILES[kind]


class _Writers:
    def __init__(self, out: Path, encoding: str) -> None:
        self.files: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        self.rows: Counter[str] = Counter()
        for kind, name in FILES.items():
            handle = open(out / name, "w", encoding=encoding, newline="", buffering=1 << 20)  # noqa: SIM115
            self.files[kind] = handle
            self.writers[kind] = csv.writer(handle, lineterminator="\n")
            self.writers[kind].writerow([column.header for column in SPECS[kind].columns])
        handle = open(out / EMPLOYMENT_FILE, "w", encoding=encoding, newline="", buffering=1 << 20)  # noqa: SIM115
        self.files["employment"] = handle
        self.writers["employment"] = csv.writer(handle, lineterminator="\n")
        self.writers["employment"].writerow(EMPLOYMENT_HEADER)

    def row(self, kind: str, values: Sequence[object]) -> None:
        self.writers[kind].writerow(values)
        self.rows[kind] += 1

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()


def _coprime_step(size: int, seed: int) -> int:
    step = max(2, int(size * 0.618)) + seed % 97
    while math.gcd(step, size) != 1:
        step += 1
    return step


class _Generator:
    def __init__(self, options: DatasetOptions, out: Path) -> None:
        if not options.counties:
            raise ValueError("no counties for the province")
        self.o = options
        self.rng = random.Random(options.seed)
        self.months = months_of_year(options.year)
        self.month_text = [str(month) for month in self.months]
        self.counties = list(options.counties)
        self.out = out
        # Normal persons are 18-48 on 1 January, retirees are drawn from birth months that retire this year:
        # the two birth windows never overlap, so (county, birth date, sequence) stays unique without a set.
        self.normal_start = date(options.year - 49, 1, 2)
        self.normal_days = (date(options.year - 18, 1, 1) - self.normal_start).days
        self.normal_step = _coprime_step(self.normal_days, options.seed)
        self.retiree_days = {sex: self._retiree_days(sex) for sex in (Sex.MALE, Sex.FEMALE)}
        self.retiree_count = {Sex.MALE: 0, Sex.FEMALE: 0}
        self.minimums: dict[tuple[str, int], Decimal] = {}
        self.employers = self._units(options.fixed_employers, options.employers, "MA")
        self.related = [
            self._unit(i, "RL", "人力资源服务有限公司", self.employers[i].region_code)
            for i in range(len(self.employers))
        ]
        dispatch_count = max(2, len(options.fixed_dispatch_companies), options.employers // 20)
        self.dispatch = self._units(
            options.fixed_dispatch_companies, dispatch_count, "LW", "劳务派遣有限公司"
        )
        # The given dispatch companies and every second generated one are filed in the province.
        fixed = len(options.fixed_dispatch_companies)
        self.filed = [u for i, u in enumerate(self.dispatch) if i < fixed or (i - fixed) % 2 == 0]
        self.unfiled = [u for u in self.dispatch if u not in self.filed] or [
            self._unit(0, "UF", "劳务派遣有限公司")
        ]
        self.other_employer = self._unit(0, "QT", "商贸有限公司")

    # --- units ---------------------------------------------------------------------------------------

    def _unit(self, index: int, tag: str, suffix: str = "", region: str | None = None) -> Unit:
        county = self.counties[(index * 7 + self.o.seed) % len(self.counties)]
        code = region or county.code
        serial = (self.o.seed * 7919 + index) % 10_000_000
        uscc = make_uscc(f"91{code}{tag}{serial:07d}")
        place = county.name.removesuffix("县").removesuffix("区").removesuffix("旗")[:2]
        trade = suffix or f"{TRADES[index % len(TRADES)]}有限公司"
        brand = BRANDS[(index * 2) % len(BRANDS) : (index * 2) % len(BRANDS) + 2]
        return Unit(uscc, f"{place}{brand}{trade}", "enterprise", code)

    def _units(self, fixed: Sequence[Unit], count: int, tag: str, suffix: str = "") -> list[Unit]:
        units = list(fixed)
        index = 0
        while len(units) < max(count, 1):
            units.append(self._unit(index, tag, suffix))
            index += 1
        return units

    def minimum(self, unit: Unit, month_index: int) -> Decimal:
        key = (unit.region_code, month_index)
        if key not in self.minimums:
            self.minimums[key] = self.o.minimum_wage(unit.region_code, self.months[month_index])
        return self.minimums[key]

    # --- persons -------------------------------------------------------------------------------------

    def _retiree_days(self, sex: Sex) -> list[date]:
        days: list[date] = []
        for year in range(self.o.year - 66, self.o.year - 49):
            for month in range(1, 13):
                birth = date(year, month, 15)
                reached = retirement_month(sex, birth, self.o.female_base_age)
                if reached.year == self.o.year and 3 <= reached.month <= 10:
                    days.extend(date(year, month, day) for day in range(1, 29))
        return days

    def _id_number(self, index: int, sex: Sex, retiree: bool) -> tuple[str, str]:
        counties = len(self.counties)
        if retiree:
            serial = self.retiree_count[sex]
            self.retiree_count[sex] += 1
            days = self.retiree_days[sex]
            county = self.counties[serial % counties]
            slot = serial // counties
            birth = days[(slot * 7 + self.o.seed) % len(days)]
            pair = slot // len(days)
        else:
            county_index = index % counties
            county = self.counties[county_index]
            slot = index // counties
            # slot -> day is a bijection per county (step coprime to the window), offset so counties differ.
            offset = county_index * 131 + self.o.seed
            day = (slot % self.normal_days * self.normal_step + offset) % self.normal_days
            birth = self.normal_start + timedelta(days=day)
            pair = slot // self.normal_days
        if pair >= 499:
            raise ValueError("too many persons for the province's counties")
        sequence = 2 * pair + (1 if sex is Sex.MALE else 2)
        first17 = f"{county.code}{birth:%Y%m%d}{sequence:03d}"
        return first17 + id_number_check_char(first17), county.code

    def _name(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

    def _case(self, index: int) -> Case:
        if index < len(SPECIAL_CASES):
            return SPECIAL_CASES[index]
        if self.rng.random() < NORMAL_SHARE:
            return Case.NORMAL
        return self.rng.choice(SPECIAL_CASES)

    # --- writing -------------------------------------------------------------------------------------

    def run(self) -> DatasetResult:
        writers = _Writers(self.out, self.o.encoding)
        result = DatasetResult(out=self.out)
        try:
            self._write_units(writers)
            for index in range(self.o.persons):
                case = self._person(index, writers)
                result.cases[case] += 1
        finally:
            writers.close()
        result.rows = {FILES[kind]: writers.rows[kind] for kind in FILES}
        result.rows[EMPLOYMENT_FILE] = writers.rows["employment"]
        manifest = {
            "province": self.o.province,
            "year": self.o.year,
            "persons": self.o.persons,
            "employers": len(self.employers),
            "seed": self.o.seed,
            "encoding": self.o.encoding,
            "rows": result.rows,
            "cases": dict(sorted(result.cases.items())),
        }
        (self.out / MANIFEST_FILE).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
        return result

    def _write_units(self, w: _Writers) -> None:
        seen: set[str] = set()
        for unit in [*self.employers, *self.related, *self.dispatch, *self.unfiled, self.other_employer]:
            if unit.uscc in seen:
                continue
            seen.add(unit.uscc)
            nature = "institution" if unit.uscc.startswith("12") else unit.nature
            w.row(ImportKind.MARKET_UNIT, [unit.uscc, unit.name, _NATURE_LABELS[nature], unit.region_code])
        year = self.o.year
        for index, company in enumerate(self.filed):
            start = date(year - 1 - index % 3, 1 + index % 12, 1)
            w.row(
                ImportKind.DISPATCH_FILING,
                [
                    company.uscc,
                    company.name,
                    self.o.province + "0000",
                    f"{self.o.province}劳派备{year - 1}{index + 1:05d}",
                    start.isoformat(),
                    (date(start.year + 3, start.month, 1) - timedelta(days=1)).isoformat(),
                ],
            )

    def _person(self, index: int, w: _Writers) -> Case:
        rng = self.rng
        case = self._case(index)
        count = len(self.employers)
        employer = (
            self.employers[index % count]
            if index < max(count, len(SPECIAL_CASES))
            else rng.choice(self.employers)
        )
        sex = Sex.MALE if rng.random() < 0.55 else Sex.FEMALE
        id_number, household = self._id_number(index, sex, retiree=case is Case.RETIRES)
        name = self._name()
        w.row(ImportKind.PERSON, [id_number, name, household])

        self._certificates(index, case, id_number, household, w)
        payers = self._payers(index, case, employer)
        self._contributions(case, id_number, payers, w)
        dispatch, related, second = payers.dispatch, payers.related, payers.second
        w.row(
            "employment",
            [
                id_number,
                name,
                employer.uscc,
                dispatch.uscc if dispatch else "",
                related.uscc if related else "",
                second.uscc if second else "",
                case.value,
                CASE_LABELS[case],
            ],
        )
        return case

    def _certificates(self, index: int, case: Case, id_number: str, household: str, w: _Writers) -> None:
        """Certificates, with history: a third of the holders had an earlier certificate, now replaced."""
        rng = self.rng
        year = self.o.year
        category = 1 + rng.randrange(7)
        level = rng.choices((1, 2, 3, 4), weights=(10, 20, 35, 35))[0]
        if case is Case.SERVICEMAN:
            level = 1 + rng.randrange(10)
            number = f"军残字第{index + 1:06d}号"
            w.row(
                ImportKind.CERTIFICATE,
                [number, id_number, "残疾军人证", "", level, f"{year - 5}-06-01", "", "正常", household],
            )
        else:
            number = f"{id_number}{category}{level}"
            if case is Case.CERTIFICATE_ISSUED:
                start = date(year, 3 + rng.randrange(8), 1 + rng.randrange(28))
            else:
                start = date(year - 1 - rng.randrange(8), 1 + rng.randrange(12), 1 + rng.randrange(28))
                if rng.random() < 0.33:
                    earlier = date(start.year - 10, start.month, start.day)
                    w.row(
                        ImportKind.CERTIFICATE,
                        [
                            number,
                            id_number,
                            "残疾人证",
                            category,
                            level,
                            earlier.isoformat(),
                            (start - timedelta(days=1)).isoformat(),
                            "已换领",
                            household,
                        ],
                    )
            until = date(start.year + 10, start.month, start.day) - timedelta(days=1)
            if case is Case.CERTIFICATE_EXPIRES:
                until = date(year, 3 + rng.randrange(8), 1 + rng.randrange(28))
            w.row(
                ImportKind.CERTIFICATE,
                [
                    number,
                    id_number,
                    "残疾人证",
                    category,
                    level,
                    start.isoformat(),
                    until.isoformat(),
                    "正常",
                    household,
                ],
            )

    def _payers(self, index: int, case: Case, employer: Unit) -> _Payers:
        """Who pays what: the employer, or a related unit, or a dispatch company."""
        wage_payer = pension_payer = medical_payer = employer
        dispatch = related = second = None
        if case is Case.PENSION_BY_RELATED_UNIT:
            related = self.related[self.employers.index(employer)]
            pension_payer = related
        elif case in (Case.DISPATCH_FILED, Case.DISPATCH_UNFILED):
            pool = self.filed if case is Case.DISPATCH_FILED else self.unfiled
            dispatch = pool[index % len(pool)]
            wage_payer = pension_payer = medical_payer = dispatch
        elif case is Case.TWO_EMPLOYERS:
            others = [e for e in self.employers if e is not employer]
            second = others[index % len(others)] if others else self.other_employer
        return _Payers(wage_payer, pension_payer, medical_payer, dispatch, related, second)

    def _contributions(self, case: Case, id_number: str, payers: _Payers, w: _Writers) -> None:
        """Twelve months of wages, pension and medical insurance, with the case's gaps and low wages."""
        rng = self.rng
        top_minimum = max(self.minimum(payers.wage, m) for m in range(12))
        base = top_minimum * Decimal(str(round(1.1 + rng.random() * 1.5, 3)))
        missing = set(rng.sample(range(12), 1 + rng.randrange(3)))
        low = set(rng.sample(range(12), 1 + rng.randrange(3)))
        for m, month_text in enumerate(self.month_text):
            wage = (base * Decimal(str(round(0.97 + rng.random() * 0.06, 3)))).quantize(Decimal("0.01"))
            if case is Case.WAGE_BELOW_MINIMUM and m in low:
                wage = max(Decimal(0), self.minimum(payers.wage, m) - Decimal(50 + rng.randrange(350)))
            if not (case is Case.MISSING_WAGE and m in missing):
                w.row(
                    ImportKind.WAGE, [id_number, payers.wage.uscc, month_text, wage, payers.wage.region_code]
                )
            if not (case is Case.MISSING_PENSION and m in missing):
                pension = (max(wage, top_minimum) * Decimal("0.24")).quantize(Decimal("0.01"))
                w.row(
                    ImportKind.PENSION,
                    [id_number, payers.pension.uscc, month_text, pension, payers.pension.region_code],
                )
            if not (case is Case.MISSING_MEDICAL and m in missing):
                medical = (max(wage, top_minimum) * Decimal("0.08")).quantize(Decimal("0.01"))
                w.row(
                    ImportKind.MEDICAL,
                    [id_number, payers.medical.uscc, month_text, medical, payers.medical.region_code],
                )
            if payers.second is not None and 2 <= m <= 7:
                w.row(
                    ImportKind.WAGE,
                    [id_number, payers.second.uscc, month_text, wage, payers.second.region_code],
                )
                pension = (wage * Decimal("0.24")).quantize(Decimal("0.01"))
                w.row(
                    ImportKind.PENSION,
                    [id_number, payers.second.uscc, month_text, pension, payers.second.region_code],
                )
                medical = (wage * Decimal("0.08")).quantize(Decimal("0.01"))
                w.row(
                    ImportKind.MEDICAL,
                    [id_number, payers.second.uscc, month_text, medical, payers.second.region_code],
                )


_NATURE_LABELS = {"enterprise": "企业", "institution": "事业单位"}


def generate_dataset(options: DatasetOptions, out: Path) -> DatasetResult:
    """Write a synthetic dataset for one province and business year into `out` (created if needed)."""
    if options.province not in PROVINCES:
        raise ValueError(f"unknown province code {options.province}")
    if options.persons < 0 or options.employers < 1:
        raise ValueError("need at least one employer and a non-negative number of persons")
    out.mkdir(parents=True, exist_ok=True)
    return _Generator(options, out).run()


def read_employment(out: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    """The answer key of a generated dataset (small datasets: tests and the demo)."""
    with open(out / EMPLOYMENT_FILE, encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def options_for_province(
    *,
    province: str,
    year: int,
    persons: int,
    employers: int,
    seed: int,
    fixed_employers: Sequence[Unit] = (),
    fixed_dispatch_companies: Sequence[Unit] = (),
    encoding: str = "utf-8",
) -> DatasetOptions:
    """Options whose counties, minimum wages and female retirement base come from the seeded regions and
    policy tables (PolicyMissing, a Chinese message, when the province has no minimum wage for the year)."""
    from anbili.regions.models import Region, RegionLevel
    from anbili.regions.selectors import female_base_age_for, minimum_wage_for

    prefix = province.strip()[:2]
    counties = [
        County(code, name, int(tier or 0))
        for code, name, tier in Region.objects.filter(
            level=RegionLevel.COUNTY, code__startswith=prefix, wage_tier__isnull=False
        )
        .order_by("code")
        .values_list("code", "name", "wage_tier")
    ]
    if not counties:
        raise ValueError(f"省份{prefix}没有已导入的区县（含最低工资档次），请先运行 manage.py seed_regions")
    tiers = {county.code: county.tier for county in counties}
    first = counties[0].code
    # Check the policy once up front so a missing table fails before any file is written.
    minimum_wage_for(first, date(year, 1, 1))

    def minimum_wage(county_code: str, month: Month) -> Decimal:
        return minimum_wage_for(county_code if county_code in tiers else first, month.first_day)

    return DatasetOptions(
        province=prefix,
        year=year,
        persons=persons,
        employers=employers,
        seed=seed,
        counties=counties,
        minimum_wage=minimum_wage,
        female_base_age=female_base_age_for(prefix + "0000", date(year, 1, 1)),
        fixed_employers=fixed_employers,
        fixed_dispatch_companies=fixed_dispatch_companies,
        encoding=encoding,
    )
