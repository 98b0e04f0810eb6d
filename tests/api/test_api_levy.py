"""POST /api/v1/levy/estimate: the levy calculator for other systems (issue "Employer portal I", point 5)."""

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anbili.regions.models import LevyPeriod, QuotaRatio, SocialAverageWage

URL = "/api/v1/levy/estimate"
E1 = {
    "province": "15",
    "year": 2025,
    "unit_nature": "enterprise",
    "employee_months": "388",
    "average_annual_wage": "36292",
    "placed_person_months": "0",
}


def _post(client, body, *, raw=False):
    """POST a body; in a dict, None means "leave the key out"."""
    if isinstance(body, dict):
        body = {key: value for key, value in body.items() if value is not None}
    data = body if raw else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json")


@pytest.mark.django_db
def test_check_value_e1_holds_through_the_api(client, regions):
    response = _post(client, E1)
    assert response.status_code == 200
    body = response.json()
    assert body["base"] == "17601.62"
    assert body["payable"] == "15841.46"
    assert body["factor"] == "0.9"
    assert body["exempt"] is False
    assert body["reason"] == "levy_due"
    assert body["levy_without_placement"] == "15841.46"
    assert body["saving"] == "0.00"
    assert body["persons_needed"] == 1
    steps = {step["label"]: step for step in body["steps"]}
    assert steps["年平均在职职工人数 N"]["formula"] == "Σ 各月在职职工人数 ÷ 12 = 388 ÷ 12"
    assert steps["应缴基数"]["result"] == "17601.62"
    assert steps["应缴残保金"]["formula"] == "17601.62 × 90%"
    assert steps["安置比例 r"]["result"] == "1.5%"


@pytest.mark.django_db
def test_six_digit_code_and_monthly_wage_and_employees(client, regions):
    body = {
        **E1,
        "province": "150102",
        "employee_months": None,
        "employees": "200",
        "average_annual_wage": None,
        "average_monthly_wage": "5000",
        "placed_person_months": "24",
    }
    response = _post(client, body)
    assert response.status_code == 200, response.json()
    data = response.json()
    # N × r = 3, P = 2 → P/N = 1% → 50%: (3 − 2) × 60000 × 0.5
    assert (data["base"], data["factor"], data["payable"]) == ("60000.00", "0.5", "30000.00")
    assert data["levy_without_placement"] == "162000.00"
    assert data["saving"] == "132000.00"
    assert data["persons_needed"] == 1


@pytest.mark.django_db
def test_small_enterprise_is_exempt_and_other_natures_are_not(client, regions):
    small = {**E1, "employee_months": "360"}  # N = 30
    data = _post(client, small).json()
    assert data["exempt"] is True and data["payable"] == "0.00" and data["factor"] == "1"
    data = _post(client, {**small, "unit_nature": "government"}).json()
    assert data["exempt"] is False
    assert data["payable"] == "14698.26"  # 0.45 × 36292 = 16331.40 × 90%


@pytest.mark.django_db
def test_quota_met(client, regions):
    data = _post(client, {**E1, "placed_person_months": "12"}).json()
    assert data["reason"] == "quota_met" and data["payable"] == "0.00" and data["persons_needed"] == 0
    assert data["saving"] == "15841.46"


