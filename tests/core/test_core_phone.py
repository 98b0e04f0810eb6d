"""The one phone check of every path (core/phone.py): mobiles, landlines with area code, full-width digits,
hidden characters, and the messages naming the field."""

import pytest

from anbili.core.errors import ApplicationError
from anbili.core.phone import phone_number, validate_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13800000000", "13800000000"),
        ("138 0000 0000", "13800000000"),
        ("+86 13800000000", "13800000000"),
        ("１３８００００００００", "13800000000"),  # typed 全角
        ("0471-5103279", "0471-5103279"),
        ("04715103279", "04715103279"),
        ("010-62345678", "010-62345678"),
        ("（0471）5103279", "0471-5103279"),
        ("0471－5103279", "0471-5103279"),
        ("0471-5103279-801", "0471-5103279-801"),
        ("0471-5103279转801", "0471-5103279-801"),
        ("138-0000-0000", "13800000000"),
    ],
)
def test_mobiles_and_landlines_with_area_code_are_accepted(typed, stored):
    assert validate_phone(typed, field="phone", label="联系电话") == stored


@pytest.mark.parametrize(
    "typed", ["123", "12345", "1380000000", "138000000001", "12800000000", "5103279", "0471-51032", "电话"]
)
def test_anything_else_is_refused_naming_the_field(typed):
    with pytest.raises(ApplicationError) as error:
        validate_phone(typed, field="phone", label="经办人手机号")
    assert (error.value.field, error.value.code) == ("phone", "phone")
    assert error.value.message.startswith("「经办人手机号」格式不正确，请填写")


def test_a_mobile_only_field_refuses_a_landline():
    assert validate_phone("13900000000", field="phone", label="手机号", mobile_only=True) == "13900000000"
    with pytest.raises(ApplicationError) as error:
        validate_phone("0471-5103279", field="phone", label="手机号", mobile_only=True)
    assert error.value.message == "「手机号」格式不正确，请填写11 位手机号，例如 13800000000"


def test_required_optional_and_hidden_characters():
    assert validate_phone("  ", field="guardian_phone", label="监护人电话", required=False) == ""
    with pytest.raises(ApplicationError) as error:
        validate_phone("", field="phone", label="联系电话")
    assert error.value.message == "请填写「联系电话」"
    with pytest.raises(ApplicationError) as error:
        validate_phone("1380000\u200b0000", field="phone", label="联系电话")
    assert error.value.code == "hidden_character"
    assert error.value.message == "「联系电话」第8个字符处含有不可见字符，请删除后重新输入"


def test_phone_number_never_raises():
    assert phone_number("138 0000 0000") == "13800000000"
    assert phone_number("0471-5103279", mobile_only=True) is None
    assert phone_number("13800000000\u202e") is None
    assert phone_number(None) is None
