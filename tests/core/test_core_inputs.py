"""The shared input helpers: normalised once (NFKC, spaces), hidden characters refused with their place."""

from datetime import date

import pytest

from anbili.core.errors import ApplicationError, FieldError
from anbili.core.inputs import choice_value, date_value, hidden_character_position, text_value


def test_text_is_nfkc_normalised_and_trimmed():
    assert text_value("  ＡＢＣ　１２３  ", "name", "姓名") == "ABC 123"
    assert text_value("呼和浩特市\n  新城区", "address", "地址") == "呼和浩特市 新城区"
    assert text_value("", "school", "毕业院校", required=False) == ""
    assert text_value(None, "school", "毕业院校", required=False) == ""


@pytest.mark.parametrize(
    ("value", "position"),
    [
        ("张\u200b三", 2),  # zero-width space
        ("ab\u200dc", 3),  # zero-width joiner
        ("\u202e123", 1),  # right-to-left override
        ("12\u2066", 3),  # left-to-right isolate
        ("\ufeff张三", 1),  # byte-order mark
        ("张三\x00", 3),  # NUL
    ],
)
def test_hidden_characters_are_refused_with_their_position(value, position):
    assert hidden_character_position(value) == position
    with pytest.raises(ApplicationError) as error:
        text_value(value, "name", "姓名")
    assert error.value.field == "name" and error.value.code == "hidden_character"
    assert error.value.message == f"「姓名」第{position}个字符处含有不可见字符，请删除后重新输入"


def test_ordinary_whitespace_is_not_hidden():
    assert hidden_character_position("a\tb\nc\r d") is None


def test_required_and_length_messages_name_the_field():
    with pytest.raises(ApplicationError) as error:
        text_value("   ", "post", "岗位工种")
    assert (error.value.field, error.value.code, error.value.message) == (
        "post",
        "required",
        "请填写「岗位工种」",
    )
    with pytest.raises(ApplicationError) as error:
        text_value("一" * 6, "name", "姓名", limit=5)
    assert error.value.code == "too_long" and error.value.message == "「姓名」不能超过 5 个字"
    # The limit is applied after normalisation: full-width letters count once.
    assert text_value("ＡＢＣＤＥ", "name", "姓名", limit=5) == "ABCDE"


def test_choices():
    assert choice_value(" urban ", ["urban", "rural"], "household_type", "户籍地类型") == "urban"
    assert choice_value("", ["urban"], "education", "文化程度", required=False) == ""
    with pytest.raises(ApplicationError) as error:
        choice_value("", ["urban"], "household_type", "户籍地类型")
    assert error.value.message == "请选择「户籍地类型」"
    with pytest.raises(ApplicationError) as error:
        choice_value("city", ["urban"], "household_type", "户籍地类型")
    assert error.value.code == "invalid_choice" and error.value.field == "household_type"


def test_dates():
    assert date_value(date(2025, 1, 2), "start", "合同开始日期") == date(2025, 1, 2)
    assert date_value(" 2025-01-02 ", "start", "合同开始日期") == date(2025, 1, 2)
    assert date_value("２０２５-０１-０２", "start", "合同开始日期") == date(2025, 1, 2)
    assert date_value("", "end", "合同结束日期", required=False) is None
    with pytest.raises(ApplicationError) as error:
        date_value("2025-13-01", "start", "合同开始日期")
    assert error.value.message == "「合同开始日期」不是有效日期（例如 2025-01-01）"
    with pytest.raises(ApplicationError) as error:
        date_value(None, "start", "合同开始日期")
    assert error.value.code == "required"


def test_one_error_can_carry_several_field_errors():
    single = ApplicationError("请填写「姓名」", field="name", code="required")
    assert single.errors == (FieldError("请填写「姓名」", "name", "required"),)
    many = ApplicationError.of(
        [FieldError("甲", "start", "a"), FieldError("乙", "end", "b"), FieldError("甲", "x")]
    )
    assert (many.message, many.field, many.code) == ("甲；乙", "start", "a")
    assert [e.field for e in many.errors] == ["start", "end", "x"]
    with pytest.raises(ValueError):
        ApplicationError.of([])


def test_search_text_is_normalised_and_drops_hidden_characters():
    from anbili.core.inputs import search_text

    assert search_text("  施\u200b嵘　 ") == "施嵘"
    assert search_text("１５０１０２") == "150102"
    assert search_text("150102＊＊＊＊1234") == "150102****1234"
    assert search_text(None) == ""


def test_joined_messages_have_no_stray_punctuation():
    from anbili.core.messages import join_messages

    assert join_messages(["密码至少需要 8 位。", "密码不能全是数字；", "密码不能全是数字"]) == (
        "密码至少需要 8 位；密码不能全是数字"
    )
    assert join_messages(["请填写「姓名」", "", "。"]) == "请填写「姓名」"
