"""The seed: idempotent, complete (provinces, 内蒙古, 江西) and valid by the models' own rules."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from anbili.regions.models import (
    DeclarationWindow,
    LevyPeriod,
    MinimumWage,
    QuotaRatio,
    Region,
    RegionLevel,
    RetirementSetting,
    RewardRule,
    SocialAverageWage,
)
from anbili.regions.services import regions_seed

pytestmark = pytest.mark.django_db

POLICY_MODELS = [
    QuotaRatio,
    MinimumWage,
    SocialAverageWage,
    DeclarationWindow,
    LevyPeriod,
    RewardRule,
    RetirementSetting,
]
ALL_PROVINCES = {
    "110000": "北京市", "120000": "天津市", "130000": "河北省", "140000": "山西省", "150000": "内蒙古自治区",
    "210000": "辽宁省", "220000": "吉林省", "230000": "黑龙江省", "310000": "上海市", "320000": "江苏省",
    "330000": "浙江省", "340000": "安徽省", "350000": "福建省", "360000": "江西省", "370000": "山东省",
    "410000": "河南省", "420000": "湖北省", "430000": "湖南省", "440000": "广东省",
    "450000": "广西壮族自治区", "460000": "海南省", "500000": "重庆市", "510000": "四川省",
    "520000": "贵州省", "530000": "云南省",
    "540000": "西藏自治区", "610000": "陕西省", "620000": "甘肃省", "630000": "青海省",
    "640000": "宁夏回族自治区", "650000": "新疆维吾尔自治区", "710000": "台湾省", "810000": "香港特别行政区",
    "820000": "澳门特别行政区",
}  # fmt: skip


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in [Region, *POLICY_MODELS]}


def _snapshot() -> dict[str, list[tuple]]:
    return {
        model.__name__: sorted(
            tuple(str(value) for key, value in row.items() if key != "updated_at")
            for row in model.objects.values()
        )
        for model in [Region, *POLICY_MODELS]
    }


def test_seed_twice_creates_nothing_the_second_time_and_changes_nothing(db):
    first = regions_seed()
    counts, snapshot = _counts(), _snapshot()
    second = regions_seed()

    assert first.changed and first.created["region"] == 260
    assert not second.changed
    assert all(value == 0 for value in second.created.values())
    assert all(value == 0 for value in second.updated.values())
    assert _counts() == counts
    assert _snapshot() == snapshot


def test_seed_keeps_an_admin_edit_unless_asked_to_overwrite(seeded):
    row = QuotaRatio.objects.get(province_id="150000", year=2024)
    row.ratio = Decimal("0.0170")
    row.confirmed = True
    row.save()

    kept = regions_seed()
    assert kept.kept_different["quotaratio"] == 1 and not kept.changed
    assert QuotaRatio.objects.get(pk=row.pk).ratio == Decimal("0.0170")

    reset = regions_seed(overwrite=True)
    assert reset.updated["quotaratio"] == 1
    restored = QuotaRatio.objects.get(pk=row.pk)
    assert (restored.ratio, restored.confirmed) == (Decimal("0.0150"), False)


def test_every_gbt2260_province_level_division_is_present(seeded):
    provinces = dict(Region.objects.filter(level=RegionLevel.PROVINCE).values_list("code", "name"))
    assert provinces == ALL_PROVINCES
    assert not Region.objects.filter(level=RegionLevel.PROVINCE, parent__isnull=False).exists()


@pytest.mark.parametrize(
    ("province", "prefectures", "counties", "sample"),
    [
        (
            "15",
            12,
            103,
            {"150100": "呼和浩特市", "150900": "乌兰察布市", "152200": "兴安盟", "152900": "阿拉善盟"},
        ),
        ("36", 11, 100, {"360100": "南昌市", "360700": "赣州市", "361100": "上饶市"}),
    ],
)
def test_seeded_provinces_have_their_prefectures_and_counties(
    seeded, province, prefectures, counties, sample
):
    prefecture_rows = Region.objects.filter(level=RegionLevel.PREFECTURE, code__startswith=province)
    county_rows = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=province)

    assert prefecture_rows.count() == prefectures
    assert county_rows.count() == counties
    assert set(prefecture_rows.values_list("parent_id", flat=True)) == {f"{province}0000"}
    for code, name in sample.items():
        assert Region.objects.get(code=code).name == name
    # Every county hangs under a prefecture of its own code.
    for county in county_rows.select_related("parent"):
        assert county.parent is not None
        assert county.parent.level == RegionLevel.PREFECTURE
        assert county.parent.code[:4] == county.code[:4]


def test_inner_mongolia_has_nine_cities_and_three_leagues(seeded):
    names = list(
        Region.objects.filter(level=RegionLevel.PREFECTURE, code__startswith="15").values_list(
            "name", flat=True
        )
    )
    assert sum(name.endswith("市") for name in names) == 9
    assert sorted(name for name in names if name.endswith("盟")) == ["兴安盟", "锡林郭勒盟", "阿拉善盟"]


@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [
        ("150102", "新城区", "150100"),
        ("150924", "兴和县", "150900"),
        ("150981", "丰镇市", "150900"),
        ("152921", "阿拉善左旗", "152900"),
        ("360102", "东湖区", "360100"),
        ("360113", "红谷滩区", "360100"),
        ("360783", "龙南市", "360700"),
        ("361104", "广信区", "361100"),
    ],
)
def test_current_county_codes(seeded, code, name, parent):
    county = Region.objects.get(code=code)
    assert (county.name, county.parent_id, county.level) == (name, parent, RegionLevel.COUNTY)


def test_every_county_of_inner_mongolia_and_jiangxi_has_a_wage_tier(seeded):
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    assert counties.count() == 203
    assert set(counties.values_list("wage_tier", flat=True)) == {1, 2, 3}
    assert not Region.objects.exclude(level=RegionLevel.COUNTY).filter(wage_tier__isnull=False).exists()
    # The capital districts are 一类 in both provinces.
    assert Region.objects.get(code="150102").wage_tier == 1
    assert Region.objects.get(code="360102").wage_tier == 1


def test_quota_ratios_are_seeded_per_mainland_province_and_year(seeded):
    assert QuotaRatio.objects.count() == 31 * 8
    assert set(QuotaRatio.objects.values_list("year", flat=True)) == set(range(2020, 2028))
    ratios = {
        (row.province_id, row.year): row.ratio for row in QuotaRatio.objects.filter(year__in=[2020, 2027])
    }
    for year in (2020, 2027):
        assert ratios[("410000", year)] == Decimal("0.016")
        assert ratios[("510000", year)] == Decimal("0.016")
        assert ratios[("220000", year)] == Decimal("0.015")
        assert ratios[("150000", year)] == Decimal("0.015")
    assert "1.6%" in QuotaRatio.objects.filter(province_id="220000").first().source_document
    assert not QuotaRatio.objects.filter(province_id__in=["710000", "810000", "820000"]).exists()


def test_declaration_windows_and_other_tables_are_seeded(seeded):
    assert DeclarationWindow.objects.count() == 31 * 7
    shanghai = DeclarationWindow.objects.get(province_id="310000", year=2025)
    assert (shanghai.opens.isoformat(), shanghai.closes.isoformat()) == ("2025-03-16", "2025-10-31")
    jiangxi = DeclarationWindow.objects.get(province_id="360000", year=2021)
    assert (jiangxi.opens.isoformat(), jiangxi.closes.isoformat()) == ("2021-03-01", "2021-10-31")
    assert MinimumWage.objects.count() == 9
    assert LevyPeriod.objects.filter(province__isnull=True).count() == 4
    assert set(RewardRule.objects.values_list("province_id", flat=True)) == {
        "150000",
        "460000",
        "640000",
        "430000",
        "520000",
    }
    assert RetirementSetting.objects.count() == 31
    # Social average wages are deliberately not seeded (docs/policy.md): S is optional in the levy.
    assert SocialAverageWage.objects.count() == 0


@pytest.mark.parametrize("model", POLICY_MODELS)
def test_every_seeded_row_passes_its_models_validation(seeded, model):
    for row in model.objects.all():
        row.full_clean()
        assert row.source_document.strip()
        assert row.confirmed is False  # nothing is verified until an admin checks the source


def test_every_seeded_region_passes_validation(seeded):
    for region in Region.objects.all():
        region.full_clean()


def test_seed_regions_command_is_idempotent(db, capsys):
    call_command("seed_regions")
    first = capsys.readouterr().out
    call_command("seed_regions")
    second = capsys.readouterr().out

    assert "region: 新增 260" in first
    assert "无变化" in second and "新增 0，更新 0" in second
