"""Issue 11 items 5-6 on the placement paths: input normalised once in core (hidden characters named with
their place, full-width digits, names without invisible characters), search by the last digits of the ID
number, a graduation date before birth and overlapping contracts refused with the reason."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anbili.core.errors import ApplicationError
from anbili.placements import services
from anbili.placements.models import Placement, PlacementContract
from anbili.placements.selectors import placement_counters, placement_list
from anbili.rules.contracts import ContractReason
from tests.placements.placement_data import (
    PERSON,
    TODAY,
    YEAR,
    contract_fields,
    new_id_number,
    ready_draft,
    registry_person,
    upload,
)
from tests.placements.test_placements_bulk import _import, _row, _workbook

pytestmark = pytest.mark.django_db


def _start(employer, user, id_number):
    return services.placement_start(
        employer=employer, actor=user, id_number=id_number, business_year=YEAR, today=TODAY
    )


def test_a_hidden_character_in_the_id_number_is_named_with_its_place(employer, user):
    number = new_id_number()
    with pytest.raises(ApplicationError) as error:
        _start(employer, user, number + "\u200b")
    assert error.value.field == "id_number" and error.value.code == "hidden_character"
    assert error.value.message == "「身份证号」第19个字符处含有不可见字符，请删除后重新输入"
    assert not Placement.objects.exists()


def test_full_width_digits_are_the_same_number(employer, user):
    number = new_id_number()
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert _start(employer, user, full_width).id_number == number


def test_a_name_never_stores_an_invisible_character(employer, user):
    placement = _start(employer, user, new_id_number())  # not in the registry: the employer types the name
    with pytest.raises(ApplicationError) as error:
        services.placement_person_update(
            placement_id=placement.pk,
            employer=employer,
            actor=user,
            today=TODAY,
            **{**PERSON, "name": "张\u202e三"},
        )
    assert "「姓名」第2个字符处含有不可见字符" in error.value.message
    saved = services.placement_person_update(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY, **{**PERSON, "name": " 张三　"}
    )
    assert saved.name == "张三"


def test_a_graduation_date_before_the_birth_date_is_refused_with_the_reason(employer, user):
    number = new_id_number(date(1990, 5, 1))
    placement = _start(employer, user, number)
    person = {**PERSON, "is_graduate": True, "school": "内蒙古大学", "degree": "bachelor"}
    with pytest.raises(ApplicationError) as error:
        services.placement_person_update(
            placement_id=placement.pk,
            employer=employer,
            actor=user,
            today=TODAY,
            graduation_date=date(1989, 7, 1),
            diploma_upload=upload("毕业证书.pdf"),
            **person,
        )
    problems = {e.field: (e.code, e.message) for e in error.value.errors}
    assert problems["graduation_date"] == (
        "before_birth",
        "「毕业时间」1989-07-01 应晚于出生日期 1990-05-01（由身份证号得出），请核实毕业时间",
    )
    placement.refresh_from_db()
    assert placement.graduation_date is None


def _add_contract(employer, user, placement, **overrides):
    return services.placement_contract_add(
        placement_id=placement.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        contract_upload=upload("劳动合同.pdf"),
        **contract_fields(employer, **overrides),
    )


def test_a_duplicate_or_overlapping_contract_is_refused_with_the_reason(employer, user):
    placement = _start(employer, user, new_id_number())
    services.placement_person_update(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY, **PERSON
    )
    term = {"start": date(2024, 1, 1), "end": date(2025, 3, 31)}
    first = _add_contract(employer, user, placement, **term)
    with pytest.raises(ApplicationError) as error:
        _add_contract(employer, user, placement, **term)  # the same contract twice
    assert [(e.field, e.code) for e in error.value.errors] == [
        ("start", ContractReason.OVERLAPS_OTHER_CONTRACT.value)
    ]
    assert "与已登记的合同（2024-01-01至2025-03-31）重复" in error.value.message
    with pytest.raises(ApplicationError) as error:
        _add_contract(employer, user, placement, start=date(2025, 3, 1), end=date(2027, 2, 28))
    assert [e.code for e in error.value.errors] == [ContractReason.OVERLAPS_OTHER_CONTRACT.value]
    assert "与已登记的合同（2024-01-01至2025-03-31）重叠" in error.value.message
    assert PlacementContract.objects.filter(placement=placement).count() == 1
    # A renewal from the day after the end is accepted; editing a contract does not compare it with itself.
    _add_contract(employer, user, placement, start=date(2025, 4, 1), end=date(2027, 3, 31))
    services.placement_contract_update(
        placement_id=placement.pk,
        contract_id=first.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        **contract_fields(employer, post="质检员", **term),
    )
    assert PlacementContract.objects.get(pk=first.pk).post == "质检员"


@pytest.fixture
def listed(employer, user):
    number = new_id_number()
    registry_person(number, name="施嵘", payer=employer.uscc)
    return ready_draft(employer, user, number)


@pytest.mark.parametrize(
    "query",
    [
        lambda n: n[-4:],  # the last four digits, as the masked list shows them
        lambda n: n[-6:],
        lambda n: n[:10],  # the start (the other person was born in another year)
        lambda n: n,
        lambda n: n.lower(),
        lambda n: f"{n[:6]}********{n[-4:]}",  # the masked number as shown
        lambda n: n.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        lambda n: f" {n[-4:]}\u200b ",
        lambda n: "施嵘",
    ],
)
def test_search_finds_a_person_by_the_start_the_last_digits_or_the_name(employer, user, listed, query):
    other = new_id_number(date(1990, 1, 1))
    registry_person(other, name="景晓东", payer=employer.uscc)
    ready_draft(employer, user, other)
    assert [p.pk for p in placement_list(employer, YEAR, query=query(listed.id_number))] == [listed.pk]


def test_too_few_last_digits_do_not_search_the_end(employer, listed):
    tail = listed.id_number[-3:]
    assert all(p.id_number.startswith(tail) for p in placement_list(employer, YEAR, query=tail))


def test_search_keeps_the_list_query_count(employer, user, listed):
    def count(query):
        with CaptureQueriesContext(connection) as captured:
            rows = list(placement_list(employer, YEAR, query=query))
            [(r.registered_months, r.certificate_number) for r in rows]
            placement_counters(employer, YEAR)
        return len(captured)

    assert count(listed.id_number[-4:]) == count("") == count("施嵘") == 3


def test_bulk_row_with_a_hidden_character_names_it_not_a_19th_digit(employer, user):
    number = new_id_number()
    registry_person(number, name="赵一", payer=employer.uscc)
    report = _import(employer, user, _workbook([_row(number + "\u200b")]))
    [row] = report.rows
    assert "第19个字符处含有不可见字符" in row.message
    assert "当前为19位" not in row.message
    assert not Placement.objects.exists()


def test_bulk_rows_of_one_number_typed_full_width_and_half_width_are_duplicates(employer, user):
    number = new_id_number()
    registry_person(number, name="钱二", payer=employer.uscc)
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    report = _import(employer, user, _workbook([_row(number), _row(full_width)]))
    assert report.rows[1].message == "身份证号与第2行重复"
    assert Placement.objects.filter(id_number=number).count() == 1


def test_a_dispatch_contract_with_relation_own_is_checked_like_a_non_dispatch_one(employer, user):
    from anbili.employers.models import RelatedUnit, RelationKind
    from tests.placements.placement_data import dispatch_filing, other_uscc

    company = other_uscc(31)
    RelatedUnit.objects.create(
        employer=employer, business_year=YEAR, relation=RelationKind.DISPATCH, uscc=company, name="派遣公司"
    )
    dispatch_filing(company)
    placement = _start(employer, user, new_id_number())
    services.placement_person_update(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY, **PERSON
    )
    dispatch = {
        "is_dispatch": True,
        "relation": "own",  # 本单位, yet every payer is the dispatch company
        "contract_type": "dispatch",
        "dispatch_company_uscc": company,
        "wage_payer_uscc": company,
        "pension_payer_uscc": company,
        "medical_payer_uscc": company,
    }
    with pytest.raises(ApplicationError) as error:
        services.placement_contract_add(
            placement_id=placement.pk,
            employer=employer,
            actor=user,
            today=TODAY,
            contract_upload=upload("劳动合同.pdf"),
            dispatch_agreement_upload=upload("派遣协议.pdf"),
            **contract_fields(employer, **dispatch),
        )
    assert [(e.field, e.code) for e in error.value.errors] == [
        ("relation", ContractReason.RELATION_OWN_WITH_OTHER_PAYER.value)
    ]
    assert "「关联单位关系」为“本单位”时" in error.value.message
    assert not PlacementContract.objects.filter(placement=placement).exists()
