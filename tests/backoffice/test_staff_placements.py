"""Staff 残疾人安置管理 (search, export) and 窗口申报: each search field, the jurisdiction at county, city and
province level (another region's placement never appears; window pages of a unit outside are 404), the
export masked and audited, bad input named in Chinese, and the window registration through every step
writing events marked 现场申报 by the staff member, under the same year lock as the portal."""

import io
from datetime import date

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anbili.accounts.models import StaffRole
from anbili.audit.models import AuditAction, AuditEntry
from anbili.core.identifiers import make_id_number
from anbili.placements import export, services
from anbili.placements.models import Channel, Placement, PlacementEvent, PlacementStatus
from tests.factories import EmployerFactory, MembershipFactory, StaffFactory, region, unit_info_saved
from tests.portal.test_portal_placements import (
    YEAR,
    contract_post,
    pdf,
    person_post,
    ready_placement,
    registry_person,
    set_window,
    text,
)

pytestmark = pytest.mark.django_db

SEARCH = "/backoffice/placements/"
EXPORT = "/backoffice/placements/export/"
ID_A = make_id_number("150102", date(1985, 6, 15), 31)
ID_B = make_id_number("150102", date(1990, 2, 3), 52)
ID_FAR = make_id_number("360102", date(1988, 8, 8), 73)


def staff_login(client, role=StaffRole.REVIEWER, code="150102"):
    staff = StaffFactory(staff_role=role, region=region(code))
    client.force_login(staff, backend="anbili.accounts.backends.AccountBackend")
    return staff


def placement(employer, id_number, name, *, year=YEAR, status=PlacementStatus.DRAFT):
    # Test data written directly (the list reads; the workflow is exercised by the window tests below).
    return Placement.objects.create(
        employer=employer,
        business_year=year,
        id_number=id_number,
        name=name,
        sex="男",
        birth_date=date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
        status=status,
    )


@pytest.fixture
def world(regions):
    set_window(True)
    county = EmployerFactory(name="新城装配厂", dpf_region=region("150102"))
    other_county = EmployerFactory(name="昆区机械厂", dpf_region=region("150203"))
    far = EmployerFactory(name="东湖电子厂", dpf_region=region("360102"))
    return {
        "a": placement(county, ID_A, "王安置", status=PlacementStatus.PENDING),
        "b": placement(county, ID_B, "李登记", year=YEAR - 1),
        "c": placement(other_county, make_id_number("150203", date(1980, 1, 1), 11), "赵包头"),
        "far": placement(far, ID_FAR, "孙南昌"),
        "county": county,
        "other_county": other_county,
        "far_employer": far,
    }


def names(response) -> set[str]:
    page = text(response)
    return {name for name in ("王安置", "李登记", "赵包头", "孙南昌") if name in page}


# --- search and jurisdiction --------------------


@pytest.mark.parametrize(
    ("code", "seen"),
    [
        ("150102", {"王安置", "李登记"}),  # county
        ("150200", {"赵包头"}),  # city of 包头
        ("150000", {"王安置", "李登记", "赵包头"}),  # province 内蒙古
        ("360000", {"孙南昌"}),
    ],
)
def test_jurisdiction_levels(client, world, code, seen):
    staff_login(client, code=code)
    assert names(client.get(SEARCH)) == seen


@pytest.mark.parametrize(
    ("params", "seen"),
    [
        ({"person": ID_A}, {"王安置"}),  # full number
        ({"person": ID_A[:10]}, {"王安置"}),  # its start
        ({"person": ID_B[-4:]}, {"李登记"}),  # last four, as the masked list shows them
        ({"person": f"{ID_A[:6]}********{ID_A[-4:]}"}, {"王安置"}),  # as shown masked
        ({"person": "登记"}, {"李登记"}),  # name
        ({"person": ID_FAR}, set()),  # another province's person: not found
        ({"employer": "装配"}, {"王安置", "李登记"}),
        ({"employer": "机械"}, {"赵包头"}),
        ({"employer": "东湖"}, set()),  # outside the jurisdiction
        ({"status": "pending"}, {"王安置"}),
        ({"business_year": str(YEAR - 1)}, {"李登记"}),
        ({"region": "150203"}, {"赵包头"}),
        ({"region": "150100"}, {"王安置", "李登记"}),
    ],
)
def test_search_fields(client, world, params, seen):
    staff_login(client, code="150000")
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    assert names(response) == seen


