"""身份证号, 统一社会信用代码, 残疾人证号 and region codes: the standards' examples, every failure code, and
properties over generated identifiers."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anbili.core.errors import ApplicationError
from anbili.core.identifiers import (
    PROVINCES,
    USCC_ALPHABET,
    IdentifierError,
    Sex,
    certificate_number_problem,
    id_number_birth_date,
    id_number_problem,
    id_number_sex,
    make_id_number,
    make_uscc,
    province_prefix,
    region_code_problem,
    uscc_problem,
    validate_certificate_number,
    validate_id_number,
    validate_region_code,
    validate_uscc,
)

ID_FEMALE = "11010519491231002X"
ID_MALE = "440524188001010014"
USCC = "91350100M000100Y43"


# --- 身份证号 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [ID_FEMALE, ID_MALE])
def test_standard_examples_are_valid(number: str) -> None:
    assert validate_id_number(number) == number
    assert id_number_problem(number) is None


def test_lowercase_x_and_blanks_are_normalised() -> None:
    assert validate_id_number(" 11010519491231002x ") == ID_FEMALE


def test_full_width_characters_and_inner_blanks_are_normalised() -> None:
    # Typed with a Chinese input method (全角) or grouped like the card prints it: the same number.
    assert validate_id_number("１１０１０５１９４９１２３１００２ｘ") == ID_FEMALE
    assert validate_id_number("110105 19491231 002X") == ID_FEMALE
    assert validate_uscc("９１３５０１００Ｍ０００１００Ｙ４３") == USCC
    assert validate_region_code("１５０１０２") == "150102"
    assert validate_certificate_number(f"{ID_FEMALE}４２").number == f"{ID_FEMALE}42"


@pytest.mark.parametrize(
    ("validate", "value", "message"),
    [
        (
            validate_id_number,
            f"{ID_FEMALE}\u200b",
            "「身份证号」第19个字符处含有不可见字符，请删除后重新输入",
        ),
        (validate_id_number, f"\u202e{ID_FEMALE}", "「身份证号」第1个字符处含有不可见字符，请删除后重新输入"),
        (validate_uscc, f"\ufeff{USCC}", "「统一社会信用代码」第1个字符处含有不可见字符，请删除后重新输入"),
        (
            validate_certificate_number,
            f"{ID_FEMALE}4\u200d2",
            "「残疾人证号」第20个字符处含有不可见字符，请删除后重新输入",
        ),
        (validate_region_code, "1501\u200b02", "「行政区划代码」第5个字符处含有不可见字符，请删除后重新输入"),
    ],
)
def test_a_hidden_character_is_named_with_its_place_not_counted(validate, value, message) -> None:
    with pytest.raises(IdentifierError) as caught:
        validate(value)
    assert caught.value.code == "hidden_character"
    assert caught.value.message == message
    assert "当前为" not in caught.value.message


def test_the_hidden_character_message_names_the_field_given() -> None:
    with pytest.raises(IdentifierError) as caught:
        validate_id_number(f"{ID_FEMALE}\u2066", field="legal_person_id_number", label="法人身份证号")
    assert caught.value.field == "legal_person_id_number"
    assert caught.value.message.startswith("「法人身份证号」第19个字符处含有不可见字符")
    assert id_number_problem(f"{ID_FEMALE}\u200b").code == "hidden_character"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("number", "sex", "birth"),
    [
        (ID_FEMALE, Sex.FEMALE, date(1949, 12, 31)),
        (ID_MALE, Sex.MALE, date(1880, 1, 1)),
    ],
)
def test_sex_and_birth_date_are_derived(number: str, sex: Sex, birth: date) -> None:
    assert id_number_sex(number) is sex
    assert id_number_sex(number) == sex.value
    assert id_number_birth_date(number) == birth


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        ("11010519491231002", "length", "身份证号应为18位，当前为17位"),
        ("1101051949123100201", "length", "身份证号应为18位，当前为19位"),
        ("", "length", "身份证号应为18位，当前为0位"),
        ("11010519491231002A", "character", "身份证号前17位只能是数字，第18位只能是数字或X"),
        ("1101051949123100X2", "character", "身份证号前17位只能是数字，第18位只能是数字或X"),
        ("00010519491231002X", "region", "身份证号中的地区码000105不是有效的行政区划代码"),
        ("99010519491231002X", "region", "身份证号中的地区码990105不是有效的行政区划代码"),
        ("110105194913310020", "date", "身份证号中的出生日期19491331不是有效日期"),
        ("110105190002290020", "date", "身份证号中的出生日期19000229不是有效日期"),
        ("110105194912310021", "check", "身份证号第18位校验码错误，应为X"),
        ("440524188001010015", "check", "身份证号第18位校验码错误，应为4"),
    ],
)
def test_id_number_failures_say_why(number: str, code: str, message: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        validate_id_number(number)
    assert caught.value.code == code
    assert caught.value.message == message
    assert caught.value.field == "id_number"
    problem = id_number_problem(number)
    assert problem is not None
    assert (problem.code, str(problem)) == (code, message)


def test_future_birth_date_is_refused() -> None:
    number = make_id_number("150102", date(2021, 1, 1), 11)
    assert validate_id_number(number, today=date(2021, 1, 1)) == number
    with pytest.raises(IdentifierError) as caught:
        validate_id_number(number, today=date(2020, 12, 31))
    assert caught.value.code == "future_date"
    assert caught.value.message == "身份证号中的出生日期20210101晚于今天"


def test_identifier_error_is_an_application_error() -> None:
    assert issubclass(IdentifierError, ApplicationError)


def test_county_code_newer_than_birth_year_is_accepted() -> None:
    # 110105 朝阳区 and 500112 渝北区 did not exist under these codes in 1900; the number is still valid.
    for region in ("110105", "500112", "469027"):
        number = make_id_number(region, date(1900, 1, 1), 1)
        assert id_number_problem(number) is None


@pytest.mark.parametrize(
    ("sequence", "sex"), [(1, Sex.MALE), (2, Sex.FEMALE), (998, Sex.FEMALE), (999, Sex.MALE)]
)
def test_make_id_number_sequence_parity_gives_sex(sequence: int, sex: Sex) -> None:
    number = make_id_number("150102", date(1980, 5, 20), sequence)
    assert number[:6] == "150102"
    assert number[6:14] == "19800520"
    assert number[14:17] == f"{sequence:03d}"
    assert id_number_sex(number) is sex


@pytest.mark.parametrize(
    ("region", "sequence"), [("150102", 0), ("150102", 1000), ("990102", 1), ("15010", 1)]
)
def test_make_id_number_refuses_bad_parts(region: str, sequence: int) -> None:
    with pytest.raises((ValueError, IdentifierError)):
        make_id_number(region, date(1980, 5, 20), sequence)


def test_make_id_number_reproduces_the_standard_example() -> None:
    assert make_id_number("110105", date(1949, 12, 31), 2) == ID_FEMALE
    assert make_id_number("440524", date(1880, 1, 1), 1) == ID_MALE


id_numbers = st.builds(
    make_id_number,
    st.tuples(st.sampled_from(sorted(PROVINCES)), st.from_regex(r"[0-9]{4}", fullmatch=True)).map("".join),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
    st.integers(min_value=1, max_value=999),
)


@given(id_numbers)
def test_every_generated_id_number_is_valid_and_round_trips(number: str) -> None:
    assert validate_id_number(number) == number
    assert validate_id_number(number.lower()) == number
    birth = id_number_birth_date(number)
    assert f"{birth:%Y%m%d}" == number[6:14]
    assert id_number_sex(number) is (Sex.MALE if int(number[16]) % 2 else Sex.FEMALE)


@given(id_numbers, st.integers(min_value=0, max_value=17), st.data())
def test_any_single_substitution_in_an_id_number_fails(
    number: str, position: int, data: st.DataObject
) -> None:
    allowed = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([char for char in allowed if char != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    # Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 are all non-zero mod the prime 11, so the sum always moves.
    assert id_number_problem(changed) is not None


# --- 统一社会信用代码 ----------------------------------------------------------------------------------


def test_uscc_standard_example_is_valid() -> None:
    assert validate_uscc(USCC) == USCC
    assert validate_uscc(" 91350100m000100y43 ") == USCC
    assert uscc_problem(USCC) is None
    assert make_uscc("91350100M000100Y4") == USCC
    assert make_uscc("91350100m000100y4") == USCC


@pytest.mark.parametrize(
    ("code", "reason", "message"),
    [
        ("91350100M000100Y4", "length", "统一社会信用代码应为18位，当前为17位"),
        ("91350100M000100Y433", "length", "统一社会信用代码应为18位，当前为19位"),
        (
            "91350100I000100Y43",
            "character",
            "统一社会信用代码第9位“I”不是允许的字符（只能是数字和除I、O、Z、S、V以外的大写字母）",
        ),
        (
            "9135010OM000100Y43",
            "character",
            "统一社会信用代码第8位“O”不是允许的字符（只能是数字和除I、O、Z、S、V以外的大写字母）",
        ),
        (
            "91350100M000100Y4-",
            "character",
            "统一社会信用代码第18位“-”不是允许的字符（只能是数字和除I、O、Z、S、V以外的大写字母）",
        ),
        ("91350100M000100Y44", "check", "统一社会信用代码第18位校验码错误，应为3"),
    ],
)
def test_uscc_failures_say_why(code: str, reason: str, message: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        validate_uscc(code)
    assert (caught.value.code, caught.value.message, caught.value.field) == (reason, message, "uscc")
    problem = uscc_problem(code)
    assert problem is not None
    assert problem.code == reason


@pytest.mark.parametrize("letter", "IOZSV")
def test_uscc_excluded_letters_are_refused(letter: str) -> None:
    problem = uscc_problem(USCC[:5] + letter + USCC[6:])
    assert problem is not None
    assert problem.code == "character"


def test_make_uscc_refuses_bad_prefixes() -> None:
    with pytest.raises(ValueError):
        make_uscc("91350100M000100Y")
    with pytest.raises(ValueError):
        make_uscc("91350100M000100YI")


usccs = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17).map(make_uscc)


@given(usccs)
def test_every_generated_uscc_is_valid(code: str) -> None:
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code


@given(usccs, st.integers(min_value=0, max_value=17), st.data())
def test_any_single_substitution_in_a_uscc_fails(code: str, position: int, data: st.DataObject) -> None:
    replacement = data.draw(st.sampled_from([char for char in USCC_ALPHABET if char != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    # Weights 3^(i-1) mod 31 are non-zero and 31 is prime, so any change of one value moves the sum mod 31.
    problem = uscc_problem(changed)
    assert problem is not None
    assert problem.code == "check"


# --- 残疾人证号 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "category", "level", "reissue"),
    [
        (ID_FEMALE + "43", 4, 3, None),
        (ID_FEMALE + "11", 1, 1, None),
        (ID_FEMALE + "74", 7, 4, None),
        (ID_FEMALE + "43B1", 4, 3, "B1"),
        (ID_FEMALE + "43B12", 4, 3, "B12"),
        (ID_FEMALE.lower() + "52b2", 5, 2, "B2"),
    ],
)
def test_certificate_number_is_parsed(number: str, category: int, level: int, reissue: str | None) -> None:
    parsed = validate_certificate_number(number, ID_FEMALE.lower())
    assert parsed.id_number == ID_FEMALE
    assert (parsed.category, parsed.level, parsed.reissue) == (category, level, reissue)
    assert parsed.number == number.upper()


def test_certificate_category_name() -> None:
    assert validate_certificate_number(ID_MALE + "42").category_name == "肢体残疾"


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        (ID_FEMALE + "4", "length", "残疾人证号应为20位（补发证另加如B1的后缀），当前为19位"),
        (ID_FEMALE + "43B123", "length", "残疾人证号应为20位（补发证另加如B1的后缀），当前为24位"),
        (
            ID_FEMALE + "4A",
            "format",
            "残疾人证号格式错误：应为18位身份证号＋1位残疾类别＋1位残疾等级，补发证可另加如B1的后缀",
        ),
        (
            ID_FEMALE + "43B",
            "format",
            "残疾人证号格式错误：应为18位身份证号＋1位残疾类别＋1位残疾等级，补发证可另加如B1的后缀",
        ),
        (
            ID_FEMALE + "43C1",
            "format",
            "残疾人证号格式错误：应为18位身份证号＋1位残疾类别＋1位残疾等级，补发证可另加如B1的后缀",
        ),
        (
            "110105194912310021" + "43",
            "id_number",
            "残疾人证号中的身份证号部分有误：身份证号第18位校验码错误，应为X",
        ),
        (ID_FEMALE + "83", "category", "残疾人证号第19位残疾类别应为1-7，当前为8"),
        (ID_FEMALE + "03", "category", "残疾人证号第19位残疾类别应为1-7，当前为0"),
        (ID_FEMALE + "45", "level", "残疾人证号第20位残疾等级应为1-4，当前为5"),
        (ID_FEMALE + "40", "level", "残疾人证号第20位残疾等级应为1-4，当前为0"),
    ],
)
def test_certificate_number_failures_say_why(number: str, code: str, message: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        validate_certificate_number(number)
    assert (caught.value.code, caught.value.message) == (code, message)
    assert caught.value.field == "certificate_number"


def test_certificate_number_must_belong_to_the_holder() -> None:
    with pytest.raises(IdentifierError) as caught:
        validate_certificate_number(ID_FEMALE + "43", ID_MALE)
    assert caught.value.code == "id_mismatch"
    assert caught.value.message == "残疾人证号中的身份证号部分与持证人身份证号不一致"
    problem = certificate_number_problem(ID_FEMALE + "43", ID_MALE)
    assert problem is not None
    assert problem.code == "id_mismatch"
    assert certificate_number_problem(ID_FEMALE + "43", ID_FEMALE) is None


# --- GB/T 2260 region codes ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["150102", "110105", "820000", "710000", "659001"])
def test_region_codes_with_known_provinces_are_valid(code: str) -> None:
    assert validate_region_code(code) == code
    assert region_code_problem(code) is None
    assert province_prefix(code) == code[:2]


@pytest.mark.parametrize(
    ("code", "reason", "message"),
    [
        ("15010", "length", "行政区划代码应为6位，当前为5位"),
        ("1501021", "length", "行政区划代码应为6位，当前为7位"),
        ("15010A", "character", "行政区划代码只能包含数字"),
        ("990102", "province", "行政区划代码990102的前两位99不是有效的省级代码"),
        ("160102", "province", "行政区划代码160102的前两位16不是有效的省级代码"),
    ],
)
def test_region_code_failures_say_why(code: str, reason: str, message: str) -> None:
    problem = region_code_problem(code)
    assert problem is not None
    assert (problem.code, problem.message) == (reason, message)
    with pytest.raises(IdentifierError):
        province_prefix(code)


def test_province_table_has_the_34_province_level_prefixes() -> None:
    expected = {
        *map(str, range(11, 16)),
        *map(str, range(21, 24)),
        *map(str, range(31, 38)),
        *map(str, range(41, 47)),
        *map(str, range(50, 55)),
        *map(str, range(61, 66)),
        "71",
        "81",
        "82",
    }
    assert set(PROVINCES) == expected
    assert len(PROVINCES) == 34


@pytest.mark.parametrize(
    ("value", "sex"), [("男", Sex.MALE), ("女", Sex.FEMALE), ("M", Sex.MALE), ("female", Sex.FEMALE)]
)
def test_sex_accepts_screen_words_and_aliases(value: str, sex: Sex) -> None:
    assert Sex(value) is sex


def test_sex_refuses_unknown_values() -> None:
    with pytest.raises(ValueError):
        Sex("未知")
