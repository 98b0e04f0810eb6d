"""Partner tokens: expiry set at issue, revocation by service, command and admin, each audited."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from anbili.audit.models import AuditAction, AuditEntry
from anbili.core.errors import ApplicationError
from anbili.registry.models import PartnerKind, PartnerToken
from anbili.registry.services import partner_token_issue, partner_token_revoke

# Expiry instants are exact: the clock is frozen (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("frozen_clock")


def _issue(**kwargs):
    return partner_token_issue(
        name="内蒙古自治区人社厅", kind=PartnerKind.SOCIAL_INSURANCE, province_code="15", **kwargs
    )


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_token_expires_after_a_year_by_default_and_issuing_is_audited(regions):
    issued = _issue()
    stored = PartnerToken.objects.get()
    assert stored.expires_at == timezone.now() + timedelta(days=365)  # the clock is frozen
    entry = AuditEntry.objects.get(action=AuditAction.PARTNER_TOKEN)
    assert (entry.object_type, entry.object_id, entry.region_code) == (
        "registry.partnertoken",
        str(stored.pk),
        "150000",
    )
    assert entry.detail["event"] == "issued" and entry.detail["expires_at"] == stored.expires_at.isoformat()
    assert issued.token not in str(entry.detail) and issued.token not in entry.object_label


def test_the_expiry_is_settable_within_bounds(regions):
    until = timezone.now() + timedelta(days=30)
    assert _issue(expires_at=until).record.expires_at == until
    with pytest.raises(ApplicationError) as past:
        _issue(expires_at=timezone.now() - timedelta(minutes=1))
    assert (past.value.field, past.value.message) == ("expires_at", "令牌有效期至必须晚于当前时间")
    with pytest.raises(ApplicationError) as far:
        _issue(expires_at=timezone.now() + timedelta(days=3 * 366))
    assert far.value.field == "expires_at" and "最长3年" in far.value.message
    assert PartnerToken.objects.count() == 1  # nothing half-saved


def test_revoking_a_token_is_recorded_and_audited(regions):
    issued = _issue()
    revoked = partner_token_revoke(token_id=issued.record.pk, reason="令牌泄露")
    assert (revoked.active, revoked.revoked_reason) == (False, "令牌泄露") and revoked.revoked_at is not None
    entry = AuditEntry.objects.filter(action=AuditAction.PARTNER_TOKEN).order_by("-id").first()
    assert entry.detail == {"event": "revoked", "reason": "令牌泄露"}
    with pytest.raises(ApplicationError, match=r"已于.*吊销"):
        partner_token_revoke(token_id=issued.record.pk)
    with pytest.raises(ApplicationError, match="没有找到该令牌"):
        partner_token_revoke(token_id=issued.record.pk + 100)


def test_issue_command_takes_the_validity_in_days(regions):
    output = _run(
        "issue_partner_token",
        "--name",
        "内蒙古医保局",
        "--kind",
        "medical_insurance",
        "--province",
        "15",
        "--days",
        "30",
    )
    stored = PartnerToken.objects.get()
    assert stored.expires_at == timezone.now() + timedelta(days=30)
    assert "有效期至" in output
    with pytest.raises(CommandError, match="最长3年"):
        _run("issue_partner_token", "--name", "x", "--kind", "wage", "--province", "15", "--days", "2000")


def test_revoke_command_by_token_by_hint_and_by_id(regions):
    first, second, third = _issue(), _issue(), _issue()
    assert "已吊销" in _run("revoke_partner_token", "--token", first.token, "--reason", "泄露")
    assert "已吊销" in _run("revoke_partner_token", "--hint", second.record.hint)
    assert "已吊销" in _run("revoke_partner_token", "--id", str(third.record.pk))
    assert not PartnerToken.objects.filter(revoked_at=None).exists()
    with pytest.raises(CommandError, match=r"已于.*吊销"):
        _run("revoke_partner_token", "--id", str(third.record.pk))
    with pytest.raises(CommandError, match="没有找到该令牌"):
        _run("revoke_partner_token", "--token", "abl_nothing")


def test_admin_revokes_selected_tokens(admin_client, regions):
    issued = _issue()
    response = admin_client.post(
        "/admin/registry/partnertoken/",
        {"action": "revoke_tokens", "_selected_action": [issued.record.pk]},
        follow=True,
    )
    assert response.status_code == 200
    stored = PartnerToken.objects.get()
    assert stored.revoked_at is not None and not stored.active
    entry = AuditEntry.objects.filter(action=AuditAction.PARTNER_TOKEN).order_by("-id").first()
    assert entry.detail["event"] == "revoked" and entry.actor_id is not None