def test_uscc_search_and_masked_ids(client, world):
    staff_login(client, code="150000")
    response = client.get(SEARCH, {"employer": world["county"].uscc})
    assert names(response) == {"王安置", "李登记"}
    body = response.content.decode()
    assert ID_A not in body and f"{ID_A[:6]}********{ID_A[-4:]}" in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"business_year": "20x5"}, "「业务年度」请填写四位数年份"),
        ({"business_year": "1800"}, "「业务年度」不能早于"),
        ({"region": "360102"}, "「地区（残联主管部门）」不在您的辖区内"),
        ({"status": "gone"}, "审核状态"),
        ({"person": "王\x00"}, "身份证号或姓名"),
    ],
)
def test_bad_input_is_named_never_500(client, world, params, message):
    staff_login(client, code="150000")
    response = client.get(SEARCH, params)
    assert response.status_code == 400
    assert message in text(response)
    assert names(response) == set()


def test_rows_link_the_review_screen_and_the_window(client, world):
    staff_login(client, code="150102")
    body = client.get(SEARCH).content.decode()
    assert f"/backoffice/placements/window/{world['county'].pk}/" in body  # the draft: 窗口申报
    from anbili.backoffice.views_placements import review_url

    if review_url(world["a"].pk):
        assert review_url(world["a"].pk) in body


def test_menu_entry_appears(client, world):
    staff_login(client)
    assert f'href="{SEARCH}"' in client.get("/backoffice/").content.decode()


def test_employers_get_404(client, world):
    membership = MembershipFactory(employer=world["county"])
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    assert client.get(SEARCH).status_code == 404
    assert client.post(EXPORT).status_code == 404


# --- export --------------------


def sheet_rows(response):
    workbook = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return list(workbook.active.iter_rows(values_only=True))


def test_export_is_masked_filtered_and_audited(client, world):
    staff = staff_login(client, role=StaffRole.SUPERVISOR, code="150000")
    response = client.post(EXPORT, {"employer": "装配", "full_numbers": "1"})  # not an admin: ignored
    assert response.status_code == 200
    assert response["Content-Type"] == export.XLSX_TYPE
    rows = sheet_rows(response)
    assert rows[0][:3] == ("业务年度", "姓名", "身份证号")
    ids = {row[2] for row in rows[1:]}
    assert ids == {f"{ID_A[:6]}********{ID_A[-4:]}", f"{ID_B[:6]}********{ID_B[-4:]}"}
    assert {row[7] for row in rows[1:]} == {"待审核", "资料待完善"}
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor_id == staff.pk
    assert entry.detail["rows"] == 2 and entry.detail["masked"] is True
    assert "用人单位：装配" in entry.detail["message"]


def test_admin_may_export_full_numbers_on_request(client, world):
    staff_login(client, role=StaffRole.ADMIN, code="150000")
    rows = sheet_rows(client.post(EXPORT, {"person": ID_A}))
    assert rows[1][2] == f"{ID_A[:6]}********{ID_A[-4:]}"  # masked unless asked
    rows = sheet_rows(client.post(EXPORT, {"person": ID_A, "full_numbers": "1"}))
    assert rows[1][2] == ID_A
    entries = list(AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("pk"))
    assert [e.detail["masked"] for e in entries] == [True, False]
    assert ID_A not in str(entries[1].detail)  # the audit row itself keeps the filter masked


def test_export_never_crosses_the_jurisdiction(client, world):
    staff_login(client, code="150102")
    rows = sheet_rows(client.post(EXPORT, {}))
    assert {row[1] for row in rows[1:]} == {"王安置", "李登记"}


