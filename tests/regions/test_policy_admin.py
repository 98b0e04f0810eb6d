"""The admin site: every policy table listed, filtered and searched by a superuser; nonsense refused."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anbili.regions.models import (
    DeclarationWindow,
    LevyPeriod,
    LevyPeriodKind,
    MinimumWage,
    QuotaRatio,
    Region,
    RetirementSetting,
    RewardRule,
    SocialAverageWage,
)

pytestmark = pytest.mark.django_db

MODELS = [
    Region,
    QuotaRatio,
    MinimumWage,
    SocialAverageWage,
    DeclarationWindow,
    LevyPeriod,
    RewardRule,
    RetirementSetting,
]


def _url(model, view: str = "changelist") -> str:
    return reverse(f"admin:regions_{model._meta.model_name}_{view}")


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_and_add_pages_open_for_a_superuser(seeded, admin_client, model):
    response = admin_client.get(_url(model))
    assert response.status_code == 200
    assert str(model._meta.verbose_name_plural) in response.content.decode()
    assert admin_client.get(_url(model, "add")).status_code == 200


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        (QuotaRatio, {"province": "510000", "year": "2024"}, "0.0160"),
        (QuotaRatio, {"q": "四川"}, "0.0160"),
        (MinimumWage, {"province": "150000", "tier": "1"}, "2270.00"),
        (DeclarationWindow, {"province": "310000"}, "3月16日"),
        (LevyPeriod, {"kind": LevyPeriodKind.STAGED_LEVY}, "分档征收"),
        (RewardRule, {"q": "贵州"}, "2000.00"),
        (RetirementSetting, {"confirmed__exact": "0"}, "55"),
        (Region, {"q": "兴和"}, "150924"),
        (Region, {"level__exact": "2"}, "锡林郭勒盟"),
    ],
)
def test_changelists_filter_and_search(seeded, admin_client, model, query, expected):
    response = admin_client.get(_url(model), query)
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_a_change_page_opens_and_a_superuser_can_correct_a_value(seeded, admin_client):
    row = QuotaRatio.objects.get(province_id="150000", year=2024)
    change_url = reverse("admin:regions_quotaratio_change", args=[row.pk])
    assert admin_client.get(change_url).status_code == 200
    response = admin_client.post(
        change_url,
        {
            "province": "150000",
            "year": "2024",
            "ratio": "0.0150",
            "source_document": "核实后的文件",
            "confirmed": "on",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.confirmed and row.source_document == "核实后的文件"


def test_the_admin_form_refuses_a_ratio_below_one_and_a_half_percent(seeded, admin_client):
    response = admin_client.post(
        _url(QuotaRatio, "add"),
        {"province": "150000", "year": "2030", "ratio": "0.0100", "source_document": "测试"},
    )
    assert response.status_code == 200
    assert "「安置比例」不得低于 0.015" in response.content.decode()
    assert not QuotaRatio.objects.filter(year=2030).exists()


def test_the_admin_form_refuses_a_window_that_closes_before_it_opens(seeded, admin_client):
    response = admin_client.post(
        _url(DeclarationWindow, "add"),
        {
            "province": "150000",
            "year": "2030",
            "opens": "2030-10-31",
            "closes": "2030-03-01",
            "source_document": "测试",
        },
    )
    assert response.status_code == 200
    assert "「截止日期」不能早于「开始日期」" in response.content.decode()


def _errors(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_quota_ratio_validation(seeded):
    errors = _errors(
        QuotaRatio(province_id="150000", year=2030, ratio=Decimal("0.0149"), source_document="x")
    )
    assert errors["ratio"] == ["「安置比例」不得低于 0.015（1.5%，《残疾人就业条例》第八条）"]
    errors = _errors(QuotaRatio(province_id="150000", year=2030, ratio=Decimal("1.5"), source_document="x"))
    assert errors["ratio"] == ["「安置比例」请以小数填写，例如 1.5% 填 0.015"]
    errors = _errors(QuotaRatio(province_id="150900", year=2030, ratio=Decimal("0.015"), source_document="x"))
    # The foreign key's own limit_choices_to check may add Django's message; ours names the field in Chinese.
    assert "「省份」须为省级区划，“乌兰察布市”不是省级区划" in errors["province"]
    errors = _errors(QuotaRatio(province_id="150000", year=2024, ratio=Decimal("0.015"), source_document="x"))
    assert "该省份该业务年度的安置比例已存在" in errors["__all__"]


def test_minimum_wage_validation(seeded):
    row = MinimumWage(
        province_id="150000",
        tier=4,
        effective_from=date(2030, 1, 1),
        amount=Decimal("2500"),
        source_document="x",
    )
    assert "「档次」只能是 1（一类）、2（二类）或 3（三类）" in _errors(row)["tier"]
    row = MinimumWage(
        province_id="150000",
        tier=1,
        effective_from=date(2030, 1, 1),
        amount=Decimal("-1"),
        source_document="x",
    )
    assert _errors(row)["amount"] == ["「月最低工资（元）」不能为负数"]
    row.amount = Decimal("0")
    assert _errors(row)["amount"] == ["「月最低工资（元）」必须大于 0"]


def test_social_average_wage_validation(seeded):
    row = SocialAverageWage(region_id="150924", year=2024, amount=Decimal("-5"), source_document="x")
    assert _errors(row)["region"] == ["「区划」须为省级或地市级区划"]
    row.region_id = "150900"
    assert _errors(row)["amount"] == ["「年平均工资（元）」不能为负数"]


def test_declaration_window_validation(seeded):
    row = DeclarationWindow(
        province_id="150000",
        year=2030,
        opens=date(2030, 10, 31),
        closes=date(2030, 3, 1),
        source_document="x",
    )
    assert _errors(row)["closes"] == ["「截止日期」不能早于「开始日期」"]
    row = DeclarationWindow(
        province_id="150000",
        year=2030,
        opens=date(2029, 3, 1),
        closes=date(2030, 10, 31),
        source_document="x",
    )
    assert _errors(row)["opens"] == ["「开始日期」须在申报年份 2030 年内"]


def test_levy_period_validation(seeded):
    row = LevyPeriod(
        kind=LevyPeriodKind.STAGED_LEVY,
        valid_from=date(2030, 1, 1),
        valid_to=date(2029, 12, 31),
        source_document="x",
    )
    assert _errors(row)["valid_to"] == ["「终止日期」不能早于「起始日期」"]
    row.valid_to = date(2030, 12, 31)
    errors = _errors(row)
    assert errors["staged_threshold"] == ["分档征收须填写「分档比例界限」"]
    assert errors["factor_below"] == ["分档征收须填写「低于界限的缴纳系数」"]
    row.staged_threshold, row.factor_at_or_above, row.factor_below = (
        Decimal("0.01"),
        Decimal("-0.5"),
        Decimal("9"),
    )
    errors = _errors(row)
    assert errors["factor_at_or_above"] == ["「达到界限的缴纳系数」不能为负数"]
    assert errors["factor_below"] == ["「低于界限的缴纳系数」不能大于 1"]
    exemption = LevyPeriod(
        kind=LevyPeriodKind.SMALL_ENTERPRISE_EXEMPTION,
        valid_from=date(2030, 1, 1),
        valid_to=date(2030, 12, 31),
        source_document="x",
    )
    assert _errors(exemption)["max_headcount"] == ["小微企业免征须填写「免征职工人数上限」"]
    overlapping = LevyPeriod(
        kind=LevyPeriodKind.SMALL_ENTERPRISE_EXEMPTION,
        valid_from=date(2027, 1, 1),
        valid_to=date(2028, 12, 31),
        max_headcount=30,
        exempt_nature="enterprise",
        source_document="x",
    )
    assert _errors(overlapping)["valid_from"] == ["该类型在同一范围内已有与此重叠的优惠期"]
    overlapping.province_id = "150000"  # a provincial period may overlay the national one
    overlapping.full_clean()


def test_reward_rule_validation(seeded):
    row = RewardRule(province_id="150000", effective_from=date(2030, 1, 1), source_document="x")
    assert _errors(row)["multiplier"] == ["「最低工资倍数」与「每人奖励金额（元）」须填写且只填写其中一项"]
    row.multiplier, row.per_person_amount = Decimal("5"), Decimal("2000")
    assert "multiplier" in _errors(row)
    row.per_person_amount = None
    row.cap = Decimal("-1")
    assert _errors(row)["cap"] == ["「单位奖励上限（元）」不能为负数"]
    row.cap = None
    row.application_deadline = "13-01"
    assert _errors(row)["application_deadline"] == ["「申请截止（月-日）」格式应为 MM-DD，例如 06-30"]
    row.application_deadline = "06-30"
    row.severe_weight = 3
    assert "severe_weight" in _errors(row)
    row.severe_weight = 1
    row.full_clean()


def test_retirement_setting_validation(seeded):
    row = RetirementSetting(
        province_id="150000", effective_from=date(2030, 1, 1), female_base_age=60, source_document="x"
    )
    assert "female_base_age" in _errors(row)


def test_region_tier_validation(seeded):
    county = Region.objects.get(code="150924")
    county.wage_tier = 4
    assert _errors(county)["wage_tier"] == ["「最低工资档次」只能是 1（一类）、2（二类）或 3（三类）"]
    prefecture = Region.objects.get(code="150900")
    prefecture.wage_tier = 1
    assert _errors(prefecture)["wage_tier"] == ["「最低工资档次」只适用于区县级区划"]
