"""policy_for and the smaller selectors: seeded values either side of each effective date, and the errors."""

from datetime import date
from decimal import Decimal

import pytest

from anbili.core.errors import ApplicationError
from anbili.regions.models import (
    DeclarationWindow,
    LevyPeriod,
    LevyPeriodKind,
    QuotaRatio,
    Region,
    RetirementSetting,
    SocialAverageWage,
)
from anbili.regions.selectors import (
    PolicyMissing,
    RegionNotFound,
    WageTierUnknown,
    declaration_window_for,
    female_base_age_for,
    levy_periods_for,
    minimum_wage_for,
    minimum_wages_on,
    policy_for,
    quota_ratio_for,
    reward_rule_for,
)

pytestmark = pytest.mark.django_db

HOHHOT_XINCHENG = "150102"  # 一类
XINGHE = "150924"  # 三类, the DPF of seed 004's window application
NANCHANG_DONGHU = "360102"  # 一类


@pytest.mark.parametrize(
    ("tier", "before", "after"),
    [(1, "1980.00", "2270.00"), (2, "1910.00", "2200.00"), (3, "1850.00", "2140.00")],
)
def test_inner_mongolia_minimum_wage_either_side_of_2024_12_01(seeded, tier, before, after):
    assert policy_for("150000", date(2024, 11, 30), tier=tier).minimum_wage == Decimal(before)
    assert policy_for("150000", date(2024, 12, 1), tier=tier).minimum_wage == Decimal(after)


def test_minimum_wage_follows_the_countys_tier(seeded):
    assert policy_for(HOHHOT_XINCHENG, date(2024, 11, 30)).minimum_wage == Decimal("1980.00")
    assert policy_for(HOHHOT_XINCHENG, date(2024, 12, 1)).minimum_wage == Decimal("2270.00")
    xinghe = policy_for(XINGHE, date(2024, 12, 1))
    assert (xinghe.wage_tier, xinghe.minimum_wage, xinghe.minimum_wage_from) == (
        3,
        Decimal("2140.00"),
        date(2024, 12, 1),
    )
    assert minimum_wage_for(XINGHE, date(2022, 1, 1)) == Decimal("1850.00")
    assert minimum_wage_for(Region.objects.get(code=HOHHOT_XINCHENG), date(2021, 12, 1)) == Decimal("1980.00")


def test_inner_mongolia_minimum_wage_starts_2021_12_01(seeded):
    assert minimum_wage_for(HOHHOT_XINCHENG, date(2021, 12, 1)) == Decimal("1980.00")
    with pytest.raises(PolicyMissing) as caught:
        minimum_wage_for(HOHHOT_XINCHENG, date(2021, 11, 30))
    assert caught.value.message == (
        "未配置 内蒙古自治区 一类地区 在 2021-11-30 执行的月最低工资标准（政策参数表：月最低工资标准）"
    )


def test_jiangxi_minimum_wage_either_side_of_2021_04_01(seeded):
    assert minimum_wage_for(NANCHANG_DONGHU, date(2021, 4, 1)) == Decimal("1850.00")
    assert minimum_wage_for("360000", date(2024, 6, 1), tier=2) == Decimal("1730.00")
    assert minimum_wage_for("360000", date(2024, 6, 1), tier=3) == Decimal("1610.00")
    with pytest.raises(PolicyMissing, match="江西省 一类地区 在 2021-03-31"):
        policy_for(NANCHANG_DONGHU, date(2021, 3, 31))


def test_policy_for_returns_the_seeded_values(seeded):
    policy = policy_for(XINGHE, date(2023, 6, 1))

    assert (policy.region_code, policy.province_code, policy.province_name) == (
        XINGHE,
        "150000",
        "内蒙古自治区",
    )
    assert (policy.on_date, policy.business_year) == (date(2023, 6, 1), 2023)
    assert policy.quota_ratio == Decimal("0.015")
    assert (policy.wage_tier, policy.minimum_wage) == (3, Decimal("1850.00"))
    assert policy.social_average_wage is None
    assert policy.declaration_window.year == 2023
    assert policy.declaration_window.business_year == 2022
    assert (policy.declaration_window.opens, policy.declaration_window.closes) == (
        date(2023, 3, 1),
        date(2023, 10, 31),
    )
    assert policy.declaration_window.is_open(date(2023, 6, 1))
    assert policy.staged_levy is not None
    assert (
        policy.staged_levy.threshold,
        policy.staged_levy.factor_at_or_above,
        policy.staged_levy.factor_below,
    ) == (Decimal("0.01"), Decimal("0.5"), Decimal("0.9"))
    assert policy.small_enterprise_exemption is not None
    assert (policy.small_enterprise_exemption.max_headcount, policy.small_enterprise_exemption.nature) == (
        30,
        "enterprise",
    )
    assert policy.female_base_age == 55
    assert "安置比例" in policy.unconfirmed and "月最低工资标准" in policy.unconfirmed


