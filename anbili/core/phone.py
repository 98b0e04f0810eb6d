"""Phone numbers, checked the same way on every path (单位信息, 基本信息, 经办人管理, registration, staff).

A mobile number is 11 digits from 13… to 19… (an international prefix +86 / 0086 / 86 is dropped); a landline
is 0, an area code of 2-3 more digits, an optional hyphen and a number of 7-8 digits, optionally an extension
after a hyphen or 转. The input is first normalised by `anbili.core.inputs` (NFKC: full-width digits and
hyphens become half-width; a hidden character is refused with its position); blanks are removed, a
mobile's hyphens too, and a landline is stored as typed otherwise.
"""

from __future__ import annotations

import re
from typing import Any

from anbili.core.errors import ApplicationError
from anbili.core.inputs import normalized_text

MOBILE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?")
_INTERNATIONAL = re.compile(r"(\+86|0086|86)(?=1[3-9][0-9]{9}$)")
PHONE_HINT = "手机号或带区号的固定电话，例如 13800000000 或 0471-5103279"
MOBILE_HINT = "11 位手机号，例如 13800000000"


def _compact(value: Any, field: str, label: str) -> str:
    text = normalized_text(value, field, label).replace(" ", "")
    text = text.replace("转", "-").replace("—", "-").replace("(", "").replace(")", "-")
    return _INTERNATIONAL.sub("", text, count=1)


def _matched(phone: str, mobile_only: bool) -> str | None:
    """The number as stored: a mobile without its hyphens (138-0000-0000), a landline as typed."""
    if MOBILE.fullmatch(phone.replace("-", "")):
        return phone.replace("-", "")
    if not mobile_only and LANDLINE.fullmatch(phone):
        return phone
    return None


def phone_number(value: Any, *, mobile_only: bool = False) -> str | None:
    """The normalised number when `value` is a valid phone (a mobile, or a landline unless `mobile_only`),
    else None; never raises (for picking SMS recipients and the like)."""
    try:
        return _matched(_compact(value, "", ""), mobile_only)
    except ApplicationError:
        return None


def validate_phone(
    value: Any, *, field: str, label: str, required: bool = True, mobile_only: bool = False
) -> str:
    """A phone number, normalised; refused with a message naming the field ("" when optional and empty).
    `mobile_only` for fields that receive SMS (手机号)."""
    phone = _compact(value, field, label)
    if not phone:
        if required:
            raise ApplicationError(f"请填写「{label}」", field=field, code="required")
        return ""
    matched = _matched(phone, mobile_only)
    if matched is not None:
        return matched
    hint = MOBILE_HINT if mobile_only else PHONE_HINT
    raise ApplicationError(f"「{label}」格式不正确，请填写{hint}", field=field, code="phone")
