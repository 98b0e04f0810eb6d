"""Admin scope (issue #10 item 3): in /admin/ a staff admin sees and edits only their own region and below,
national tables need a national admin, superusers stay unscoped, and every admin change writes an audit row.

The security matrix (test_security_matrix.py) requests every admin URL as every role; these tests look
inside: which rows a list shows, which choices a picker offers, and that a refused write leaves the database
as it was.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.forms import MultiWidget
from django.urls import reverse

from anbili.accounts.models import StaffRole, User
from anbili.accounts.services import staff_create
from anbili.audit.models import AuditAction, AuditEntry
from anbili.regions.models import LevyPeriod, QuotaRatio, Region, SocialAverageWage
from tests.factories import EmployerFactory, LegalPersonFactory, StaffFactory, UserFactory, region
from tests.security.admin_staff import admin_login, admin_staff, national_admin

pytestmark = pytest.mark.django_db

QUOTA_FIELDS = ("province", "year", "ratio", "source_document", "confirmed")


def form_data(response) -> dict:
    """The POST body that would save the admin form on `response` unchanged."""
    data: dict = {}
    for bound in response.context["adminform"].form:
        value, widget = bound.value(), bound.field.widget
        if isinstance(widget, MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


def quota_post(row: QuotaRatio, **changes: object) -> dict:
    data = {
        "province": row.province_id,
        "year": row.year,
        "ratio": str(row.ratio),
        "source_document": row.source_document or "文件",
        **changes,
    }
    if row.confirmed:
        data["confirmed"] = "on"
    return data


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def county_admin_created_by_province() -> User:
    """The case of the report: a county admin that a province admin created through 用户管理."""
    province_admin = admin_staff("150000")
    return staff_create(
        username="xc_admin",
        full_name="新城区管理员",
        role=StaffRole.ADMIN,
        region_code="150102",
        password="Xincheng#2026",
        created_by=province_admin,
    )


def test_county_admin_cannot_see_or_edit_another_provinces_policy(client, regions):
    jiangxi = QuotaRatio.objects.filter(province_id="360000").first()
    before = jiangxi.ratio
    admin_login(client, county_admin_created_by_province())
    response = client.get(change_url(jiangxi))
    assert response.status_code == 302 and response.url == reverse("admin:index")  # as for a missing row
    response = client.post(change_url(jiangxi), quota_post(jiangxi, ratio="0.09"))
    assert response.status_code == 302 and response.url == reverse("admin:index")
    jiangxi.refresh_from_db()
    assert jiangxi.ratio == before


def test_county_admin_does_not_edit_its_provinces_policy_either(client, regions):
    inner_mongolia = QuotaRatio.objects.filter(province_id="150000").first()
    admin_login(client, county_admin_created_by_province())
    assert client.get(change_url(inner_mongolia)).status_code == 302
    listing = client.get(reverse("admin:regions_quotaratio_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == []


def test_province_admin_lists_only_its_province(client, regions):
    admin_login(client, admin_staff("150000"))
    response = client.get(reverse("admin:regions_quotaratio_changelist"))
    provinces = {row.province_id for row in response.context["cl"].queryset}
    assert provinces == {"150000"}
    # The province filter offers only the admin's own province.
    assert "360000" not in response.content.decode() and "江西" not in response.content.decode()
    regions_listing = client.get(reverse("admin:regions_region_changelist"), {"q": "江西"})
    assert regions_listing.context["cl"].result_count == 0


def test_province_admin_edits_its_own_policy_row_with_an_audit_row(client, regions):
    row = QuotaRatio.objects.filter(province_id="150000").order_by("year").first()
    admin = admin_staff("150000")
    admin_login(client, admin)
    response = client.post(change_url(row), quota_post(row, ratio="0.0160"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    row.refresh_from_db()
    assert row.ratio == Decimal("0.0160")
    entry = AuditEntry.objects.get(action=AuditAction.ADMIN_CHANGE)
    assert entry.actor == admin and entry.region_code == "150000"
    assert entry.object_type == "regions.quotaratio" and entry.object_id == str(row.pk)
    assert "安置比例" in entry.detail["message"]


def test_a_province_cannot_be_picked_outside_the_jurisdiction(client, regions):
    admin_login(client, admin_staff("150000"))
    page = client.get(reverse("admin:regions_quotaratio_add"))
    choices = [value for value, _ in page.context["adminform"].form.fields["province"].choices if value]
    assert [str(value) for value in choices] == ["150000"]
    count = QuotaRatio.objects.count()
    response = client.post(
        reverse("admin:regions_quotaratio_add"),
        {"province": "360000", "year": 2040, "ratio": "0.015", "source_document": "文件"},
    )
    assert response.status_code == 200
    assert "province" in response.context["adminform"].form.errors
    assert QuotaRatio.objects.count() == count
    assert not AuditEntry.objects.filter(action=AuditAction.ADMIN_ADD).exists()


def test_province_admin_adds_a_row_for_its_province(client, regions):
    admin_login(client, admin_staff("150000"))
    response = client.post(
        reverse("admin:regions_quotaratio_add"),
        {"province": "150000", "year": 2040, "ratio": "0.015", "source_document": "文件"},
    )
    assert response.status_code == 302
    added = QuotaRatio.objects.get(province_id="150000", year=2040)
    entry = AuditEntry.objects.get(action=AuditAction.ADMIN_ADD)
    assert entry.object_id == str(added.pk) and entry.region_code == "150000"


def test_autocomplete_offers_only_regions_in_the_jurisdiction(client, regions):
    admin_login(client, admin_staff("150000"))
    url = reverse("admin:autocomplete")
    params = {"app_label": "regions", "model_name": "socialaveragewage", "field_name": "region"}
    found = client.get(url, {**params, "term": ""}).json()["results"]
    assert found and all(item["id"].startswith("15") for item in found)
    assert client.get(url, {**params, "term": "江西"}).json()["results"] == []
    parent = {"app_label": "regions", "model_name": "region", "field_name": "parent", "term": "南昌"}
    assert client.get(url, parent).json()["results"] == []


def test_raw_id_lookup_lists_only_regions_in_the_jurisdiction(client, regions):
    admin_login(client, admin_staff("150100"))
    response = client.get(reverse("admin:regions_region_changelist"), {"_to_field": "code", "_popup": "1"})
    codes = {r.code for r in response.context["cl"].queryset}
    assert codes and all(code.startswith("1501") for code in codes)
    assert "150000" not in codes


def test_social_average_wage_of_another_region_is_refused(client, regions):
    admin_login(client, admin_staff("150100"))
    count = SocialAverageWage.objects.count()
    for code in ("360100", "150200", "150000"):
        response = client.post(
            reverse("admin:regions_socialaveragewage_add"),
            {"region": code, "year": 2025, "amount": "90000", "source_document": "文件"},
        )
        assert response.status_code == 200 and "region" in response.context["adminform"].form.errors, code
    assert SocialAverageWage.objects.count() == count
    response = client.post(
        reverse("admin:regions_socialaveragewage_add"),
        {"region": "150100", "year": 2025, "amount": "90000", "source_document": "文件"},
    )
    assert response.status_code == 302


def test_provinces_are_national_tables(client, regions):
    admin_login(client, admin_staff("150000"))
    own = client.get(change_url(region("150000")))
    assert own.status_code == 200 and not own.context["has_change_permission"]  # shown read-only
    response = client.post(change_url(region("150000")), {"code": "150000", "name": "改名", "level": 1})
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:regions_region_delete", args=["150000"]), {"post": "yes"}).status_code
        == 403
    )
    assert region("150000").name == "内蒙古自治区"
    # Nor may a new province be created, nor a region given a code outside the jurisdiction.
    for data, field in (
        ({"code": "990000", "name": "新省", "level": 1}, "level"),
        ({"code": "369999", "name": "飞地", "level": 3, "parent": "150100", "wage_tier": 1}, "code"),
    ):
        response = client.post(reverse("admin:regions_region_add"), data)
        assert response.status_code == 200, data
        errors = response.context["adminform"].form.errors
        assert field in errors, errors
        assert "本辖区" in str(errors[field]) or "全国" in str(errors[field]), errors
    assert not Region.objects.filter(code__in=["990000", "369999"]).exists()


def test_province_admin_adds_a_county_in_its_province(client, regions):
    admin_login(client, admin_staff("150000"))
    response = client.post(
        reverse("admin:regions_region_add"),
        {"code": "150199", "name": "新区", "level": 3, "parent": "150100", "wage_tier": 1},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.get(action=AuditAction.ADMIN_ADD).region_code == "150199"


def test_national_levy_periods_need_a_national_admin(client, regions):
    national_row = LevyPeriod.objects.filter(province__isnull=True).first()
    admin_login(client, admin_staff("150000"))
    assert client.get(change_url(national_row)).status_code == 302
    count = LevyPeriod.objects.count()
    response = client.post(
        reverse("admin:regions_levyperiod_add"),
        {
            "kind": national_row.kind,
            "province": "",
            "valid_from": "2041-01-01",
            "valid_to": "2041-12-31",
            "staged_threshold": "0.01",
            "factor_at_or_above": "0.5",
            "factor_below": "0.9",
            "source_document": "文件",
        },
    )
    assert response.status_code == 200
    assert "全国系统管理员" in str(response.context["adminform"].form.errors)
    assert LevyPeriod.objects.count() == count


def test_national_admin_edits_national_tables_and_every_province(client, regions):
    admin = national_admin()
    admin_login(client, admin)
    response = client.post(change_url(region("360000")), {"code": "360000", "name": "江西省", "level": 1})
    assert response.status_code == 302
    jiangxi = QuotaRatio.objects.filter(province_id="360000").order_by("year").first()
    response = client.post(change_url(jiangxi), quota_post(jiangxi, ratio="0.0170"))
    assert response.status_code == 302
    jiangxi.refresh_from_db()
    assert jiangxi.ratio == Decimal("0.0170")
    assert AuditEntry.objects.filter(action=AuditAction.ADMIN_CHANGE, region_code="360000").count() == 2


def test_bulk_delete_refuses_rows_the_admin_may_not_change(client, regions):
    admin_login(client, admin_staff("150000"))
    county = Region.objects.create(
        code="150198", name="待删区", level=3, parent=region("150100"), wage_tier=1
    )
    response = client.post(
        reverse("admin:regions_region_changelist"),
        {"action": "delete_selected", "_selected_action": ["150000", county.code], "post": "yes"},
    )
    assert response.status_code in (200, 403)
    assert Region.objects.filter(code__in=["150000", county.code]).count() == 2
    assert not AuditEntry.objects.filter(action=AuditAction.ADMIN_DELETE).exists()


def test_delete_in_the_jurisdiction_writes_an_audit_row(client, regions):
    admin_login(client, admin_staff("150000"))
    county = Region.objects.create(
        code="150198", name="待删区", level=3, parent=region("150100"), wage_tier=1
    )
    response = client.post(reverse("admin:regions_region_delete", args=[county.code]), {"post": "yes"})
    assert response.status_code == 302
    assert not Region.objects.filter(code=county.code).exists()
    entry = AuditEntry.objects.get(action=AuditAction.ADMIN_DELETE)
    assert entry.object_id == "150198" and entry.region_code == "150198" and entry.object_label == "待删区"


def test_users_are_scoped_and_no_admin_grants_itself_more(client, regions):
    admin = admin_staff("150000")
    inner = StaffFactory(region=region("150102"))
    other = StaffFactory(region=region("360102"))
    legal_person = LegalPersonFactory()
    superuser = UserFactory(kind="", is_superuser=True, is_staff=True)
    admin_login(client, admin)
    listing = client.get(reverse("admin:accounts_user_changelist"))
    shown = set(listing.context["cl"].queryset)
    assert inner in shown and admin in shown
    assert not shown & {other, legal_person, superuser}
    for user in (other, legal_person, superuser):
        assert client.get(change_url(user)).status_code == 302
        password = reverse("admin:auth_user_password_change", args=[user.pk])
        assert client.post(
            password, {"password1": "Xx#123456789", "password2": "Xx#123456789"}
        ).status_code in (
            302,
            404,
        )
        user.refresh_from_db()
        assert not user.check_password("Xx#123456789")
    page = client.get(change_url(admin))
    assert page.status_code == 200
    for privileged in ("is_superuser", "is_staff", "groups", "user_permissions", "staff_role", "kind"):
        assert privileged not in page.context["adminform"].form.fields, privileged
    data = form_data(page)
    data.update(is_superuser="on", region="360000")
    response = client.post(change_url(admin), data)
    assert response.status_code == 200 and "region" in response.context["adminform"].form.errors
    data["region"] = "150100"
    response = client.post(change_url(admin), data)
    assert response.status_code == 302
    admin.refresh_from_db()
    assert not admin.is_superuser and admin.region_id == "150100"


def test_superuser_is_unscoped(client, regions):
    superuser = UserFactory(kind="", is_superuser=True, is_staff=True)
    admin_login(client, superuser)
    response = client.get(reverse("admin:regions_quotaratio_changelist"))
    assert {row.province_id for row in response.context["cl"].queryset} >= {"150000", "360000"}
    assert client.get(change_url(region("360000"))).context["has_change_permission"]


def test_other_tables_are_scoped_for_anyone_granted_them(client, regions):
    """Employers, evidence, notices and the audit log are for superusers; a staff admin granted them anyway
    still sees only its region (defence in depth)."""
    admin = admin_staff("150000")
    admin.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_employer", "view_auditentry", "change_employer"])
    )
    admin = User.objects.get(pk=admin.pk)  # drop the cached permissions
    inner = EmployerFactory(dpf_region=region("150102"))
    other = EmployerFactory(dpf_region=region("360102"))
    AuditEntry.objects.create(action=AuditAction.EXPORT, region_code="150102", object_label="内")
    AuditEntry.objects.create(action=AuditAction.EXPORT, region_code="360102", object_label="外")
    AuditEntry.objects.create(action=AuditAction.EXPORT, region_code="", object_label="全国")
    admin_login(client, admin)
    employers = client.get(reverse("admin:employers_employer_changelist")).context["cl"].queryset
    assert inner in employers and other not in employers
    assert client.get(change_url(other)).status_code == 302
    audit = client.get(reverse("admin:audit_auditentry_changelist")).context["cl"].queryset
    assert {entry.object_label for entry in audit if entry.action == AuditAction.EXPORT} == {"内"}
    # The employer's region picker offers only the admin's regions.
    page = client.get(change_url(inner))
    data = form_data(page)
    data["dpf_region"] = "360102"
    response = client.post(change_url(inner), data)
    assert response.status_code == 200 and "dpf_region" in response.context["adminform"].form.errors
    inner.refresh_from_db()
    assert inner.dpf_region_id == "150102"


def test_reviewers_do_not_reach_the_admin(client, regions):
    client.force_login(
        StaffFactory(region=region("150000")), backend="anbili.accounts.backends.AccountBackend"
    )
    response = client.get(reverse("admin:regions_quotaratio_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response.url
