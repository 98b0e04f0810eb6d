"""Checks of the unit-information fields that have a standard format (beyond the USCC and ID number, which
anbili.core.identifiers checks). Each raises ApplicationError naming the field, with a Chinese message.
Phone numbers are checked by anbili.core.phone, the one phone check of every path (re-exported here)."""

import re

from anbili.core.errors import ApplicationError
from anbili.core.phone import PHONE_HINT, validate_phone

__all__ = [
    "PHONE_HINT",
    "organization_code_check_char",
    "validate_organization_code",
    "validate_phone",
    "validate_tax_registration_number",
]

# GB 11714-1997 组织机构代码: 8 body characters (digits, capital letters) and a check character.
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_TAX_NUMBER = re.compile(r"[0-9A-Z]{15}|[0-9A-Z]{18}|[0-9A-Z]{20}")


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
