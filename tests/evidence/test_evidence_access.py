"""Downloads only through the access-checked views: the owner and the staff of its region, nobody else."""

import hashlib
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anbili.accounts.models import StaffRole
from anbili.audit.models import AuditAction, AuditEntry
from anbili.evidence.services import evidence_store
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.evidence.evidence_files import jpeg_bytes, pdf_bytes
from tests.factories import AgentMembershipFactory, EmployerFactory, MembershipFactory, StaffFactory, region

pytestmark = pytest.mark.django_db


def _portal_login(client, membership):
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session[NOTICE_SESSION_KEY] = True
    session.save()


@pytest.fixture
def owner(regions):
    return MembershipFactory(employer=EmployerFactory(dpf_region=region("150102")))


@pytest.fixture
def evidence(owner):
    upload = SimpleUploadedFile("劳动合同 2024.pdf", pdf_bytes())
    return evidence_store(employer=owner.employer, uploaded_by=owner.user, upload=upload, purpose="contract")


def _portal_url(evidence):
    return reverse("portal:evidence_download", kwargs={"pk": evidence.pk})


def _backoffice_url(evidence):
    return reverse("backoffice:evidence_download", kwargs={"pk": evidence.pk})


def test_owner_downloads_as_an_attachment_with_checked_type_and_chinese_name(client, owner, evidence):
    _portal_login(client, owner)
    response = client.get(_portal_url(evidence))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == evidence.sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('劳动合同 2024.pdf')}" in disposition


def test_agent_of_the_owner_may_download(client, owner, evidence):
    agent = AgentMembershipFactory(employer=owner.employer)
    _portal_login(client, agent)
    assert client.get(_portal_url(evidence)).status_code == 200


def test_another_employer_gets_404(client, evidence):
    other = MembershipFactory()
    _portal_login(client, other)
    assert client.get(_portal_url(evidence)).status_code == 404


def test_a_missing_file_is_404_for_its_owner_too(client, owner, evidence):
    _portal_login(client, owner)
    assert (
        client.get(reverse("portal:evidence_download", kwargs={"pk": evidence.pk + 999})).status_code == 404
    )


@pytest.mark.parametrize(
    ("staff_region", "role", "status"),
    [
        ("150102", StaffRole.REVIEWER, 200),  # the employer's own county
        ("150100", StaffRole.SUPERVISOR, 200),  # its city
        ("150000", StaffRole.ADMIN, 200),  # its province
        ("150103", StaffRole.REVIEWER, 404),  # a neighbouring county
        ("150200", StaffRole.SUPERVISOR, 404),  # another city
        ("360000", StaffRole.ADMIN, 404),  # another province
    ],
)
def test_staff_see_evidence_of_their_jurisdiction_only(client, evidence, staff_region, role, status):
    staff = StaffFactory(region=region(staff_region), staff_role=role)
    client.force_login(staff, backend="anbili.accounts.backends.AccountBackend")
    response = client.get(_backoffice_url(evidence))
    assert response.status_code == status
    if status == 200:
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == evidence.sha256


def test_anonymous_is_sent_to_the_login_pages(client, evidence):
    portal = client.get(_portal_url(evidence))
    assert portal.status_code == 302
    assert portal["Location"].startswith("/portal/login/")
    backoffice = client.get(_backoffice_url(evidence))
    assert backoffice.status_code == 302
    assert backoffice["Location"].startswith("/backoffice/login/")


def test_staff_cannot_use_the_portal_door_and_employers_not_the_backoffice_door(client, owner, evidence):
    staff = StaffFactory(region=region("150102"))
    client.force_login(staff, backend="anbili.accounts.backends.AccountBackend")
    assert client.get(_portal_url(evidence)).status_code in (302, 404)
    client.logout()
    _portal_login(client, owner)
    assert client.get(_backoffice_url(evidence)).status_code == 404


def test_image_downloads_keep_their_type(client, owner):
    evidence = evidence_store(
        employer=owner.employer,
        uploaded_by=None,
        upload=SimpleUploadedFile("wage.JPG", jpeg_bytes()),
        purpose="wage_proof",
    )
    _portal_login(client, owner)
    response = client.get(_portal_url(evidence))
    assert response["Content-Type"] == "image/jpeg"
    assert 'filename="wage.JPG"' in response["Content-Disposition"]


def test_media_url_does_not_serve_evidence(client, evidence):
    assert client.get(f"/media/{evidence.storage_name}").status_code == 404


def test_a_staff_download_writes_an_audit_row_in_the_employers_region(client, evidence):
    staff = StaffFactory(region=region("150000"), staff_role=StaffRole.ADMIN)
    client.force_login(staff, backend="anbili.accounts.backends.AccountBackend")
    assert client.get(_backoffice_url(evidence), REMOTE_ADDR="10.1.2.3").status_code == 200

    entry = AuditEntry.objects.get(action=AuditAction.EVIDENCE_DOWNLOAD)
    assert entry.actor_id == staff.pk
    assert entry.object_type == "evidence.evidencefile"
    assert entry.object_id == str(evidence.pk)
    assert "劳动合同 2024.pdf" in entry.object_label
    # The employer's 残联主管部门, not the staff member's own (province) region: the county's admin finds it.
    assert entry.region_code == "150102"
    assert entry.ip == "10.1.2.3"


def test_a_refused_staff_download_writes_no_audit_row(client, evidence):
    staff = StaffFactory(region=region("360000"), staff_role=StaffRole.ADMIN)
    client.force_login(staff, backend="anbili.accounts.backends.AccountBackend")
    assert client.get(_backoffice_url(evidence)).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EVIDENCE_DOWNLOAD).exists()


def test_the_employers_own_download_is_recorded_as_a_document_view(client, owner, evidence):
    _portal_login(client, owner)
    assert client.get(_portal_url(evidence)).status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.DOCUMENT_VIEW)
    assert (entry.actor_id, entry.object_id, entry.region_code) == (owner.user_id, str(evidence.pk), "150102")
    assert not AuditEntry.objects.filter(action=AuditAction.EVIDENCE_DOWNLOAD).exists()
