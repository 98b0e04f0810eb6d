"""安置登记审核, the review screen (issue 12 item 3): what it shows, its decisions through the page, its
errors, the stale-token 409, the audited full ID view and the inline previews of the documents."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from anbili.accounts.models import StaffRole
from anbili.audit.models import AuditAction, AuditEntry
from anbili.core.masking import mask
from anbili.employers.models import RelatedUnit, RelationKind
from anbili.evidence.models import EvidenceFile, EvidencePurpose
from anbili.evidence.services import evidence_store
from anbili.placements import services
from anbili.placements.models import MonthOutcomeChoice, Placement, PlacementStatus
from anbili.placements.models_review import DocumentReview, PlacementReview, ReviewReason, ReviewReasonKind
from anbili.regions.models import Region
from anbili.registry.models import CertificateOrigin
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.evidence.evidence_files import pdf_bytes, png_bytes
from tests.factories import EmployerFactory, MembershipFactory, StaffFactory, region, unit_info_saved
from tests.placements.placement_data import (
    YEAR,
    dispatch_filing,
    other_uscc,
    upload,
)
from tests.placements.review_data import pending_placement, pending_with_added_certificate, resubmit

pytestmark = pytest.mark.django_db

OCT, NOV, DEC = 202510, 202511, 202512


@pytest.fixture(autouse=True)
def fresh_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def employer(regions):
    employer = EmployerFactory()
    unit_info_saved(employer)
    return employer


@pytest.fixture
def user(employer):
    return MembershipFactory(employer=employer).user


@pytest.fixture
def pending(employer, user) -> Placement:
    return pending_placement(employer, user, name="施嵘")


@pytest.fixture
def reviewer(regions):
    return StaffFactory(staff_role=StaffRole.REVIEWER, region=region("150102"), full_name="王审核")


@pytest.fixture
def staff_client(client, reviewer):
    client.force_login(reviewer, backend="anbili.accounts.backends.AccountBackend")
    return client


def _url(placement, name="backoffice:placement_review_detail"):
    return reverse(name, kwargs={"pk": placement.pk})


def _token(placement) -> str:
    return services.review_token(placement)


def _all_valid(placement, **extra):
    data = {"token": _token(placement), **{f"valid_{m}": "valid" for m in (OCT, NOV, DEC)}}
    data.update(extra)
    return data


def test_the_screen_shows_the_placement_months_documents_and_reviewer(staff_client, pending, reviewer):
    response = staff_client.get(_url(pending))
    assert response.status_code == 200
    html = response.content.decode()
    assert "安置登记审核：施嵘" in html
    assert mask(pending.id_number) in html and pending.id_number not in html
    assert "显示完整证件号码" in html
    # The seed's columns and both check symbols with their words; the ✗ carries its reason.
    for heading in ("安置年月", "残疾证状态", "工资信息", "社保缴费信息", "医保缴费信息", "是否就业年龄段"):
        assert heading in html
    oct_row = re.search(r'data-testid="month-202510".*?</tr>', html, re.S).group()
    assert "✗" in oct_row and "不通过" in oct_row and 'class="check-reason"' in oct_row
    assert 'name="valid_202510"' in oct_row and "有效" in oct_row and "无效" in oct_row
    # The month's evidence in the checks' order (工资, 社保, 医保), numbered as in 资料审核.
    assert re.findall(r"\d\. (\S+?)</a>", oct_row) == ["工资发放证明", "社会保险缴费凭证", "医疗保险缴费凭证"]
    jan_row = re.search(r'data-testid="month-202501".*?</tr>', html, re.S).group()
    assert "系统核验通过" in jan_row and "valid_202501" not in jan_row
    # 资料审核 lists the contract and the months' evidence; previews go through the checked view.
    assert "劳动合同" in html and "工资发放证明" in html and "涉及月份：202510、202511、202512" in html
    assert (
        reverse("backoffice:evidence_preview", kwargs={"pk": pending.contracts.get().contract_file_id})
        in html
    )
    assert "审核人员" in html and "王审核" in html and "审核时间" in html and "北京时间" in html
    assert f'value="{_token(pending)}"' in html
    assert 'aria-keyshortcuts="Alt+Shift+A"' in html and "<caption" in html and 'scope="row"' in html
    assert "<script>" not in html  # CSP: no inline script


def test_canned_reasons_are_national_and_the_employers_province(staff_client, pending):
    ReviewReason.objects.create(
        kind=ReviewReasonKind.MONTH, text="内蒙古专用理由", region=Region.objects.get(pk="150000")
    )
    ReviewReason.objects.create(
        kind=ReviewReasonKind.MONTH, text="江西专用理由", region=Region.objects.get(pk="360000")
    )
    html = staff_client.get(_url(pending)).content.decode()
    national = ReviewReason.objects.filter(kind=ReviewReasonKind.MONTH, region__isnull=True).first()
    assert national is not None and national.text in html
    assert "内蒙古专用理由" in html and "江西专用理由" not in html


@pytest.mark.parametrize(
    "name",
    [
        "backoffice:placement_review_detail",
        "backoffice:placement_review_send_back",
        "backoffice:placement_review_certificate",
        "backoffice:placement_review_agreement",
        "backoffice:placement_review_full",
    ],
)
def test_outside_the_jurisdiction_and_for_employer_users_everything_is_404(
    client, pending, user, regions, name
):
    other = StaffFactory(staff_role=StaffRole.REVIEWER, region=region("360102"))
    client.force_login(other, backend="anbili.accounts.backends.AccountBackend")
    assert client.post(_url(pending, name), _all_valid(pending)).status_code == 404
    client.force_login(user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = pending.employer_id
    session[NOTICE_SESSION_KEY] = True
    session.save()
    assert client.post(_url(pending, name), _all_valid(pending)).status_code == 404
    pending.refresh_from_db()
    assert pending.status == PlacementStatus.PENDING
    assert not AuditEntry.objects.filter(action=AuditAction.PERSON_FULL_VIEW).exists()


def test_confirm_with_every_month_valid_approves(staff_client, pending):
    response = staff_client.post(_url(pending), _all_valid(pending))
    assert response.status_code == 302 and response["Location"] == _url(pending)
    pending.refresh_from_db()
    assert pending.status == PlacementStatus.CONFIRMED
    page = staff_client.get(_url(pending)).content.decode()
    assert "审核完成" in page and "已审核确认" in page and 'data-testid="not-pending"' in page
    assert "以往审核记录" in page and "王审核" in page


def test_an_invalid_month_with_a_canned_reason_partly_rejects(staff_client, pending):
    reason = ReviewReason.objects.filter(kind=ReviewReasonKind.MONTH, region__isnull=True).first()
    data = _all_valid(pending, valid_202512="invalid", reason_202512=str(reason.pk), text_202512="另有说明")
    assert staff_client.post(_url(pending), data).status_code == 302
    pending.refresh_from_db()
    assert pending.status == PlacementStatus.PARTLY_REJECTED
    review = PlacementReview.objects.get(placement=pending)
    assert review.months["202512"] == {"valid": False, "reason": f"{reason.text}。另有说明"}
    assert pending.months.get(month=DEC).outcome == MonthOutcomeChoice.REJECTED
    page = staff_client.get(_url(pending)).content.decode()
    dec_row = re.search(r'data-testid="month-202512".*?</tr>', page, re.S).group()
    assert "审核不通过" in dec_row and "另有说明" in dec_row


def test_an_invalid_month_without_a_reason_is_refused_next_to_its_row(staff_client, pending):
    response = staff_client.post(_url(pending), _all_valid(pending, valid_202511="invalid"))
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(r'data-testid="month-error-202511">(.*?)</p>', html).group(1)
    assert "202511 月认定为无效，请选择或填写无效原因" in error
    assert 'data-testid="error-summary"' in html and 'href="#id_reason_202511"' in html
    # What was chosen stays chosen; nothing was decided.
    assert re.search(r'id="id_valid_202510_0" value="valid" checked', html)
    pending.refresh_from_db()
    assert pending.status == PlacementStatus.PENDING and not PlacementReview.objects.exists()


def test_an_undecided_month_is_named_at_its_row(staff_client, pending):
    data = _all_valid(pending)
    del data["valid_202510"]
    response = staff_client.post(_url(pending), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "请选择 202510 月的认证结果（有效或无效）" in re.search(
        r'data-testid="month-error-202510">(.*?)</p>', html
    ).group(1)
    assert 'href="#id_valid_202510_0"' in html


def test_a_stale_token_shows_the_new_state_with_409(staff_client, pending, regions):
    stale = _token(pending)
    other = StaffFactory(staff_role=StaffRole.SUPERVISOR, region=region("150100"))
    services.placement_send_back(
        placement_id=pending.pk, reviewer=other, token=stale, items=["请补充工资发放证明"]
    )
    response = staff_client.post(_url(pending), {**_all_valid(pending), "token": stale})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="review-changed"' in html and "已被其他审核人员处理" in html
    assert "资料待完善" in html and "请补充工资发放证明" in html  # the new state and its history
    assert 'name="valid_202510"' not in html  # no longer pending: nothing to decide
    pending.refresh_from_db()
    assert pending.status == PlacementStatus.DRAFT


def test_send_back_needs_an_item_then_goes_to_the_employer(staff_client, pending, employer, user):
    response = staff_client.post(
        _url(pending, "backoffice:placement_review_send_back"), {"token": _token(pending)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请至少选择或填写一项需补正的内容" in html and 'data-testid="send-back-error"' in html
    canned = ReviewReason.objects.filter(kind=ReviewReasonKind.SEND_BACK, region__isnull=True).first()
    data = {"token": _token(pending), "items": [str(canned.pk)], "text": "医保凭证缺少盖章"}
    response = staff_client.post(_url(pending, "backoffice:placement_review_send_back"), data)
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == PlacementStatus.DRAFT
    assert PlacementReview.objects.get(placement=pending).items == [canned.text, "医保凭证缺少盖章"]
    # The employer saves the months again: back for review, the earlier 退回补正 shown at the top.
    resubmit(pending, employer, user, [OCT, NOV, DEC])
    html = staff_client.get(_url(pending)).content.decode()
    came_back = re.search(r'data-testid="came-back">(.*?)</div>', html, re.S).group(1)
    assert "该人员曾被退回补正" in came_back and "医保凭证缺少盖章" in came_back
    assert 'name="valid_202510"' in html


def test_the_full_id_view_is_audited(staff_client, pending, reviewer):
    assert staff_client.get(_url(pending, "backoffice:placement_review_full")).status_code == 405
    response = staff_client.post(_url(pending, "backoffice:placement_review_full"))
    assert response.status_code == 200
    assert pending.id_number in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.PERSON_FULL_VIEW)
    assert entry.actor == reviewer and entry.object_id == str(pending.pk) and entry.region_code == "150102"
    assert entry.detail["page"] == "安置登记审核"


def _preview(client, evidence_id, page=None):
    url = reverse("backoffice:evidence_preview", kwargs={"pk": evidence_id})
    return client.get(url, {"page": page} if page else {})


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_image_is_previewed_inline_and_audited(staff_client, employer, user, reviewer):
    evidence = evidence_store(
        employer=employer,
        uploaded_by=user,
        upload=SimpleUploadedFile("证明.pdf.png", png_bytes()),
        purpose=EvidencePurpose.WAGE_PROOF,
    )
    response = _preview(staff_client, evidence.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response) == png_bytes()
    entry = AuditEntry.objects.get(action=AuditAction.DOCUMENT_VIEW)
    assert entry.actor == reviewer and entry.object_id == str(evidence.pk)
    assert _preview(staff_client, evidence.pk, page=2).status_code == 404


def test_a_pdf_page_is_rendered_to_a_png(staff_client, pending):
    contract_file = pending.contracts.get().contract_file
    response = _preview(staff_client, contract_file.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="preview-1.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.width >= 1000
    assert (
        AuditEntry.objects.filter(action=AuditAction.DOCUMENT_VIEW, object_id=str(contract_file.pk)).count()
        == 1
    )
    assert _preview(staff_client, contract_file.pk, page=2).status_code == 404  # a one-page PDF
    assert _preview(staff_client, contract_file.pk, page="x").status_code == 404


def test_the_type_served_is_sniffed_not_taken_from_the_row(staff_client, employer, user):
    evidence = evidence_store(
        employer=employer,
        uploaded_by=user,
        upload=SimpleUploadedFile("协议.pdf", pdf_bytes()),
        purpose=EvidencePurpose.CONTRACT,
    )
    EvidenceFile.objects.filter(pk=evidence.pk).update(content_type="image/png")  # a row that lies
    assert _preview(staff_client, evidence.pk).status_code == 404


def test_previews_outside_the_jurisdiction_are_404_and_not_audited(client, pending, regions):
    other = StaffFactory(staff_role=StaffRole.REVIEWER, region=region("150203"))
    client.force_login(other, backend="anbili.accounts.backends.AccountBackend")
    assert _preview(client, pending.contracts.get().contract_file_id).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.DOCUMENT_VIEW).exists()


@pytest.fixture
def renewed(employer, user) -> Placement:
    """Waiting for review with a historical certificate the employer added for January to March."""
    return pending_with_added_certificate(employer, user)


def test_a_certificate_is_decided_on_its_own_through_the_page(staff_client, renewed):
    link = renewed.added_certificates.get()
    html = staff_client.get(_url(renewed)).content.decode()
    assert 'data-testid="blockers"' in html and f'data-testid="certificate-{link.pk}-form"' in html
    number = link.certificate.number
    assert mask(number) in html and number not in html
    full = staff_client.post(_url(renewed, "backoffice:placement_review_full")).content.decode()
    assert number in full
    # 确认 first is refused: the certificate waits for its own decision.
    months = {f"valid_{YEAR}0{m}": "valid" for m in (1, 2, 3)}
    response = staff_client.post(_url(renewed), {"token": _token(renewed), **months})
    assert response.status_code == 400 and "请先审核该残疾证" in response.content.decode()
    prefix = f"certificate-{link.pk}"
    data = {f"{prefix}-token": _token(renewed), f"{prefix}-target": link.pk, f"{prefix}-decision": "reject"}
    url = _url(renewed, "backoffice:placement_review_certificate")
    response = staff_client.post(url, data)
    assert response.status_code == 400
    assert "审核不通过时请选择或填写原因" in re.search(
        rf'id="id_{prefix}-reason_error">(.*?)</p>', response.content.decode()
    ).group(1)
    response = staff_client.post(url, {**data, f"{prefix}-decision": "approve"})
    assert response.status_code == 302
    link.certificate.refresh_from_db()
    assert link.certificate.origin == CertificateOrigin.MANUAL_APPROVED
    html = staff_client.get(_url(renewed)).content.decode()
    assert "补充残疾证审核通过" in html and 'data-testid="blockers"' not in html
    assert staff_client.post(_url(renewed), {"token": _token(renewed), **months}).status_code == 302
    renewed.refresh_from_db()
    assert renewed.status == PlacementStatus.CONFIRMED


def test_a_dispatch_agreement_is_decided_on_its_own_through_the_page(staff_client, employer, user):
    company = other_uscc(31)
    RelatedUnit.objects.create(
        employer=employer, business_year=YEAR, relation=RelationKind.DISPATCH, uscc=company, name="派遣公司"
    )
    dispatch_filing(company)
    payers = {f"{kind}_payer_uscc": company for kind in ("wage", "pension", "medical")}
    placement = pending_placement(
        employer,
        user,
        is_dispatch=True,
        relation="related",
        contract_type="dispatch",
        dispatch_company_uscc=company,
        dispatch_agreement_upload=upload("派遣协议.pdf"),
        **payers,
    )
    contract = placement.contracts.get()
    html = staff_client.get(_url(placement)).content.decode()
    assert "劳务派遣审核要求" in html and "劳务派遣资质" in html and "三方协议" in html
    assert f"派遣公司 {company}" in html and "劳务派遣协议" in html
    prefix = f"agreement-{contract.pk}"
    reason = ReviewReason.objects.filter(kind=ReviewReasonKind.DOCUMENT, region__isnull=True).first()
    data = {
        f"{prefix}-token": _token(placement),
        f"{prefix}-target": contract.pk,
        f"{prefix}-decision": "reject",
        f"{prefix}-reason": str(reason.pk),
    }
    response = staff_client.post(_url(placement, "backoffice:placement_review_agreement"), data)
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.agreement_review == DocumentReview.REJECTED
    review = PlacementReview.objects.get(placement=placement)
    assert review.items == [reason.text]
    html = staff_client.get(_url(placement)).content.decode()
    assert "劳务派遣协议审核不通过" in html and reason.text in html


def test_a_strip_shaped_pdf_page_is_scaled_down(staff_client, employer, user):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=14000)
    buffer = io.BytesIO()
    writer.write(buffer)
    evidence = evidence_store(
        employer=employer,
        uploaded_by=user,
        upload=SimpleUploadedFile("长条.pdf", buffer.getvalue()),
        purpose=EvidencePurpose.OTHER,
    )
    response = _preview(staff_client, evidence.pk)
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    assert image.height <= 4000 and image.width >= 1


@pytest.mark.parametrize(
    "name", ["backoffice:placement_review_certificate", "backoffice:placement_review_agreement"]
)
def test_a_forged_document_decision_is_refused_in_words_not_a_500(staff_client, pending, name):
    url = _url(pending, name)
    assert staff_client.post(url, {}).status_code == 400
    data = {"x-999-token": _token(pending), "x-999-target": "999", "x-999-decision": "approve"}
    assert staff_client.post(url, data).status_code == 400
    kind = name.rsplit("_", 1)[1]
    forged = {
        f"{kind}-999-token": _token(pending),
        f"{kind}-999-target": "999",
        f"{kind}-999-decision": "approve",
    }
    response = staff_client.post(url, forged)
    assert response.status_code == 400
    assert "未找到该" in response.content.decode()
    assert not PlacementReview.objects.exists()


def test_a_decided_placement_refuses_another_confirm_at_the_top(staff_client, pending):
    assert staff_client.post(_url(pending), _all_valid(pending)).status_code == 302
    pending.refresh_from_db()
    response = staff_client.post(_url(pending), {"token": _token(pending)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "不在待审核状态" in html and 'data-testid="error-summary"' in html
