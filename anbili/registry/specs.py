"""The columns of each import kind and the row parsers that turn raw cells into checked database values.

A parser gets the cells of one row (strings from CSV, typed cells from XLSX, JSON values from JSON Lines) in
the order of its kind's columns and returns either the row's values in `fields` order or the problems found,
each naming the column in the partner's words. Parsers keep small caches (ID numbers, USCCs, months, region
codes repeat on almost every row of a monthly file), which is what lets an import reach 100,000 rows/s.
docs/registry.md lists the columns per kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from anbili.core.identifiers import (
    CERTIFICATE_CATEGORIES,
    PROVINCES,
    IdentifierError,
    validate_certificate_number,
    validate_id_number,
    validate_region_code,
    validate_uscc,
)
from anbili.core.inputs import hidden_character_position
from anbili.registry.models import (
    Certificate,
    CertificateOrigin,
    CertificateStatus,
    CertificateType,
    DispatchFiling,
    ImportKind,
    MarketUnit,
    MarketUnitNature,
    MedicalMonth,
    PensionMonth,
    RegistryPerson,
    WageMonth,
)

Cell = Any  # str | int | float | bool | date | datetime | None, depending on the file format


@dataclass(frozen=True, slots=True)
class Column:
    """One input column: its JSON key, its Chinese header and other headers accepted for it."""

    key: str
    header: str
    required: bool = True
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every header (normalised) that maps to this column."""
        return (self.key, self.header, *self.aliases)


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row is refused: the column header (empty for the row as a whole) and the Chinese reason."""

    column: str
    message: str


class RowRefused(Exception):
    """Raised by a cell conversion; collected into the row's problems."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(column, message)


_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?[eE]\+?[0-9]+")
_MONTH = re.compile(r"([0-9]{4})\s*[-/.年]?\s*([0-9]{1,2})\s*月?")
_DATE = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_LEVEL = re.compile(r"([0-9]{1,2}|[一二三四五六七八九十])\s*级?")
MAX_AMOUNT = Decimal("1000000000")
_MISSING: Any = object()
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,2})?")


def _show(value: Cell) -> str:
    if isinstance(value, float):
        return f"{value:.6G}"
    return str(value)