@pytest.mark.django_db
def test_overrides_and_policy_tables(client, regions):
    data = _post(client, {**E1, "ratio": "0.016"}).json()
    assert data["base"] == "18775.06"  # 388/12 × 0.016 × 36292 = 18775.0613…
    # A social average wage in the table caps the wage at 2 × S; the request's value overrides the table.
    SocialAverageWage.objects.create(
        region_id="150000", year=2025, amount=Decimal("15000"), source_document="t"
    )
    data = _post(client, E1).json()
    assert data["base"] == "14550.00"  # 0.485 × 30000
    data = _post(client, {**E1, "social_average_wage": "16000"}).json()
    assert data["base"] == "15520.00"
    # No staged levy in force on 12-31 of the year: the factor is 1.
    LevyPeriod.objects.filter(kind="staged_levy").delete()
    data = _post(client, {**E1, "social_average_wage": "16000"}).json()
    assert (data["factor"], data["payable"]) == ("1", "15520.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"province": "1"}, "province", "2 位或 6 位"),
        ({"province": "99"}, "province", "不是有效的省级代码"),
        ({"province": 15}, "province", "字符串"),
        ({"province": "159999"}, "province", "未找到行政区划代码"),
        ({"year": "二〇二五"}, "year", "四位年份"),
        ({"year": 1999}, "year", "2000 至 2099"),
        ({"year": True}, "year", "四位年份"),
        ({"unit_nature": "organ"}, "unit_nature", "只能是"),
        ({"employees": "30"}, "employees", "只能填写其中一项"),
        ({"employee_months": None}, "employees", "其中一项"),
        ({"employee_months": ""}, "employee_months", "不带正负号"),
        ({"employee_months": " 388"}, "employee_months", "不带正负号"),
        ({"employee_months": "388\n"}, "employee_months", "不带正负号"),
        ({"year": "2025"}, "year", "四位年份"),
        ({"employee_months": 388}, "employee_months", "字符串"),
        ({"employee_months": "-388"}, "employee_months", "不带正负号"),
        ({"employee_months": "1e3"}, "employee_months", "不带正负号"),
        ({"employee_months": "NaN"}, "employee_months", "不带正负号"),
        ({"employee_months": "３８８"}, "employee_months", "不带正负号"),
        ({"employee_months": "0"}, "employee_months", "须大于 0"),
        ({"average_monthly_wage": "3000"}, "average_monthly_wage", "只能填写其中一项"),
        ({"average_annual_wage": "36292.001"}, "average_annual_wage", "2 位小数"),
        ({"placed_person_months": None}, "placed_person_months", "没有安置填 0"),
        ({"ratio": "0.01"}, "ratio", "不得低于 0.015"),
        ({"ratio": "1.5"}, "ratio", "不能超过 0.1"),
        ({"social_average_wage": "0"}, "social_average_wage", "须大于 0"),
        ({"surprise": "1"}, "body", "不支持的字段：surprise"),
    ],
)
def test_bad_input_is_a_422_with_a_chinese_message_per_field(client, regions, change, field, text):
    body = {key: value for key, value in {**E1, **change}.items() if value is not None}
    response = _post(client, body)
    assert response.status_code == 422
    data = response.json()
    assert text in data["errors"][field], data
    assert data["detail"] == "输入有误，请按提示修改"


@pytest.mark.django_db
def test_several_fields_at_once(client, regions):
    response = _post(client, {"province": "xx", "year": "soon"})
    errors = response.json()["errors"]
    assert response.status_code == 422
    assert {
        "province",
        "year",
        "unit_nature",
        "employees",
        "average_monthly_wage",
        "placed_person_months",
    } <= set(errors)


@pytest.mark.django_db
def test_policy_missing_names_the_table(client, regions):
    response = _post(client, {**E1, "province": "71"})  # 台湾省: in GB/T 2260, no policy rows
    assert response.status_code == 422
    assert "未配置 台湾省 2025年 的按比例就业安置比例" in response.json()["errors"]["province"]
    QuotaRatio.objects.filter(province_id="150000", year=2025).delete()
    response = _post(client, E1)
    assert response.status_code == 422
    assert "未配置 内蒙古自治区 2025年" in response.json()["errors"]["year"]


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["", "{", "[]", "null", '"text"', "[" * 5000, "1e99999", "9" * 5000])
def test_malformed_bodies(client, regions, raw):
    response = _post(client, raw, raw=True)
    assert response.status_code == 422
    assert response.json()["errors"]


@pytest.mark.django_db
def test_no_login_and_no_csrf_needed(regions):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert _post(client, E1).status_code == 200


@pytest.mark.django_db
def test_schema_declares_the_request_and_the_422(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/levy/estimate"]["post"]
    assert {"200", "422", "429"} <= set(operation["responses"])  # 429: the per-address rate limit
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["unit_nature"]["enum"] == [
        "enterprise",
        "government",
        "institution",
        "social_organization",
        "private_non_enterprise",
        "other",
    ]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
decimal_texts = st.one_of(
    st.decimals(min_value=0, max_value=10**9, places=2).map(str), st.text(max_size=12), st.integers()
)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "province": st.sampled_from(["15", "36", "150102", "71", "00", "1", "360000"])
            | st.text(max_size=7),
            "year": st.integers(min_value=1990, max_value=2100) | json_values,
            "unit_nature": st.sampled_from(["enterprise", "government", "other", "x"]),
            "employees": decimal_texts,
            "employee_months": decimal_texts,
            "average_monthly_wage": decimal_texts,
            "average_annual_wage": decimal_texts,
            "placed_person_months": decimal_texts,
            "ratio": st.sampled_from(["0.015", "0.016", "0.1", "0.2"]) | decimal_texts,
            "social_average_wage": decimal_texts,
        },
    )
    | json_values
)
def test_fuzz_never_a_server_error(client, regions, body):
    response = _post(client, body)
    assert response.status_code in (200, 422)
    data = response.json()
    if response.status_code == 200:
        assert Decimal(data["payable"]) <= Decimal(data["levy_without_placement"])
        assert Decimal(data["saving"]) == Decimal(data["levy_without_placement"]) - Decimal(data["payable"])
        assert data["factor"] in ("1", "0.5", "0.9")
    else:
        assert data["errors"] and all(isinstance(v, str) and v for v in data["errors"].values())
