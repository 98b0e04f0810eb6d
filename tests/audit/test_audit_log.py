"""The audit log: append-only (application and PostgreSQL trigger), masked, searched within a jurisdiction,
and django-auditlog's field changes for policy, employer and placement data."""

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from anbili.accounts.models import StaffRole
from anbili.audit.models import AppendOnly, AuditAction, AuditEntry
from anbili.audit.services import audit_record
from anbili.core.identifiers import make_id_number
from anbili.regions.models import MinimumWage
from tests.factories import StaffFactory, region

pytestmark = pytest.mark.django_db

BACKEND = "anbili.accounts.backends.AccountBackend"


def _id_number() -> str:
    return make_id_number("150102", date(1990, 1, 1), 123)


def test_audit_record_masks_identifiers_and_keeps_the_address(rf, regions):
    staff = StaffFactory(username="xincheng_r", region=region("150102"))
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = staff
    full = _id_number()
    entry = audit_record(
        AuditAction.PERSON_LOOKUP,
        request=request,
        object_type="registry.person",
        object_id=full,
        object_label=f"张三 {full}",
        detail={"certificate": f"{full}41", "note": "ok"},
    )
    entry.refresh_from_db()
    stored = f"{entry.object_id} {entry.object_label} {entry.detail}"
    assert full not in stored
    assert entry.object_id == full[:6] + "*" * 8 + full[-4:]
    assert entry.detail["certificate"].startswith(full[:6]) and entry.detail["certificate"].endswith(
        full[-2:] + "41"
    )
    assert (entry.actor, entry.actor_label, entry.region_code, entry.ip) == (
        staff,
        "xincheng_r",
        "150102",
        "10.1.2.3",
    )


def test_the_application_cannot_change_or_delete_a_row(regions):
    entry = audit_record(AuditAction.LOGIN_FAILED, object_label="x")
    entry.object_label = "changed"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(object_label="changed")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_label == "x"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "statement", ["UPDATE audit_auditentry SET object_label = 'x'", "DELETE FROM audit_auditentry"]
)
def test_postgresql_refuses_update_and_delete_from_any_client(statement, regions):
    entry = audit_record(AuditAction.LOGIN, object_label="kept")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEntry.objects.get(pk=entry.pk).object_label == "kept"


def _province_admin(code: str, username: str):
    return StaffFactory(username=username, staff_role=StaffRole.ADMIN, region=region(code), is_staff=True)


def test_search_shows_only_the_jurisdiction(client, regions):
    audit_record(AuditAction.PERSON_LOOKUP, object_label="内蒙古记录", region_code="150102")
    audit_record(AuditAction.PERSON_LOOKUP, object_label="江西记录", region_code="360102")
    audit_record(AuditAction.LOGIN_FAILED, object_label="全国记录")
    client.force_login(_province_admin("150000", "nmg_a"), backend=BACKEND)
    page = client.get(reverse("backoffice:audit")).content.decode()
    assert "内蒙古记录" in page
    assert "江西记录" not in page and "全国记录" not in page

    national = StaffFactory(username="nat", staff_role=StaffRole.NATIONAL_ADMIN, region=None, is_staff=True)
    client.force_login(national, backend=BACKEND)
    page = client.get(reverse("backoffice:audit")).content.decode()
    assert all(label in page for label in ("内蒙古记录", "江西记录", "全国记录"))


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (StaffRole.REVIEWER, "150000"),
        (StaffRole.SUPERVISOR, "150000"),
        (StaffRole.REVIEWER, "150102"),
    ],
)
def test_only_system_admins_search(client, regions, role, code):
    client.force_login(StaffFactory(staff_role=role, region=region(code)), backend=BACKEND)
    assert client.get(reverse("backoffice:audit")).status_code == 404


def test_search_filters_by_action_actor_target_and_dates(client, regions, frozen_clock):
    admin = _province_admin("150000", "nmg_b")
    audit_record(
        AuditAction.EVIDENCE_DOWNLOAD, actor=admin, object_label="劳动合同.pdf", region_code="150102"
    )
    audit_record(AuditAction.EXPORT, actor=admin, object_label="安置名单", region_code="150102")
    client.force_login(admin, backend=BACKEND)
    url = reverse("backoffice:audit")
    by_action = client.get(url, {"action": AuditAction.EXPORT}).content.decode()
    assert "安置名单" in by_action and "劳动合同.pdf" not in by_action
    by_target = client.get(url, {"target": "合同"}).content.decode()
    assert "劳动合同.pdf" in by_target and "安置名单" not in by_target
    assert "安置名单" in client.get(url, {"actor": "nmg_b"}).content.decode()
    assert "安置名单" in client.get(url, {"start": "2026-06-15", "end": "2026-06-15"}).content.decode()
    assert "安置名单" not in client.get(url, {"start": "2026-06-16"}).content.decode()
    assert "安置名单" not in client.get(url, {"end": "2026-06-14"}).content.decode()


def test_search_with_bad_dates_names_the_field(client, regions):
    client.force_login(_province_admin("150000", "nmg_c"), backend=BACKEND)
    response = client.get(reverse("backoffice:audit"), {"start": "2026-05-02", "end": "2026-05-01"})
    assert response.status_code == 400
    assert "「结束日期」不能早于「开始日期」" in response.content.decode()
    response = client.get(reverse("backoffice:audit"), {"start": "不是日期"})
    assert response.status_code == 400
    assert "开始日期" in response.content.decode()


def test_policy_field_changes_are_recorded_by_auditlog(regions):
    row = MinimumWage.objects.filter(province__code="150000").first()
    assert row is not None
    row.amount = row.amount + Decimal("10.00")
    row.save()
    change = LogEntry.objects.get_for_object(row).latest("timestamp")
    assert change.action == LogEntry.Action.UPDATE
    assert "amount" in change.changes_dict


def test_placement_changes_are_recorded_with_the_id_number_masked(regions):
    from anbili.placements import services
    from tests.factories import EmployerFactory, MembershipFactory, unit_info_saved
    from tests.placements.placement_data import TODAY, YEAR, new_id_number

    employer = EmployerFactory()
    unit_info_saved(employer, YEAR)  # placements start once the year's unit information is saved
    user = MembershipFactory(employer=employer).user
    id_number = new_id_number()
    placement = services.placement_start(
        employer=employer, actor=user, id_number=id_number, business_year=YEAR, today=TODAY
    )
    entries = LogEntry.objects.get_for_object(placement)
    assert entries.filter(action=LogEntry.Action.CREATE).exists()
    text = " ".join(f"{entry.object_repr} {entry.changes}" for entry in entries)
    assert id_number not in text
    assert id_number[:6] in text


def test_the_audit_page_shows_detail_keys_and_codes_in_chinese():
    from anbili.audit.models import DETAIL_LABELS, AuditEntry

    entry = AuditEntry(detail={"account": "nmg****in", "front": "backoffice", "unheard_of": "x"})
    assert entry.detail_items == [("账号", "nmg****in"), ("入口", "申办系统"), ("unheard_of", "x")]
    # The keys production calls write today (accounts.signals, audit.admin_scope, registry.services,
    # evidence.responses, portal 查看 full view, api person look-up).
    audited = {"account", "front", "reason", "message", "admin", "event", "expires_at", "purpose", "sha256"}
    audited |= {"fields", "page", "via", "employer_id", "placement_id", "partner_id", "partner", "token_id"}
    assert audited <= DETAIL_LABELS.keys()