class CellReader:
    """Cell conversions shared by the parsers; `fmt` is the file format, `today` bounds dates and months."""

    def __init__(self, fmt: str, today: date, province_prefix: str = "") -> None:
        self.fmt = fmt
        self.today = today
        self.province_prefix = province_prefix
        self.latest_month = today.year * 100 + today.month
        # Checked values (or the reason they failed) under the raw cell text.
        self.id_cache: dict[Any, str | IdentifierError] = {}
        self.uscc_cache: dict[Any, str | IdentifierError] = {}
        self.region_cache: dict[Any, str | RowRefused] = {}
        self.month_cache: dict[Any, int | RowRefused] = {}

    # --- text -----------------------------------------------------------------------------------------

    def text(self, value: Cell, column: Column, *, max_length: int = 200) -> str:
        """A trimmed text cell; a required column may not be empty."""
        if value is None:
            text = ""
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        else:
            text = str(value).strip()
        if not text and column.required:
            raise RowRefused(column.header, f"{column.header}不能为空")
        if len(text) > max_length:
            raise RowRefused(column.header, f"{column.header}过长（最多{max_length}个字符）")
        # Control characters and invisible ones (zero-width, bidi controls) alike: a name never stores one.
        position = hidden_character_position(text)
        if position is not None:
            raise RowRefused(
                column.header, f"{column.header}含有控制字符或不可见字符（第{position}个字符），请检查文件"
            )
        return text

    def identifier_text(self, value: Cell, column: Column) -> str:
        """The text of an identifier cell; numbers are refused because spreadsheets round 18-digit numbers."""
        if isinstance(value, str):
            text = value.strip()
            if _SCIENTIFIC.fullmatch(text):
                raise RowRefused(column.header, self._number_message(column, text))
        elif value is None:
            text = ""
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise RowRefused(column.header, f"{column.header}应为文本，当前为“{_show(value)}”")
        else:
            raise RowRefused(column.header, self._number_message(column, _show(value)))
        if not text:
            raise RowRefused(column.header, f"{column.header}不能为空")
        return text

    def _number_message(self, column: Column, shown: str) -> str:
        if self.fmt == "jsonl":
            return f"{column.header}应为字符串（加引号），不能写成数字（当前为 {shown}）"
        return (
            f"{column.header}被电子表格软件转换成了数字（{shown}），后几位已丢失，"
            "请将该列设置为文本格式后重新导出"
        )

    # --- identifiers (cached: they repeat on every month of a person) ---------------------------------

    def id_number(self, value: Cell, column: Column) -> str:
        """A valid 身份证号 (GB 11643-1999)."""
        key = value if isinstance(value, str) else None
        hit = self.id_cache.get(key) if key is not None else None
        if hit is None:
            text = self.identifier_text(value, column)
            try:
                hit = validate_id_number(text, today=self.today)
            except IdentifierError as error:
                hit = error
            if key is not None:
                self.id_cache[key] = hit
        if isinstance(hit, IdentifierError):
            raise RowRefused(column.header, hit.message)
        return hit

    def uscc(self, value: Cell, column: Column) -> str:
        """A valid 统一社会信用代码 (GB 32100-2015)."""
        key = value if isinstance(value, str) else None
        hit = self.uscc_cache.get(key) if key is not None else None
        if hit is None:
            text = self.identifier_text(value, column)
            try:
                hit = validate_uscc(text)
            except IdentifierError as error:
                hit = error
            if key is not None:
                self.uscc_cache[key] = hit
        if isinstance(hit, IdentifierError):
            raise RowRefused(column.header, f"{column.header}有误：{hit.message}")
        return hit

    def region(self, value: Cell, column: Column, *, scoped: bool = True) -> str:
        """A GB/T 2260 region code, inside the batch's province when the batch is scoped to one."""
        key = value if isinstance(value, str) else _show(value) if value is not None else ""
        hit = self.region_cache.get(key)
        if hit is None:
            hit = self._region(value, column, scoped)
            self.region_cache[key] = hit
        if isinstance(hit, RowRefused):
            raise hit
        return hit

    def _region(self, value: Cell, column: Column, scoped: bool) -> str | RowRefused:
        text = self.text(value, column, max_length=12)
        try:
            code = validate_region_code(text)
        except IdentifierError as error:
            return RowRefused(column.header, f"{column.header}有误：{error.message}")
        if scoped and self.province_prefix and code[:2] != self.province_prefix:
            return RowRefused(
                column.header,
                f"{column.header}{code}属于{PROVINCES[code[:2]]}，本合作方只能提交"
                f"{PROVINCES.get(self.province_prefix, self.province_prefix)}的数据",
            )
        return code

    # --- months, dates, numbers -----------------------------------------------------------------------

    def month(self, value: Cell, column: Column) -> int:
        """A month as YYYYMM (202501); "2025-01" and spreadsheet dates are accepted too."""
        if isinstance(value, datetime | date):
            value = f"{value.year:04d}{value.month:02d}"
        elif (isinstance(value, float) and value.is_integer()) or (
            isinstance(value, int) and not isinstance(value, bool)
        ):
            value = str(int(value))
        key = value if isinstance(value, str) else _show(value)
        hit = self.month_cache.get(key)
        if hit is None:
            hit = self._month(key, column)
            self.month_cache[key] = hit
        if isinstance(hit, RowRefused):
            raise hit
        return hit

    def _month(self, text: str, column: Column) -> int | RowRefused:
        text = text.strip()
        if not text:
            return RowRefused(column.header, f"{column.header}不能为空")
        match = _MONTH.fullmatch(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            return RowRefused(
                column.header, f"{column.header}“{text}”不是有效的年月，应为6位数字，例如 202501"
            )
        month = int(match.group(1)) * 100 + int(match.group(2))
        if month < 200001:
            return RowRefused(column.header, f"{column.header}{month}早于2000年，请核实")
        if month > self.latest_month:
            return RowRefused(column.header, f"{column.header}{month}晚于当前月份，请核实")
        return month

    def amount(self, value: Cell, column: Column) -> Decimal:
        """A non-negative amount in yuan with at most two decimals."""
        if isinstance(value, str):
            text = value.strip()
        elif isinstance(value, bool) or value is None:
            text = "" if value is None else str(value)
        elif isinstance(value, float):
            text = repr(round(value, 6))
        else:
            text = str(value)
        if not text:
            raise RowRefused(column.header, f"{column.header}不能为空")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise RowRefused(column.header, f"{column.header}“{text}”不是有效的金额") from None
        if not amount.is_finite():
            raise RowRefused(column.header, f"{column.header}“{text}”不是有效的金额")
        if amount < 0:
            raise RowRefused(column.header, f"{column.header}不能为负数（当前为 {text}）")
        if amount >= MAX_AMOUNT:
            raise RowRefused(column.header, f"{column.header}{text}超出合理范围，请核实")
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2 and amount != amount.quantize(Decimal("0.01")):
            raise RowRefused(column.header, f"{column.header}最多保留两位小数（当前为 {text}）")
        return amount

    def day(self, value: Cell, column: Column) -> date | None:
        """A date (2024-03-01, 2024/3/1, 20240301 or a spreadsheet date); None for an empty optional cell."""
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self.text(value, column, max_length=20)
        if not text:
            return None
        match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
        parsed = None
        if match:
            try:
                parsed = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                parsed = None
        if parsed is None or not 1900 <= parsed.year <= 2200:
            raise RowRefused(column.header, f"{column.header}“{text}”不是有效日期，应为如 2024-03-01 的格式")
        return parsed

    def small_int(self, value: Cell, column: Column, words: dict[str, int] | None = None) -> int | None:
        """A level or category: 3, "3", "三级", "3级" or one of `words` (e.g. 肢体残疾)."""
        if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
            return int(value)
        text = self.text(value, column, max_length=10)
        if not text:
            return None
        if words and text in words:
            return words[text]
        match = _LEVEL.fullmatch(text)
        if not match:
            raise RowRefused(column.header, f"{column.header}“{text}”无法识别")
        token = match.group(1)
        return int(token) if token.isdigit() else _CHINESE_DIGITS[token]

    def choice(
        self, value: Cell, column: Column, choices: type[models.TextChoices], *, default: str = ""
    ) -> str:
        """A choice given by its Chinese label or its code."""
        text = self.text(value, column, max_length=40)
        if not text and default:
            return default
        for code, label in choices.choices:
            if text in (code, label):
                return str(code)
        allowed = "、".join(str(label) for _, label in choices.choices)
        raise RowRefused(column.header, f"{column.header}“{text}”无效，应为：{allowed}")


RowParser = Callable[[Sequence[Cell]], tuple[Any, ...] | list[Problem]]


@dataclass(frozen=True)
class KindSpec:
    """How one import kind maps onto its mirror table."""

    kind: ImportKind
    model: type[models.Model]
    columns: tuple[Column, ...]
    fields: tuple[str, ...]  # database columns of a parsed row, in order
    key_fields: tuple[str, ...]  # natural key (the unique constraint), a subset of `fields`
    make_parser: Callable[[CellReader, KindSpec], RowParser]
    # The region field whose STORED value says which province a mirrored row belongs to: a batch scoped to
    # one province may not change a row stored for another, whatever region the pushed row names.
    owner_field: str = "region_code"
    # Parsed rows hold only checked identifiers, numbers and dates: staged without COPY escaping.
    plain_copy: bool = False

    @property
    def value_fields(self) -> tuple[str, ...]:
        """The fields an upsert may change."""
        return tuple(name for name in self.fields if name not in self.key_fields)

    @property
    def key_positions(self) -> tuple[int, ...]:
        """Positions of the natural-key fields in a parsed row."""
        return tuple(self.fields.index(name) for name in self.key_fields)

    def key_description(self) -> str:
        """The natural key in the partner's words, for duplicate-row messages."""
        headers = {column.key: column.header for column in self.columns}
        return "、".join(headers.get(name, name) for name in self.key_fields)

    @property
    def owner_in_key(self) -> bool:
        """The owning region is part of the natural key (dispatch filings): a scoped batch, whose pushed
        regions are already checked, can then only ever match rows of its own province."""
        return self.owner_field in self.key_fields

    def stored_row_problem(self, owner_code: str, province_prefix: str) -> Problem:
        """Why a row of a scoped batch was refused: the stored row it would change is another province's."""
        header = next(column.header for column in self.columns if column.key == self.owner_field)
        return Problem(
            header,
            f"已有记录（{self.key_description()}相同）的{header}为{owner_code}，"
            f"属于{PROVINCES.get(owner_code[:2], owner_code[:2])}；本批次只能新增或更改"
            f"{PROVINCES.get(province_prefix, province_prefix)}的数据，本行未导入",
        )


# --- monthly payments (the hot path) -----------------------------------------------------------------


def _monthly_parser(cells: CellReader, spec: KindSpec) -> RowParser:
    id_column, payer_column, month_column, amount_column, region_column = spec.columns
    converters: tuple[tuple[Callable[[Cell, Column], object], Column], ...] = (
        (cells.id_number, id_column),
        (cells.uscc, payer_column),
        (cells.month, month_column),
        (cells.amount, amount_column),
        (cells.region, region_column),
    )
    # The caches hold each checked value under its raw text: on a monthly file almost every cell is a hit.
    ids, usccs, months, regions = cells.id_cache, cells.uscc_cache, cells.month_cache, cells.region_cache
    plain_amount = _PLAIN_AMOUNT.fullmatch

    def parse(row: Sequence[Cell]) -> tuple[Any, ...] | list[Problem]:
        id_number, payer, month, amount, region = row
        # Fast path: every cell already checked before (or a plain amount); no method calls.
        checked_id = ids.get(id_number)
        checked_payer = usccs.get(payer)
        checked_month = months.get(month)
        checked_region = regions.get(region)
        if (
            type(checked_id) is str
            and type(checked_payer) is str
            and type(checked_month) is int
            and type(checked_region) is str
            and type(amount) is str
            and plain_amount(amount)
        ):
            return (checked_id, checked_payer, checked_month, Decimal(amount), checked_region)
        try:
            return (
                cells.id_number(id_number, id_column),
                cells.uscc(payer, payer_column),
                cells.month(month, month_column),
                cells.amount(amount, amount_column),
                cells.region(region, region_column),
            )
        except RowRefused:
            pass
        problems: list[Problem] = []
        for (convert, column), cell in zip(converters, row, strict=True):
            try:
                convert(cell, column)
            except RowRefused as refused:
                problems.append(refused.problem)
        return problems

    return parse


def _monthly_columns(payer_header: str, amount_header: str, region_header: str) -> tuple[Column, ...]:
    return (
        Column("id_number", "身份证号", aliases=("公民身份号码", "证件号码")),
        Column("payer_uscc", payer_header, aliases=("单位统一社会信用代码", "统一社会信用代码")),
        Column("month", "所属年月", aliases=("费款所属期", "年月")),
        Column("amount", amount_header, aliases=("金额",)),
        Column("region_code", region_header, aliases=("行政区划代码",)),
    )


_MONTHLY_FIELDS = ("id_number", "payer_uscc", "month", "amount", "region_code")
_MONTHLY_KEY = ("id_number", "month", "payer_uscc")


# --- persons and certificates ------------------------------------------------------------------------


def _person_parser(cells: CellReader, spec: KindSpec) -> RowParser:
    id_column, name_column, region_column = spec.columns

    def parse(row: Sequence[Cell]) -> tuple[Any, ...] | list[Problem]:
        problems: list[Problem] = []
        id_number = name = region = None
        try:
            id_number = cells.id_number(row[0], id_column)
        except RowRefused as refused:
            problems.append(refused.problem)
        try:
            name = cells.text(row[1], name_column, max_length=50)
        except RowRefused as refused:
            problems.append(refused.problem)
        try:
            region = cells.region(row[2], region_column)
        except RowRefused as refused:
            problems.append(refused.problem)
        if problems or id_number is None:
            return problems
        sex = "男" if int(id_number[16]) % 2 == 1 else "女"
        birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        return (id_number, name, sex, birth, region)

    return parse


_CATEGORY_WORDS = {
    **{name: code for code, name in CERTIFICATE_CATEGORIES.items()},
    **{name.removesuffix("残疾"): code for code, name in CERTIFICATE_CATEGORIES.items()},
}


def _disabled_person_certificate_problems(
    number_category: int, number_level: int, category: int, level: int, category_c: Column, level_c: Column
) -> list[Problem]:
    """A 残疾人证's category and level columns must agree with digits 19 and 20 of its number."""
    problems: list[Problem] = []
    if category != number_category:
        problems.append(
            Problem(category_c.header, f"残疾类别{category}与残疾证号第19位（{number_category}）不一致")
        )
    if level != number_level:
        problems.append(Problem(level_c.header, f"残疾等级{level}与残疾证号第20位（{number_level}）不一致"))
    return problems


def _serviceman_certificate_problems(
    number: str, level: int | None, number_c: Column, level_c: Column
) -> list[Problem]:
    """A 残疾军人证 has a free-form number of at most 32 characters and a level from 1 to 10."""
    problems: list[Problem] = []
    if len(number) > 32:
        problems.append(Problem(number_c.header, "残疾军人证号过长（最多32个字符）"))
    if level is None or not 1 <= level <= 10:
        problems.append(Problem(level_c.header, "残疾军人证的残疾等级应为1-10级"))
    return problems


def _validity_problems(
    valid_from: date | None, valid_until: date | None, from_c: Column, until_c: Column
) -> list[Problem]:
    """A certificate needs its issue date, and its end date (when given) may not precede it."""
    if valid_from is None:
        return [Problem(from_c.header, f"{from_c.header}不能为空")]
    if valid_until is not None and valid_until < valid_from:
        return [Problem(until_c.header, f"{until_c.header}{valid_until}早于{from_c.header}{valid_from}")]
    return []


def _certificate_parser(cells: CellReader, spec: KindSpec) -> RowParser:
    (number_c, id_c, kind_c, category_c, level_c, from_c, until_c, status_c, region_c) = spec.columns

    def parse(row: Sequence[Cell]) -> tuple[Any, ...] | list[Problem]:
        problems: list[Problem] = []

        def attempt(convert: Callable[[], Any]) -> Any:
            try:
                return convert()
            except RowRefused as refused:
                problems.append(refused.problem)
                return _MISSING

        id_number = attempt(lambda: cells.id_number(row[1], id_c))
        kind = attempt(lambda: cells.choice(row[2], kind_c, CertificateType))
        category = attempt(lambda: cells.small_int(row[3], category_c, _CATEGORY_WORDS))
        level = attempt(lambda: cells.small_int(row[4], level_c))
        valid_from = attempt(lambda: cells.day(row[5], from_c))
        valid_until = attempt(lambda: cells.day(row[6], until_c))
        status = attempt(
            lambda: cells.choice(row[7], status_c, CertificateStatus, default=CertificateStatus.VALID)
        )
        region = attempt(lambda: cells.region(row[8], region_c))
        number = attempt(lambda: cells.identifier_text(row[0], number_c).upper())
        if problems:
            return problems
        if kind == CertificateType.DISABLED_PERSON:
            try:
                parsed = validate_certificate_number(number, id_number, today=cells.today)
            except IdentifierError as error:
                return [Problem(number_c.header, error.message)]
            if category is None:
                category = parsed.category
            problems += _disabled_person_certificate_problems(
                parsed.category, parsed.level, category, level, category_c, level_c
            )
        else:
            problems += _serviceman_certificate_problems(number, level, number_c, level_c)
            category = None
        problems += _validity_problems(valid_from, valid_until, from_c, until_c)
        if problems:
            return problems
        return (
            number,
            id_number,
            kind,
            category,
            level,
            valid_from,
            valid_until,
            status,
            region,
            CertificateOrigin.REGISTRY.value,
        )

    return parse


# --- dispatch filings and registered units ----------------------------------------------------------


def _dispatch_parser(cells: CellReader, spec: KindSpec) -> RowParser:
    uscc_c, name_c, region_c, number_c, from_c, until_c = spec.columns

    def parse(row: Sequence[Cell]) -> tuple[Any, ...] | list[Problem]:
        problems: list[Problem] = []
        values: list[Any] = []
        for convert in (
            lambda: cells.uscc(row[0], uscc_c),
            lambda: cells.text(row[1], name_c),
            lambda: cells.region(row[2], region_c),
            lambda: cells.text(row[3], number_c, max_length=64),
            lambda: cells.day(row[4], from_c),
            lambda: cells.day(row[5], until_c),
        ):
            try:
                values.append(convert())
            except RowRefused as refused:
                problems.append(refused.problem)
                values.append(_MISSING)
        if not problems:
            if values[4] is None:
                problems.append(Problem(from_c.header, f"{from_c.header}不能为空"))
            elif values[5] is not None and values[5] < values[4]:
                problems.append(
                    Problem(until_c.header, f"{until_c.header}{values[5]}早于{from_c.header}{values[4]}")
                )
        return problems or tuple(values)

    return parse


def _unit_parser(cells: CellReader, spec: KindSpec) -> RowParser:
    uscc_c, name_c, nature_c, region_c = spec.columns

    def parse(row: Sequence[Cell]) -> tuple[Any, ...] | list[Problem]:
        problems: list[Problem] = []
        values: list[Any] = []
        for convert in (
            lambda: cells.uscc(row[0], uscc_c),
            lambda: cells.text(row[1], name_c),
            lambda: cells.choice(row[2], nature_c, MarketUnitNature),
            lambda: cells.region(row[3], region_c),
        ):
            try:
                values.append(convert())
            except RowRefused as refused:
                problems.append(refused.problem)
        return problems or tuple(values)

    return parse


SPECS: dict[str, KindSpec] = {
    ImportKind.PERSON: KindSpec(
        kind=ImportKind.PERSON,
        model=RegistryPerson,
        columns=(
            Column("id_number", "身份证号", aliases=("公民身份号码",)),
            Column("name", "姓名"),
            Column("household_region", "户籍地行政区划代码", aliases=("户籍地区划代码",)),
        ),
        fields=("id_number", "name", "sex", "birth_date", "household_region"),
        key_fields=("id_number",),
        make_parser=_person_parser,
        # A person belongs to the province of their stored household registration.
        owner_field="household_region",
    ),
    ImportKind.CERTIFICATE: KindSpec(
        kind=ImportKind.CERTIFICATE,
        model=Certificate,
        columns=(
            Column("number", "残疾证号", aliases=("证件号码",)),
            Column("id_number", "身份证号", aliases=("公民身份号码",)),
            Column("kind", "证件类型"),
            Column("category", "残疾类别", required=False),
            Column("level", "残疾等级"),
            Column("valid_from", "有效期起", aliases=("发证日期",)),
            Column("valid_until", "有效期止", required=False),
            Column("status", "证件状态", required=False),
            Column("region_code", "发证地行政区划代码", aliases=("发证机关行政区划代码",)),
        ),
        fields=(
            "number",
            "id_number",
            "kind",
            "category",
            "level",
            "valid_from",
            "valid_until",
            "status",
            "region_code",
            "origin",
        ),
        key_fields=("number", "valid_from"),
        make_parser=_certificate_parser,
    ),
    ImportKind.PENSION: KindSpec(
        kind=ImportKind.PENSION,
        model=PensionMonth,
        columns=_monthly_columns("缴费单位统一社会信用代码", "缴费金额", "参保地行政区划代码"),
        fields=_MONTHLY_FIELDS,
        key_fields=_MONTHLY_KEY,
        make_parser=_monthly_parser,
        plain_copy=True,
    ),
    ImportKind.MEDICAL: KindSpec(
        kind=ImportKind.MEDICAL,
        model=MedicalMonth,
        columns=_monthly_columns("缴费单位统一社会信用代码", "缴费金额", "参保地行政区划代码"),
        fields=_MONTHLY_FIELDS,
        key_fields=_MONTHLY_KEY,
        make_parser=_monthly_parser,
        plain_copy=True,
    ),
    ImportKind.WAGE: KindSpec(
        kind=ImportKind.WAGE,
        model=WageMonth,
        columns=_monthly_columns("发放单位统一社会信用代码", "工资金额", "发放地行政区划代码"),
        fields=_MONTHLY_FIELDS,
        key_fields=_MONTHLY_KEY,
        make_parser=_monthly_parser,
        plain_copy=True,
    ),
    ImportKind.DISPATCH_FILING: KindSpec(
        kind=ImportKind.DISPATCH_FILING,
        model=DispatchFiling,
        columns=(
            Column("company_uscc", "劳务派遣单位统一社会信用代码", aliases=("统一社会信用代码",)),
            Column("company_name", "劳务派遣单位名称", aliases=("单位名称",)),
            Column("region_code", "备案机关行政区划代码", aliases=("备案地行政区划代码",)),
            Column("filing_number", "备案编号", required=False),
            Column("valid_from", "有效期起"),
            Column("valid_until", "有效期止", required=False),
        ),
        fields=("company_uscc", "company_name", "region_code", "filing_number", "valid_from", "valid_until"),
        key_fields=("company_uscc", "region_code", "valid_from"),
        make_parser=_dispatch_parser,
    ),
    ImportKind.MARKET_UNIT: KindSpec(
        kind=ImportKind.MARKET_UNIT,
        model=MarketUnit,
        columns=(
            Column("uscc", "统一社会信用代码"),
            Column("name", "单位名称"),
            Column("nature", "单位性质"),
            Column("region_code", "登记地行政区划代码", aliases=("行政区划代码",)),
        ),
        fields=("uscc", "name", "nature", "region_code"),
        key_fields=("uscc",),
        make_parser=_unit_parser,
    ),
}


def spec_for(kind: str) -> KindSpec:
    """The spec of an import kind (raises KeyError for an unknown kind; callers validate first)."""
    return SPECS[kind]