def test_policy_is_a_frozen_value(seeded):
    policy = policy_for(XINGHE, date(2023, 6, 1))
    with pytest.raises(AttributeError):
        policy.quota_ratio = Decimal("0.02")  # type: ignore[misc]
    assert policy == policy_for(Region.objects.get(code=XINGHE), date(2023, 6, 1))


def test_inner_mongolia_reward_rule_gives_the_seed_check_value(seeded):
    # rules.md §4: N 30, P 2, minimum wage 1,980 → ⌊2 − 30 × 1.5%⌋ = 1 → 1 × 1,980 × 5 = 9,900.
    policy = policy_for(HOHHOT_XINCHENG, date(2023, 12, 31))
    reward = policy.reward_rule
    assert reward is not None
    assert (reward.multiplier, reward.whole_persons, reward.severe_weight, reward.min_whole_excess) == (
        Decimal("5"),
        True,
        2,
        Decimal("1"),
    )
    assert reward.per_person_amount is None and reward.cap is None
    units = int(Decimal(2) - 30 * policy.quota_ratio)
    assert units * policy.minimum_wage * reward.multiplier == Decimal("9900")
    assert reward.deadline_for(2023) == date(2024, 6, 30)


@pytest.mark.parametrize(
    ("province", "multiplier", "per_person", "whole", "severe", "cap"),
    [
        ("460000", "5", None, True, 1, None),
        ("640000", "5", None, True, 2, None),
        ("430000", "6", None, False, 2, None),
        ("520000", None, "2000.00", True, 2, "100000.00"),
    ],
)
def test_other_provinces_reward_rules(seeded, province, multiplier, per_person, whole, severe, cap):
    reward = reward_rule_for(province, date(2024, 5, 1))
    assert reward is not None
    assert reward.multiplier == (Decimal(multiplier) if multiplier else None)
    assert reward.per_person_amount == (Decimal(per_person) if per_person else None)
    assert (reward.whole_persons, reward.severe_weight) == (whole, severe)
    assert reward.cap == (Decimal(cap) if cap else None)
    assert reward.deadline_for(2023) is None


def test_a_province_without_a_reward_rule_gets_none(seeded):
    assert policy_for(NANCHANG_DONGHU, date(2024, 5, 1)).reward_rule is None
    assert reward_rule_for("360000", date(2024, 5, 1)) is None
    assert reward_rule_for("150000", date(2019, 12, 31)) is None


@pytest.mark.parametrize(
    ("on", "present"),
    [
        (date(2019, 12, 31), False),
        (date(2020, 1, 1), True),
        (date(2027, 12, 31), True),
        (date(2028, 1, 1), False),
    ],
)
def test_levy_periods_cover_2020_to_2027(seeded, on, present):
    staged, exemption = levy_periods_for("360000", on)
    assert (staged is not None, exemption is not None) == (present, present)


@pytest.mark.parametrize(("on", "present"), [(date(2027, 12, 31), True), (date(2028, 1, 1), False)])
def test_levy_periods_end_2027_12_31(seeded, on, present):
    QuotaRatio.objects.create(province_id="150000", year=2028, ratio=Decimal("0.015"), source_document="测试")
    DeclarationWindow.objects.create(
        province_id="150000",
        year=2028,
        opens=date(2028, 3, 1),
        closes=date(2028, 10, 31),
        source_document="测试",
    )
    policy = policy_for(HOHHOT_XINCHENG, on)
    assert (policy.staged_levy is not None) is present
    assert (policy.small_enterprise_exemption is not None) is present


def test_levy_period_boundaries_between_the_two_announcements(seeded):
    first = policy_for(HOHHOT_XINCHENG, date(2022, 12, 31)).staged_levy
    second = policy_for(HOHHOT_XINCHENG, date(2023, 1, 1)).staged_levy
    assert first is not None and second is not None
    assert (first.valid_from, first.valid_to) == (date(2020, 1, 1), date(2022, 12, 31))
    assert (second.valid_from, second.valid_to) == (date(2023, 1, 1), date(2027, 12, 31))


