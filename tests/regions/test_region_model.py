"""Region helpers: names as screens show them, the province, and "under this region" filters."""

import pytest

from anbili.regions.models import Region

pytestmark = pytest.mark.django_db


def test_full_name_and_province_of_a_county(seeded):
    county = Region.objects.select_related("parent__parent").get(code="150924")
    assert county.full_name == "内蒙古自治区 / 乌兰察布市 / 兴和县"
    assert county.province.code == "150000"
    assert county.province_code == "150000"
    assert [region.code for region in county.ancestors()] == ["150000", "150900"]


def test_full_name_and_province_of_a_province_and_a_prefecture(seeded):
    assert Region.objects.get(code="360000").full_name == "江西省"
    prefecture = Region.objects.get(code="360100")
    assert prefecture.full_name == "江西省 / 南昌市"
    assert prefecture.province.name == "江西省"
    assert Region.objects.get(code="360000").province.code == "360000"


def test_descendant_q_selects_the_regions_under_a_region(seeded):
    wulanchabu = Region.objects.get(code="150900")
    under = Region.objects.filter(wulanchabu.descendant_q())
    assert under.count() == 12  # the prefecture and its 11 counties
    assert Region.objects.filter(wulanchabu.descendant_q(include_self=False)).count() == 11
    inner_mongolia = Region.objects.get(code="150000")
    assert Region.objects.filter(inner_mongolia.descendant_q()).count() == 1 + 12 + 103
    county = Region.objects.get(code="150924")
    assert list(Region.objects.filter(county.descendant_q()).values_list("code", flat=True)) == ["150924"]
    # Another model's foreign key can be filtered through `field`.
    assert Region.objects.filter(wulanchabu.descendant_q("parent__code")).count() == 11


def test_is_within(seeded):
    county = Region.objects.get(code="150924")
    assert county.is_within(Region.objects.get(code="150900"))
    assert county.is_within(Region.objects.get(code="150000"))
    assert county.is_within(county)
    assert not county.is_within(Region.objects.get(code="150100"))
    assert not county.is_within(Region.objects.get(code="360000"))
    assert not Region.objects.get(code="150000").is_within(county)
