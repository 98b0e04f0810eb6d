"""常用审核意见 in /admin/ (ReviewReasonAdmin, a ScopedAdmin): rows without a region are national, a
province's rows its admins'; granted the model's permissions, a province admin sees and edits its own only."""

import pytest
from django.urls import reverse

from anbili.audit.models import AuditAction, AuditEntry
from anbili.placements.models_review import ReviewReason, ReviewReasonKind
from anbili.regions.models import Region
from tests.security.admin_staff import admin_login, admin_staff, national_admin

pytestmark = pytest.mark.django_db


def _granted(user):
    """The admin helpers put system admins in the 系统管理员 group, which holds the model's permissions."""
    assert all(
        user.has_perm(f"placements.{action}_reviewreason") for action in ("view", "change", "add", "delete")
    )
    return user


@pytest.fixture
def rows(regions):
    national = ReviewReason.objects.create(kind=ReviewReasonKind.MONTH, text="全国通用意见")
    own = ReviewReason.objects.create(
        kind=ReviewReasonKind.MONTH, text="内蒙古意见", region=Region.objects.get(pk="150000")
    )
    other = ReviewReason.objects.create(
        kind=ReviewReasonKind.MONTH, text="江西意见", region=Region.objects.get(pk="360000")
    )
    return national, own, other


def test_a_province_admin_sees_and_edits_only_its_provinces_reasons(client, rows):
    national, own, other = rows
    admin_login(client, _granted(admin_staff("150000")))
    listing = client.get(reverse("admin:placements_reviewreason_changelist")).content.decode()
    assert "内蒙古意见" in listing and "江西意见" not in listing and "全国通用意见" not in listing
    for row in (national, other):
        url = reverse("admin:placements_reviewreason_change", args=[row.pk])
        assert client.get(url).status_code == 302  # "not found", as for a missing row
    url = reverse("admin:placements_reviewreason_change", args=[own.pk])
    data = {"kind": "month", "text": "内蒙古意见（修订）", "region": "150000", "ordering": 1, "active": "on"}
    assert client.post(url, data).status_code == 302
    own.refresh_from_db()
    assert own.text == "内蒙古意见（修订）"
    assert AuditEntry.objects.filter(action=AuditAction.ADMIN_CHANGE, region_code="150000").exists()
    # A national row cannot be made by a province admin.
    add = reverse("admin:placements_reviewreason_add")
    response = client.post(
        add, {"kind": "month", "text": "冒充全国", "region": "", "ordering": 0, "active": "on"}
    )
    assert response.status_code == 200 and not ReviewReason.objects.filter(text="冒充全国").exists()


def test_a_national_admin_sees_every_reason(client, rows):
    admin_login(client, _granted(national_admin()))
    listing = client.get(reverse("admin:placements_reviewreason_changelist")).content.decode()
    assert all(text in listing for text in ("全国通用意见", "内蒙古意见", "江西意见"))