def test_a_provincial_levy_period_takes_precedence_over_the_national_one(seeded):
    LevyPeriod.objects.create(
        kind=LevyPeriodKind.STAGED_LEVY,
        province_id="150000",
        valid_from=date(2024, 1, 1),
        valid_to=date(2024, 12, 31),
        staged_threshold=Decimal("0.01"),
        factor_at_or_above=Decimal("0.4"),
        factor_below=Decimal("0.8"),
        source_document="测试：省级规定",
    )
    staged = policy_for(HOHHOT_XINCHENG, date(2024, 6, 1)).staged_levy
    assert staged is not None and staged.factor_at_or_above == Decimal("0.4")
    elsewhere = policy_for(NANCHANG_DONGHU, date(2024, 6, 1)).staged_levy
    assert elsewhere is not None and elsewhere.factor_at_or_above == Decimal("0.5")


def test_social_average_wage_prefers_the_prefecture(seeded):
    assert policy_for(XINGHE, date(2023, 6, 1)).social_average_wage is None
    SocialAverageWage.objects.create(
        region_id="150000", year=2023, amount=Decimal("98000"), source_document="测试"
    )
    assert policy_for(XINGHE, date(2023, 6, 1)).social_average_wage == Decimal("98000")
    SocialAverageWage.objects.create(
        region_id="150900", year=2023, amount=Decimal("85000"), source_document="测试"
    )
    assert policy_for(XINGHE, date(2023, 6, 1)).social_average_wage == Decimal("85000")
    assert policy_for(HOHHOT_XINCHENG, date(2023, 6, 1)).social_average_wage == Decimal("98000")
    assert policy_for(XINGHE, date(2024, 6, 1)).social_average_wage is None


def test_quota_ratio_is_that_of_the_business_year(seeded):
    QuotaRatio.objects.filter(province_id="360000", year=2024).update(ratio=Decimal("0.0170"))
    assert policy_for(NANCHANG_DONGHU, date(2024, 1, 1)).quota_ratio == Decimal("0.017")
    assert policy_for(NANCHANG_DONGHU, date(2023, 12, 31)).quota_ratio == Decimal("0.015")
    assert quota_ratio_for("360000", 2024) == Decimal("0.017")
    assert quota_ratio_for("51", 2025) == Decimal("0.016")
    assert quota_ratio_for("410100", 2020) == Decimal("0.016")


def test_declaration_window_for(seeded):
    shanghai = declaration_window_for("310000", 2025)
    assert (shanghai.opens, shanghai.closes, shanghai.business_year) == (
        date(2025, 3, 16),
        date(2025, 10, 31),
        2024,
    )
    assert not shanghai.is_open(date(2025, 3, 15))
    assert shanghai.is_open(date(2025, 3, 16)) and shanghai.is_open(date(2025, 10, 31))
    assert not shanghai.is_open(date(2025, 11, 1))
    assert declaration_window_for("150924", 2024).opens == date(2024, 3, 1)


def test_missing_quota_ratio_names_the_table_province_and_year(seeded):
    with pytest.raises(PolicyMissing) as caught:
        quota_ratio_for("360000", 2019)
    assert caught.value.message == "未配置 江西省 2019年 的按比例就业安置比例（政策参数表：安置比例）"
    assert (caught.value.table, caught.value.province_code, caught.value.when) == ("安置比例", "360000", 2019)
    assert isinstance(caught.value, ApplicationError) and caught.value.code == "policy_missing"
    with pytest.raises(PolicyMissing, match="未配置 江西省 2019年 的按比例就业安置比例"):
        policy_for(NANCHANG_DONGHU, date(2019, 6, 1))


def test_missing_minimum_wage_names_the_table_province_and_date(seeded):
    with pytest.raises(PolicyMissing) as caught:
        minimum_wage_for("440000", date(2024, 1, 1), tier=2)
    assert caught.value.message == (
        "未配置 广东省 二类地区 在 2024-01-01 执行的月最低工资标准（政策参数表：月最低工资标准）"
    )