def test_export_over_the_limit_is_refused_in_chinese(client, world, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_LIMIT", 1)
    staff_login(client, code="150102")
    response = client.post(EXPORT, {})
    assert response.status_code == 400
    assert "超过单次导出上限 1 条" in text(response)
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_export_bad_input_is_named(client, world):
    staff_login(client, code="150102")
    response = client.post(EXPORT, {"business_year": "abc"})
    assert response.status_code == 400 and "「业务年度」" in text(response)


def test_export_formula_cells_are_text(client, world):
    world["a"].name = "=HYPERLINK(1)"
    world["a"].save()
    staff_login(client, code="150102")
    rows = sheet_rows(client.post(EXPORT, {"person": ID_A}))
    assert rows[1][1] == "'=HYPERLINK(1)"


# --- window registration --------------------


@pytest.fixture
def unit(regions):
    set_window(True)
    membership = MembershipFactory(employer=EmployerFactory(dpf_region=region("150102")))
    unit_info_saved(membership.employer)
    return membership


def test_window_picker_finds_units_of_the_jurisdiction_only(client, unit, world):
    staff_login(client, code="150100")
    page = text(client.get("/backoffice/placements/window/", {"q": unit.employer.name[:3]}))
    assert unit.employer.name in page
    page = text(client.get("/backoffice/placements/window/", {"q": "东湖"}))
    assert "东湖电子厂" not in page and "没有名称或统一社会信用代码与之相符的单位" in page
    assert client.get(f"/backoffice/placements/window/{world['far_employer'].pk}/").status_code == 404
    assert client.get(f"/backoffice/placements/window/{world['far_employer'].pk}/add/").status_code == 404
    assert client.get(f"/backoffice/placements/window/placement/{world['far'].pk}/person/").status_code == 404
    response = client.post(
        f"/backoffice/placements/window/{world['far_employer'].pk}/add/", {"id_number": ID_FAR}
    )
    assert response.status_code == 404
    assert not Placement.objects.filter(employer=world["far_employer"], id_number=ID_FAR, name="").exists()


def test_window_registration_through_every_step(client, unit):
    staff = staff_login(client, code="150102")
    employer = unit.employer
    registry_person(ID_A, "王安置", employer.uscc)
    page = client.get(f"/backoffice/placements/window/{employer.pk}/").content.decode()
    assert f"/backoffice/placements/window/{employer.pk}/add/" in page
    response = client.post(f"/backoffice/placements/window/{employer.pk}/add/", {"id_number": ID_A})
    placement = Placement.objects.get(employer=employer, id_number=ID_A)
    assert response["Location"] == f"/backoffice/placements/window/placement/{placement.pk}/person/"
    assert placement.created_by_id == staff.pk
    page = client.get(response["Location"]).content.decode()
    assert "窗口申报：正在为" in page and employer.name in page
    assert 'accept="image/*,application/pdf"' in page and 'capture="environment"' in page
    response = client.post(response["Location"], person_post(name="王安置"))
    assert response["Location"] == f"/backoffice/placements/window/placement/{placement.pk}/contracts/"
    response = client.post(response["Location"], {**contract_post(employer), "next": "1"})
    assert response["Location"] == f"/backoffice/placements/window/placement/{placement.pk}/certificates/"
    response = client.post(response["Location"], {"action": "done"})
    assert response["Location"] == f"/backoffice/placements/window/placement/{placement.pk}/verify/"
    verify = response["Location"]
    assert client.post(f"/backoffice/placements/window/placement/{placement.pk}/reverify/").status_code == 302
    months = [f"{YEAR}{m:02d}" for m in range(1, 11)]
    response = client.post(verify, {"stage": "select", "months": months})
    assert response.status_code == 200 and 'capture="environment"' in response.content.decode()
    data = {
        "stage": "save",
        "months": months,
        "evidence_wage": pdf("工资.pdf"),
        "evidence_pension": pdf("社保.pdf"),
        "evidence_medical": pdf("医保.pdf"),
    }
    response = client.post(verify, data)
    assert response["Location"] == f"/backoffice/placements/window/{employer.pk}/"
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PENDING
    events = list(PlacementEvent.objects.filter(placement_ref=placement.pk))
    assert [e.transition for e in events] == ["create", "submit_for_review"]
    assert {(e.channel, e.actor_id) for e in events} == {(Channel.WINDOW, staff.pk)}
    response = client.get(f"/backoffice/placements/window/{employer.pk}/")
    page = text(response)
    assert "王安置" in page and "待审核" in page and ID_A not in page
    # Submitted: the steps only show it, and say who may reopen it; the register opens the review screen.
    body = client.get(verify).content.decode()
    assert "如需修改请由单位在网报系统的“残疾人安置管理”列表中点击“重新登记”" in body
    assert '<button type="submit" class="btn btn-primary">保存，下一步</button>' not in body
    # Submitted: the register opens it on the review screen.
    assert f'href="/backoffice/review/{placement.pk}/"' in response.content.decode()


def test_portal_events_stay_online(client, unit):
    registry_person(ID_A, "王安置", unit.employer.uscc)
    ready_placement(unit, ID_A)
    assert set(PlacementEvent.objects.values_list("channel", flat=True)) == {Channel.ONLINE}


def test_window_bad_input_is_named(client, unit):
    staff_login(client, code="150102")
    response = client.post(f"/backoffice/placements/window/{unit.employer.pk}/add/", {"id_number": "123"})
    assert response.status_code == 400 and "身份证号" in text(response)
    registry_person(ID_A, "王安置", unit.employer.uscc)
    placement = services.placement_start(
        employer=unit.employer,
        actor=unit.user,
        id_number=ID_A,
        business_year=YEAR,
        today=timezone.localdate(),
    )
    response = client.post(
        f"/backoffice/placements/window/placement/{placement.pk}/person/", person_post(phone="12")
    )
    assert response.status_code == 400 and "联系电话" in text(response)
    assert client.get("/backoffice/placements/window/", {"q": "\x00"}).status_code == 400


def test_year_lock_holds_on_the_window_path(client, unit):
    staff_login(client, code="150102")
    registry_person(ID_A, "王安置", unit.employer.uscc)
    placement = ready_placement(unit, ID_A)

    def lock(employer, business_year):
        return "已完成申报" if employer.pk == unit.employer_id else None

    services.placement_year_lock_register(lock)
    try:
        page = text(client.get(f"/backoffice/placements/window/{unit.employer.pk}/"))
        assert "本业务年度已完成申报" in page and "添加残疾人" not in page
        response = client.post(
            f"/backoffice/placements/window/placement/{placement.pk}/person/", person_post()
        )
        assert response.status_code == 400 and "已锁定" in text(response)
        response = client.post(f"/backoffice/placements/window/{unit.employer.pk}/add/", {"id_number": ID_B})
        assert response.status_code == 400 and "已锁定" in text(response)
        response = client.post(
            f"/backoffice/placements/window/placement/{placement.pk}/verify/",
            {"stage": "save", "months": []},
        )
        assert response.status_code == 400 and "已锁定" in text(response)
    finally:
        services.placement_year_lock_unregister(lock)
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.DRAFT
    assert not Placement.objects.filter(id_number=ID_B).exists()
    assert not PlacementEvent.objects.filter(channel=Channel.WINDOW).exists()


def test_search_page_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    staff_login(client, code="150000")
    client.get(SEARCH)  # warm the session and the user
    with django_assert_max_num_queries(12) as few:
        client.get(SEARCH)
    for i in range(15):
        placement(world["county"], make_id_number("150102", date(1970, 1, 1 + i), 15), f"批量{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(SEARCH)
    assert "共 18 条" in text(response)


def test_export_columns_are_wide_enough_to_read(client, world):
    from anbili.placements.selectors_staff import EXPORT_COLUMNS

    assert len(export.COLUMN_WIDTHS) == len(EXPORT_COLUMNS)
    staff_login(client, code="150102")
    response = client.post(EXPORT, {})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.column_dimensions["C"].width == 22  # 身份证号
