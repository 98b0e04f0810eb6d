"""Identifiers checked on every input path: 身份证号 (GB 11643-1999), 统一社会信用代码 (GB 32100-2015),
残疾人证号 and GB/T 2260 region codes.

Validators return the normalised value or raise IdentifierError, whose `code` says what is wrong and whose
`message` tells the user in Chinese. The `*_problem` functions return that error instead of raising, for
row-by-row import reports.

Every validator normalises its input through `anbili.core.inputs` first, so that every path (forms, the Excel
import, the API, partner files) reads an identifier alike: full-width digits and letters become half-width
(NFKC), blanks are removed, letters upper-cased; a hidden character (zero-width space, bidi control, BOM) is
refused with code `hidden_character` and its position ("「身份证号」第19个字符处含有不可见字符…"), never
counted as one more character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from anbili.core.errors import ApplicationError
from anbili.core.inputs import normalized_text

# "Later than today" is judged on the calendar in China (settings.TIME_ZONE), whatever the server's own zone;
# core is pure Python, so the zone is named here rather than read from Django.
CHINA_TIME = ZoneInfo("Asia/Shanghai")

# GB/T 2260 province-level prefixes; 71 台湾, 81 香港, 82 澳门 appear in ID numbers issued on the mainland.
PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}

ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK_CHARS = "10X98765432"

# GB 32100-2015 alphabet: the index of a character is its value; I O Z S V are left out to avoid misreading.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

CERTIFICATE_CATEGORIES: dict[int, str] = {
    1: "视力残疾",
    2: "听力残疾",
    3: "言语残疾",
    4: "肢体残疾",
    5: "智力残疾",
    6: "精神残疾",
    7: "多重残疾",
}


class IdentifierError(ApplicationError):
    """An identifier that fails its standard; `code` is one of the codes listed on each validator."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message, field=field, code=code)


class Sex(StrEnum):
    """Sex as derived from an ID number; the values are the screen words."""

    MALE = "男"
    FEMALE = "女"

    @classmethod
    def _missing_(cls, value: object) -> Sex | None:
        # Other layers may carry M/F or English words; accept them rather than fail deep inside a rule.
        aliases = {"m": cls.MALE, "male": cls.MALE, "f": cls.FEMALE, "female": cls.FEMALE}
        return aliases.get(str(value).strip().lower())


def _normalise(value: str, field: str | None = None, label: str = "") -> str:
    """NFKC, blanks removed, upper case; a hidden character refused with its position (code
    `hidden_character`)."""
    try:
        text = normalized_text(value, field or "", label)
    except ApplicationError as error:
        raise IdentifierError(error.message, code=error.code, field=field) from None
    return text.replace(" ", "").upper()


# --- GB/T 2260 region codes ------------------------------------------------------------------------------


def validate_region_code(
    value: str, *, field: str | None = "region_code", label: str = "行政区划代码"
) -> str:
    """Check a 6-digit GB/T 2260 region code; codes `hidden_character`, `length`, `character`, `province`."""
    code = _normalise(value, field, label)
    if len(code) != 6:
        raise IdentifierError(f"行政区划代码应为6位，当前为{len(code)}位", code="length", field=field)
    if not code.isascii() or not code.isdigit():
        raise IdentifierError("行政区划代码只能包含数字", code="character", field=field)
    if code[:2] not in PROVINCES:
        raise IdentifierError(
            f"行政区划代码{code}的前两位{code[:2]}不是有效的省级代码", code="province", field=field
        )
    return code


def region_code_problem(value: str) -> IdentifierError | None:
    """Return why a region code is invalid, or None."""
    try:
        validate_region_code(value)
    except IdentifierError as error:
        return error
    return None


def province_prefix(region_code: str) -> str:
    """The 2-digit province part of a valid region code (selects the provincial policy tables)."""
    return validate_region_code(region_code)[:2]


# --- 身份证号 GB 11643-1999 -----------------------------------------------------------------------------


def id_number_check_char(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_NUMBER_WEIGHTS, strict=True))
    return ID_NUMBER_CHECK_CHARS[total % 11]