def test_missing_declaration_window_names_the_table_province_and_year(seeded):
    with pytest.raises(PolicyMissing) as caught:
        declaration_window_for("360000", 2028)
    assert caught.value.message == "未配置 江西省 2028年 的申报期（申报2027业务年度）（政策参数表：申报期）"
    DeclarationWindow.objects.filter(province_id="360000", year=2024).delete()
    with pytest.raises(PolicyMissing, match="未配置 江西省 2024年 的申报期"):
        policy_for(NANCHANG_DONGHU, date(2024, 6, 1))


def test_missing_retirement_setting_names_the_table_province_and_date(seeded):
    with pytest.raises(PolicyMissing) as caught:
        female_base_age_for("360000", date(2014, 12, 31))
    assert (
        caught.value.message == "未配置 江西省 在 2014-12-31 适用的退休年龄设置（政策参数表：退休年龄设置）"
    )
    RetirementSetting.objects.filter(province_id="360000").delete()
    with pytest.raises(PolicyMissing, match="未配置 江西省 在 2024-06-01 适用的退休年龄设置"):
        policy_for(NANCHANG_DONGHU, date(2024, 6, 1))


def test_retirement_setting_follows_its_effective_date(seeded):
    RetirementSetting.objects.create(
        province_id="360000", effective_from=date(2025, 1, 1), female_base_age=50, source_document="测试"
    )
    assert policy_for(NANCHANG_DONGHU, date(2024, 12, 31)).female_base_age == 55
    assert policy_for(NANCHANG_DONGHU, date(2025, 1, 1)).female_base_age == 50
    assert female_base_age_for("361100", date(2025, 1, 1)) == 50
    assert female_base_age_for("150000", date(2025, 1, 1)) == 55


def test_no_policy_rows_for_hong_kong(seeded):
    with pytest.raises(PolicyMissing, match="香港特别行政区"):
        policy_for("810000", date(2024, 6, 1), tier=1)


def test_a_non_county_region_needs_a_tier(seeded):
    with pytest.raises(WageTierUnknown, match="乌兰察布市"):
        policy_for("150900", date(2024, 6, 1))
    with pytest.raises(WageTierUnknown, match="不是区县级区划"):
        minimum_wage_for("150000", date(2024, 6, 1))
    assert policy_for("150900", date(2024, 6, 1), tier=2).minimum_wage == Decimal("1910.00")
    with pytest.raises(WageTierUnknown, match="1、2 或 3"):
        policy_for("150900", date(2024, 6, 1), tier=4)


def test_a_county_without_a_tier_is_refused(seeded):
    Region.objects.filter(code=XINGHE).update(wage_tier=None)
    with pytest.raises(WageTierUnknown, match="尚未设置最低工资档次"):
        policy_for(XINGHE, date(2024, 6, 1))


def test_unknown_region_code(seeded):
    with pytest.raises(RegionNotFound, match="999999"):
        policy_for("999999", date(2024, 6, 1), tier=1)
    with pytest.raises(RegionNotFound, match="159999"):
        minimum_wage_for("159999", date(2024, 6, 1))


def test_policy_for_runs_a_bounded_number_of_queries(seeded, django_assert_max_num_queries):
    SocialAverageWage.objects.create(
        region_id="150900", year=2024, amount=Decimal("85000"), source_document="测试"
    )
    with django_assert_max_num_queries(8):
        policy_for(XINGHE, date(2024, 6, 1))
    county = Region.objects.get(code=XINGHE)
    with django_assert_max_num_queries(8):
        policy_for(county, date(2024, 6, 1))


def test_minimum_wages_on_many_days_agree_with_minimum_wage_for(seeded, django_assert_num_queries):
    from anbili.core.month import months_of_year

    days = [month.first_day for month in (*months_of_year(2021), *months_of_year(2024))]
    region = Region.objects.get(code=HOHHOT_XINCHENG)
    with django_assert_num_queries(1):
        wages = minimum_wages_on(region, days)
    for day in days:
        if day < date(2021, 12, 1):  # before 内蒙古's first row: no wage in force, never a default
            assert wages[day] is None
        else:
            assert wages[day] == minimum_wage_for(region, day)
    assert wages[date(2024, 11, 1)] == Decimal("1980.00") and wages[date(2024, 12, 1)] == Decimal("2270.00")


def test_minimum_wages_on_a_region_without_a_tier_are_none(seeded):
    assert minimum_wages_on("150000", [date(2024, 6, 1)]) == {date(2024, 6, 1): None}
