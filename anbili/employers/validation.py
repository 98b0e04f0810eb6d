"""Checks of the unit-information fields that have a standard format (beyond the USCC and ID number, which
anbili.core.identifiers checks). Each raises ApplicationError naming the field, with a Chinese message."""

import re

from anbili.core.errors import ApplicationError

# A mobile number (11 digits from 13…19) or a landline with its area code, optionally an extension.
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?")
PHONE_HINT = "手机号或带区号的固定电话，例如 13800000000 或 0471-5103279"

# GB 11714-1997 组织机构代码: 8 body characters (digits, capital letters) and a check character.
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_TAX_NUMBER = re.compile(r"[0-9A-Z]{15}|[0-9A-Z]{18}|[0-9A-Z]{20}")


def validate_phone(value: str, *, field: str, label: str) -> str:
    """A mobile or landline number, normalised (spaces removed)."""
    phone = value.replace(" ", "").strip()
    if not (_MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone)):
        raise ApplicationError(f"「{label}」格式不正确，请填写{PHONE_HINT}", field=field, code="phone")
    return phone


def organization_code_check_char(body: str) -> str:
    """The GB 11714-1997 check character of 8 body characters."""
    total = sum(_ORG_ALPHABET.index(char) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def validate_organization_code(value: str, *, field: str = "organization_code") -> str:
    """A 组织机构代码 of 9 characters (a hyphen before the check character is accepted and dropped)."""
    code = value.strip().upper().replace("-", "")
    if len(code) != 9 or any(char not in _ORG_ALPHABET for char in code[:8]):
        raise ApplicationError(
            "「组织机构代码」应为 9 位数字或大写字母（可写作 XXXXXXXX-X）",
            field=field,
            code="organization_code",
        )
    expected = organization_code_check_char(code[:8])
    if code[8] != expected:
        raise ApplicationError(
            f"「组织机构代码」第 9 位校验码错误，应为 {expected}", field=field, code="organization_code"
        )
    return code


def validate_tax_registration_number(value: str, *, field: str = "tax_registration_number") -> str:
    """A 税务登记证号: 15, 18 or 20 digits or capital letters (old certificates; new units use the USCC)."""
    number = value.strip().upper()
    if not _TAX_NUMBER.fullmatch(number):
        raise ApplicationError(
            "「税务登记证号」应为 15、18 或 20 位数字或大写字母；已三证合一的单位可不填",
            field=field,
            code="tax_registration_number",
        )
    return number