def _parse_birth_date(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def validate_id_number(
    value: str, *, today: date | None = None, field: str | None = "id_number", label: str = "身份证号"
) -> str:
    """Check a 身份证号 and return it normalised; codes `hidden_character`, `length`, `character`, `region`,
    `date`, `future_date`, `check`. `label` names the field in the hidden-character message."""
    number = _normalise(value, field, label)
    if len(number) != 18:
        raise IdentifierError(f"身份证号应为18位，当前为{len(number)}位", code="length", field=field)
    body, last = number[:17], number[17]
    if not body.isascii() or not body.isdigit() or last not in "0123456789X":
        raise IdentifierError("身份证号前17位只能是数字，第18位只能是数字或X", code="character", field=field)
    # Only the province is checked: county codes change over time and an old person may carry a newer code.
    if number[:2] not in PROVINCES:
        raise IdentifierError(
            f"身份证号中的地区码{number[:6]}不是有效的行政区划代码", code="region", field=field
        )
    birth = _parse_birth_date(number[6:14])
    if birth is None:
        raise IdentifierError(f"身份证号中的出生日期{number[6:14]}不是有效日期", code="date", field=field)
    if birth > (today or datetime.now(CHINA_TIME).date()):
        raise IdentifierError(f"身份证号中的出生日期{number[6:14]}晚于今天", code="future_date", field=field)
    expected = id_number_check_char(body)
    if last != expected:
        raise IdentifierError(f"身份证号第18位校验码错误，应为{expected}", code="check", field=field)
    return number


def id_number_problem(value: str, *, today: date | None = None) -> IdentifierError | None:
    """Return why an ID number is invalid (str() gives the message), or None when it is valid."""
    try:
        validate_id_number(value, today=today)
    except IdentifierError as error:
        return error
    return None


def id_number_birth_date(value: str) -> date:
    """Birth date derived from a valid ID number (never typed in separately)."""
    number = validate_id_number(value)
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_number_sex(value: str) -> Sex:
    """Sex derived from a valid ID number: odd sequence digit 男, even 女."""
    number = validate_id_number(value)
    return Sex.MALE if int(number[16]) % 2 == 1 else Sex.FEMALE


def make_id_number(region_code: str, birth_date: date, sequence: int) -> str:
    """Build a valid ID number (for factories and demo data); an odd `sequence` (1-999) gives a man."""
    validate_region_code(region_code)
    if not 1 <= sequence <= 999:
        raise ValueError("sequence must be between 1 and 999")
    first17 = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check_char(first17)


# --- 统一社会信用代码 GB 32100-2015 -------------------------------------------------------------------


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters."""
    if len(first17) != 17 or any(char not in USCC_ALPHABET for char in first17):
        raise ValueError("need exactly 17 characters of the USCC alphabet")
    total = sum(
        USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str, *, field: str | None = "uscc", label: str = "统一社会信用代码") -> str:
    """Check a 统一社会信用代码 and return it normalised; codes `hidden_character`, `length`, `character`,
    `check`."""
    code = _normalise(value, field, label)
    if len(code) != 18:
        raise IdentifierError(f"统一社会信用代码应为18位，当前为{len(code)}位", code="length", field=field)
    for position, char in enumerate(code, start=1):
        if char not in USCC_ALPHABET:
            raise IdentifierError(
                f"统一社会信用代码第{position}位“{char}”不是允许的字符（只能是数字和除I、O、Z、S、V以外的大写字母）",
                code="character",
                field=field,
            )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise IdentifierError(f"统一社会信用代码第18位校验码错误，应为{expected}", code="check", field=field)
    return code


def uscc_problem(value: str) -> IdentifierError | None:
    """Return why a USCC is invalid, or None."""
    try:
        validate_uscc(value)
    except IdentifierError as error:
        return error
    return None


def make_uscc(prefix17: str) -> str:
    """Append the check character to 17 characters (for factories and demo data)."""
    prefix = _normalise(prefix17)
    return prefix + uscc_check_char(prefix)


# --- 残疾人证号 -------------------------------------------------------------------------------------------

_CERTIFICATE = re.compile(r"([0-9]{17}[0-9X])([0-9])([0-9])(B[0-9]{1,2})?")


@dataclass(frozen=True, slots=True)
class CertificateNumber:
    """The parts of a 残疾人证号: holder's ID number, category 1-7, level 1-4, reissue suffix such as B1."""

    number: str
    id_number: str
    category: int
    level: int
    reissue: str | None

    @property
    def category_name(self) -> str:
        """The category in words, e.g. 肢体残疾."""
        return CERTIFICATE_CATEGORIES[self.category]


def validate_certificate_number(
    value: str,
    holder_id_number: str | None = None,
    *,
    today: date | None = None,
    field: str | None = "certificate_number",
) -> CertificateNumber:
    """Parse a 残疾人证号 (not a 残疾军人证号); codes `hidden_character`, `length`, `format`, `id_number`,
    `category`, `level`, `id_mismatch`."""
    number = _normalise(value, field, "残疾人证号")
    if not 20 <= len(number) <= 23:
        raise IdentifierError(
            f"残疾人证号应为20位（补发证另加如B1的后缀），当前为{len(number)}位", code="length", field=field
        )
    match = _CERTIFICATE.fullmatch(number)
    if not match:
        raise IdentifierError(
            "残疾人证号格式错误：应为18位身份证号＋1位残疾类别＋1位残疾等级，补发证可另加如B1的后缀",
            code="format",
            field=field,
        )
    id_part, category, level, reissue = (
        match.group(1),
        int(match.group(2)),
        int(match.group(3)),
        match.group(4),
    )
    try:
        validate_id_number(id_part, today=today)
    except IdentifierError as error:
        raise IdentifierError(
            f"残疾人证号中的身份证号部分有误：{error.message}", code="id_number", field=field
        ) from error
    if category not in CERTIFICATE_CATEGORIES:
        raise IdentifierError(
            f"残疾人证号第19位残疾类别应为1-7，当前为{category}", code="category", field=field
        )
    if not 1 <= level <= 4:
        raise IdentifierError(f"残疾人证号第20位残疾等级应为1-4，当前为{level}", code="level", field=field)
    if holder_id_number is not None and id_part != _normalise(holder_id_number, field, "持证人身份证号"):
        raise IdentifierError(
            "残疾人证号中的身份证号部分与持证人身份证号不一致", code="id_mismatch", field=field
        )
    return CertificateNumber(
        number=number, id_number=id_part, category=category, level=level, reissue=reissue
    )


def certificate_number_problem(
    value: str, holder_id_number: str | None = None, *, today: date | None = None
) -> IdentifierError | None:
    """Return why a 残疾人证号 is invalid, or None."""
    try:
        validate_certificate_number(value, holder_id_number, today=today)
    except IdentifierError as error:
        return error
    return None
