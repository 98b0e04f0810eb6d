"""安置登记审核 (issue 12 items 3, 4, 8): a reviewer's decisions on a placement waiting for review.

确认 decides every pending month 有效 / 无效 and sets the status (审核通过(人工), 部分审核不通过, 审核不通过);
退回补正 sends it back to a draft with what to fix; an added certificate and a dispatch agreement are decided
on their own first. Each decision records who and when, keeps the counters true, writes its event, audit row
and the employer's notice (after commit; a failing SMS never blocks it), and refuses a stale screen."""

import pytest

from anbili.accounts.models import StaffRole
from anbili.audit.models import AuditAction, AuditEntry
from anbili.core.errors import ApplicationError
from anbili.core.masking import mask
from anbili.employers.models import RelatedUnit, RelationKind
from anbili.notices.models import Notice, SmsMessage, SmsStatus
from anbili.placements import services
from anbili.placements.models import (
    ConfirmedBy,
    DocumentReview,
    MonthOutcomeChoice,
    PersonMonthClaim,
    Placement,
    PlacementEvent,
    PlacementMonth,
    PlacementReview,
    PlacementStatus,
    PlacementStep,
    ReviewKind,
    ReviewOutcome,
)
from anbili.placements.selectors import placement_counters, placement_list
from anbili.registry.models import CertificateOrigin
from tests.factories import StaffFactory, region
from tests.notices.sms_fake import start_fake_gateway
from tests.placements.placement_data import (
    TODAY,
    YEAR,
    dispatch_filing,
    new_id_number,
    other_uscc,
    ready_draft,
    registry_person,
    upload,
)
from tests.placements.review_data import pending_placement, pending_with_added_certificate, resubmit

pytestmark = pytest.mark.django_db

M = MonthOutcomeChoice
OCT, NOV, DEC = 202510, 202511, 202512


@pytest.fixture
def reviewer(regions):
    return StaffFactory(staff_role=StaffRole.REVIEWER, region=region("150102"))


@pytest.fixture
def pending(employer, user):
    return pending_placement(employer, user, name="施嵘")


@pytest.fixture
def sms_gateway(settings):
    gateway, server = start_fake_gateway()
    settings.SMS_BACKEND = "anbili.notices.sms.HttpSmsBackend"
    settings.SMS_HTTP_URL = gateway.url
    settings.SMS_HTTP_TOKEN = "test-token"
    settings.SMS_HTTP_TIMEOUT = 2.0
    settings.SMS_HTTP_RETRIES = 3
    settings.SMS_HTTP_BACKOFF = 0.01
    yield gateway
    server.shutdown()
    server.server_close()


def _decide(placement, reviewer, months, **kwargs):
    return services.placement_review_decide(
        placement_id=placement.pk, months=months, **_opened_by(placement, reviewer, kwargs)
    )


def _certificate_decide(placement, reviewer, **kwargs):
    return services.placement_certificate_decide(
        placement_id=placement.pk, **_opened_by(placement, reviewer, kwargs)
    )


def _agreement_decide(placement, reviewer, **kwargs):
    return services.placement_agreement_decide(
        placement_id=placement.pk, **_opened_by(placement, reviewer, kwargs)
    )


def _send_back(placement, reviewer, **kwargs):
    return services.placement_send_back(placement_id=placement.pk, **_opened_by(placement, reviewer, kwargs))


def _opened_by(placement, reviewer, kwargs):
    """The reviewer and the token of the screen as it stands now (unless the test passes its own)."""
    return {
        "reviewer": reviewer,
        "token": kwargs.pop("token", None) or services.review_token(placement),
        **kwargs,
    }


def _outcomes(placement):
    return dict(placement.months.values_list("month", "outcome"))


def test_the_fixture_waits_for_review(pending):
    assert pending.status == PlacementStatus.PENDING
    outcomes = _outcomes(pending)
    assert {outcomes[m] for m in (OCT, NOV, DEC)} == {M.PENDING_REVIEW}
    assert {outcomes[YEAR * 100 + m] for m in range(1, 10)} == {M.AUTO_CONFIRMED}


def test_every_month_valid_confirms_by_the_reviewer(pending, reviewer, employer):
    before = placement_counters(employer, YEAR)
    assert (before.pending, before.confirmed_months) == (1, 9)
    decided = _decide(pending, reviewer, {OCT: (True, ""), NOV: (True, ""), DEC: (True, "")})
    decided.refresh_from_db()
    assert decided.status == PlacementStatus.CONFIRMED and decided.confirmed_by == ConfirmedBy.REVIEWER
    assert decided.confirmed_at is not None
    assert {_outcomes(decided)[m] for m in (OCT, NOV, DEC)} == {M.CONFIRMED}
    counters = placement_counters(employer, YEAR)
    assert (counters.pending, counters.confirmed_reviewer, counters.confirmed_months) == (0, 1, 12)
    event = PlacementEvent.objects.filter(placement_ref=pending.pk).last()
    assert (event.transition, event.from_status, event.to_status, event.actor) == (
        "approve",
        "pending",
        "confirmed",
        reviewer,
    )
    review = PlacementReview.objects.get(placement=pending)
    assert (review.kind, review.outcome, review.reviewer) == (
        ReviewKind.MONTHS,
        ReviewOutcome.APPROVED,
        reviewer,
    )
    assert review.at is not None
    assert review.months == {str(m): {"valid": True, "reason": ""} for m in (OCT, NOV, DEC)}
    assert PersonMonthClaim.objects.filter(placement=pending).count() == 12


def test_some_months_invalid_partly_reject_and_release_their_claims(pending, reviewer, employer):
    decided = _decide(
        pending,
        reviewer,
        {OCT: (True, ""), NOV: (False, "工资低于最低工资标准"), DEC: (False, " 缺少社保缴费凭证 ")},
    )
    decided.refresh_from_db()
    assert decided.status == PlacementStatus.PARTLY_REJECTED and decided.confirmed_by == ""
    outcomes = _outcomes(decided)
    assert (outcomes[OCT], outcomes[NOV], outcomes[DEC]) == (M.CONFIRMED, M.REJECTED, M.REJECTED)
    claimed = set(PersonMonthClaim.objects.filter(placement=pending).values_list("month", flat=True))
    assert NOV not in claimed and DEC not in claimed and len(claimed) == 10
    counters = placement_counters(employer, YEAR)
    assert (counters.partly_rejected, counters.confirmed_months, counters.credited_months) == (1, 10, 10)
    row = placement_list(employer, YEAR).get(pk=pending.pk)
    assert (row.registered_months, row.confirmed_months, row.rejected_months) == (12, 10, 2)
    review = PlacementReview.objects.get(placement=pending)
    assert review.outcome == ReviewOutcome.PARTLY_REJECTED
    assert review.months[str(DEC)] == {"valid": False, "reason": "缺少社保缴费凭证"}
    event = PlacementEvent.objects.filter(placement_ref=pending.pk).last()
    assert event.transition == "partly_reject" and "202511 无效：工资低于最低工资标准" in event.reason


def test_no_month_counting_rejects(employer, user, reviewer):
    placement = pending_placement(employer, user, paid=range(0))
    months = {YEAR * 100 + m: (False, "材料不清晰") for m in range(1, 13)}
    decided = _decide(placement, reviewer, months)
    decided.refresh_from_db()
    assert decided.status == PlacementStatus.REJECTED
    assert not PersonMonthClaim.objects.filter(placement=placement).exists()
    counters = placement_counters(employer, YEAR)
    assert (counters.rejected, counters.confirmed_months) == (1, 0)


def _nothing_changed(placement, events_before):
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PENDING
    assert {_outcomes(placement)[m] for m in (OCT, NOV, DEC)} == {M.PENDING_REVIEW}
    assert not PlacementReview.objects.filter(placement=placement).exists()
    assert PlacementEvent.objects.filter(placement_ref=placement.pk).count() == events_before
    assert not AuditEntry.objects.filter(action=AuditAction.PLACEMENT_REVIEW).exists()
    assert PersonMonthClaim.objects.filter(placement=placement).count() == 12


def test_invalid_needs_a_reason_and_every_month_must_be_decided(pending, reviewer):
    events = PlacementEvent.objects.filter(placement_ref=pending.pk).count()
    with pytest.raises(ApplicationError) as error:
        _decide(pending, reviewer, {OCT: (False, "  "), NOV: (True, ""), 202501: (True, "")})
    fields = [(e.field, e.code) for e in error.value.errors]
    assert ("months", "not_pending") in fields  # 202501 was auto-confirmed
    assert ("months", "required") in fields  # December is missing
    assert ("reason_202510", "required") in fields
    assert "202510 月认定为无效，请选择或填写无效原因" in error.value.message
    assert "请认定 202512 月的认证结果" in error.value.message
    _nothing_changed(pending, events)
    with pytest.raises(ApplicationError) as error:
        _decide(pending, reviewer, {OCT: (False, "很" * 201), NOV: (True, ""), DEC: (True, "")})
    assert error.value.field == "reason_202510" and error.value.code == "too_long"
    _nothing_changed(pending, events)


def test_malformed_input_is_named_not_a_server_error(pending, reviewer):
    events = PlacementEvent.objects.filter(placement_ref=pending.pk).count()
    with pytest.raises(ApplicationError) as error:
        _decide(pending, reviewer, {"十月": (True, ""), NOV: True, DEC: (True, "")})
    assert {e.field for e in error.value.errors} == {"months"}
    assert "安置月份“十月”无效" in error.value.message and "202511 月的认证结果无效" in error.value.message
    _nothing_changed(pending, events)
    back = services.placement_send_back(
        placement_id=pending.pk, reviewer=reviewer, token=services.review_token(pending), items="补合同"
    )
    assert PlacementReview.objects.get(placement=back).items == ["补合同"]


def test_a_failure_late_in_the_decision_leaves_nothing_half_saved(pending, reviewer, monkeypatch):
    from anbili.placements.services import review

    events = PlacementEvent.objects.filter(placement_ref=pending.pk).count()

    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(review, "audit_record", broken)
    with pytest.raises(RuntimeError):
        _decide(pending, reviewer, {OCT: (True, ""), NOV: (False, "材料不清晰"), DEC: (True, "")})
    _nothing_changed(pending, events)


def test_outside_the_jurisdiction_or_without_a_review_role_it_is_not_found(pending, regions, user):
    others = [
        StaffFactory(staff_role=StaffRole.REVIEWER, region=region("150103")),  # the next county
        StaffFactory(staff_role=StaffRole.NATIONAL_ADMIN, region=None),
        user,  # the employer's own legal person
    ]
    token = services.review_token(pending)
    for other in others:
        with pytest.raises(ApplicationError) as error:
            _decide(pending, other, {OCT: (True, ""), NOV: (True, ""), DEC: (True, "")}, token=token)
        assert error.value.code == "not_found"
        with pytest.raises(ApplicationError) as error:
            services.placement_send_back(placement_id=pending.pk, reviewer=other, token=token, items=["x"])
        assert error.value.code == "not_found"
    # The city's reviewer and the province's supervisor oversee the county.
    city = StaffFactory(staff_role=StaffRole.SUPERVISOR, region=region("150100"))
    _decide(pending, city, {OCT: (True, ""), NOV: (True, ""), DEC: (True, "")})


def test_a_stale_token_is_refused_as_changed(pending, reviewer, regions):
    token = services.review_token(pending)
    other = StaffFactory(staff_role=StaffRole.REVIEWER, region=region("150102"))
    _decide(pending, other, {OCT: (True, ""), NOV: (True, ""), DEC: (True, "")}, token=token)
    with pytest.raises(services.ReviewChanged) as error:
        services.placement_send_back(
            placement_id=pending.pk, reviewer=reviewer, token=token, items=["补合同"]
        )
    assert error.value.code == "changed"
    assert error.value.message == "该安置登记已被其他审核人员处理，请查看最新状态"
    assert PlacementReview.objects.filter(placement=pending).count() == 1
    with pytest.raises(services.ReviewChanged):
        _decide(pending, reviewer, {}, token="pending.0.0")


def test_a_decided_placement_is_not_pending_any_more(pending, reviewer):
    decided = _decide(pending, reviewer, {OCT: (True, ""), NOV: (True, ""), DEC: (True, "")})
    with pytest.raises(ApplicationError) as error:
        _decide(decided, reviewer, {})
    assert error.value.code == "not_pending" and "已审核确认" in error.value.message


def test_send_back_makes_a_draft_that_returns_to_review_with_its_history(pending, reviewer, employer, user):
    with pytest.raises(ApplicationError) as error:
        services.placement_send_back(
            placement_id=pending.pk, reviewer=reviewer, token=services.review_token(pending), items=[" ", ""]
        )
    assert (error.value.field, error.value.code) == ("items", "required")
    back = _send_back(
        pending,
        reviewer,
        items=["请上传清晰的工资发放证明", "请上传清晰的工资发放证明", "社保缴费凭证缺少10月"],
        note="请尽快补正",
    )
    back.refresh_from_db()
    assert back.status == PlacementStatus.DRAFT and back.step == PlacementStep.SELECT
    assert back.registered_at is None
    assert set(_outcomes(back).values()) == {M.NOT_SELECTED}
    assert not PersonMonthClaim.objects.filter(placement=back).exists()
    review = PlacementReview.objects.get(placement=back)
    assert (review.kind, review.outcome) == (ReviewKind.SEND_BACK, ReviewOutcome.SENT_BACK)
    assert (
        review.items == ["请上传清晰的工资发放证明", "社保缴费凭证缺少10月"] and review.note == "请尽快补正"
    )
    event = PlacementEvent.objects.filter(placement_ref=back.pk).last()
    assert (event.transition, event.to_status, event.actor) == ("send_back", "draft", reviewer)
    assert placement_counters(employer, YEAR).draft == 1

    again = resubmit(back, employer, user, [OCT, NOV, DEC])
    assert again.status == PlacementStatus.PENDING
    assert PlacementReview.objects.filter(placement=again).count() == 1  # the history stays
    decided = _decide(again, reviewer, {OCT: (True, ""), NOV: (True, ""), DEC: (True, "")})
    kinds = list(PlacementReview.objects.filter(placement=decided).values_list("kind", flat=True))
    assert kinds == [ReviewKind.SEND_BACK, ReviewKind.MONTHS]


# --- Documents decided on their own -------------------------------------------------------------------------


@pytest.fixture
def renewed(employer, user):
    """Waiting for review with an added historical certificate for January to March (the registry's own
    starts on NEW_START) and those months ticked."""
    return pending_with_added_certificate(employer, user)


def _certificate_passed(placement):
    return [m.checks["certificate"]["passed"] for m in placement.months.order_by("month")[:3]]


def test_an_undecided_certificate_blocks_the_decision_until_approved(renewed, reviewer):
    assert renewed.status == PlacementStatus.PENDING and _certificate_passed(renewed) == [False] * 3
    months = {m: (True, "") for m in (202501, 202502, 202503)}
    with pytest.raises(ApplicationError) as error:
        _decide(renewed, reviewer, months)
    assert (error.value.field, error.value.code) == ("certificates", "undecided")
    assert "有效期 2016-04-10 起" in error.value.message
    link = renewed.added_certificates.get()
    with pytest.raises(ApplicationError) as error:
        _certificate_decide(
            renewed,
            reviewer,
            placement_certificate_id=link.pk,
            approve=False,
        )
    assert (error.value.field, error.value.code) == ("reason", "required")
    _certificate_decide(
        renewed,
        reviewer,
        placement_certificate_id=link.pk,
        approve=True,
    )
    link.certificate.refresh_from_db()
    assert link.certificate.origin == CertificateOrigin.MANUAL_APPROVED
    assert _certificate_passed(renewed) == [True] * 3  # verified again at once
    assert list(renewed.months.order_by("month").values_list("weight", flat=True)[:3]) == [2, 2, 2]
    review = PlacementReview.objects.get(placement=renewed)
    assert (review.kind, review.outcome, review.certificate) == (
        ReviewKind.CERTIFICATE,
        ReviewOutcome.APPROVED,
        link,
    )
    renewed.refresh_from_db()
    assert renewed.status == PlacementStatus.PENDING  # the months still wait for 确认
    decided = _decide(renewed, reviewer, months)
    assert decided.status == PlacementStatus.CONFIRMED


def test_a_rejected_certificate_keeps_its_months_failing(renewed, reviewer):
    link = renewed.added_certificates.get()
    _certificate_decide(
        renewed,
        reviewer,
        placement_certificate_id=link.pk,
        approve=False,
        reason="残疾证影像不清晰",
    )
    link.certificate.refresh_from_db()
    assert link.certificate.origin == CertificateOrigin.MANUAL_REJECTED
    assert _certificate_passed(renewed) == [False] * 3
    assert PlacementReview.objects.get(placement=renewed).items == ["残疾证影像不清晰"]
    with pytest.raises(ApplicationError) as error:
        _certificate_decide(
            renewed,
            reviewer,
            placement_certificate_id=link.pk,
            approve=True,
        )
    assert error.value.code == "decided"


def _dispatch_contract(employer, company):
    return {
        "is_dispatch": True,
        "relation": "related",
        "contract_type": "dispatch",
        "dispatch_company_uscc": company,
        "wage_payer_uscc": company,
        "pension_payer_uscc": company,
        "medical_payer_uscc": company,
        "dispatch_agreement_upload": upload("派遣协议.pdf"),
    }


@pytest.fixture
def dispatched(employer, user):
    """A dispatch person waiting for review (October to December unpaid)."""
    company = other_uscc(21)
    RelatedUnit.objects.create(
        employer=employer, business_year=YEAR, relation=RelationKind.DISPATCH, uscc=company, name="派遣公司"
    )
    dispatch_filing(company)
    number = new_id_number()
    registry_person(number, payer=company, months=range(1, 10))
    draft = ready_draft(employer, user, number, **_dispatch_contract(employer, company))
    return resubmit(draft, employer, user, [OCT, NOV, DEC])


def test_a_dispatch_agreement_is_pending_once_saved_and_again_with_a_new_file(employer, user, dispatched):
    contract = dispatched.contracts.get()
    assert contract.agreement_review == DocumentReview.PENDING
    plain = ready_draft(employer, user, new_id_number())
    assert plain.contracts.get().agreement_review == ""


def test_last_years_dispatch_agreement_is_decided_anew_when_imported(employer, user, dispatched, reviewer):
    contract = dispatched.contracts.get()
    _agreement_decide(
        dispatched,
        reviewer,
        contract_id=contract.pk,
        approve=True,
    )
    # Last year's list, as next year's window imports it (the placement moved back one year).
    Placement.objects.filter(pk=dispatched.pk).update(business_year=YEAR - 1)
    plain = pending_placement(employer, user)
    Placement.objects.filter(pk=plain.pk).update(business_year=YEAR - 1)
    created = services.placements_import_last_year(
        employer=employer, actor=user, business_year=YEAR, today=TODAY
    )
    reviews = {p.id_number: p.contracts.get().agreement_review for p in created}
    assert reviews == {dispatched.id_number: DocumentReview.PENDING, plain.id_number: ""}


def test_an_undecided_agreement_blocks_the_decision_and_is_decided_on_its_own(dispatched, reviewer):
    months = {OCT: (True, ""), NOV: (True, ""), DEC: (True, "")}
    with pytest.raises(ApplicationError) as error:
        _decide(dispatched, reviewer, months)
    assert (error.value.field, error.value.code) == ("agreements", "undecided")
    contract = dispatched.contracts.get()
    with pytest.raises(ApplicationError) as error:
        _agreement_decide(
            dispatched,
            reviewer,
            contract_id=contract.pk,
            approve=False,
            reason="",
        )
    assert error.value.field == "reason"
    _agreement_decide(
        dispatched,
        reviewer,
        contract_id=contract.pk,
        approve=False,
        reason="协议未明确该人员计入申报单位",
    )
    contract.refresh_from_db()
    assert contract.agreement_review == DocumentReview.REJECTED
    review = PlacementReview.objects.get(placement=dispatched)
    assert (review.kind, review.outcome, review.contract, review.items) == (
        ReviewKind.AGREEMENT,
        ReviewOutcome.REJECTED,
        contract,
        ["协议未明确该人员计入申报单位"],
    )
    decided = _decide(dispatched, reviewer, {m: (False, "劳务派遣协议审核不通过") for m in (OCT, NOV, DEC)})
    # A dispatch person's months are chosen freely: only the three ticked months were registered.
    assert decided.status == PlacementStatus.REJECTED


def test_a_new_agreement_file_after_the_decision_waits_again(employer, user, dispatched, reviewer):
    contract = dispatched.contracts.get()
    _agreement_decide(
        dispatched,
        reviewer,
        contract_id=contract.pk,
        approve=True,
    )
    contract.refresh_from_db()
    assert contract.agreement_review == DocumentReview.APPROVED
    back = _send_back(
        dispatched,
        reviewer,
        items=["补材料"],
    )
    company = contract.dispatch_company_uscc
    fields = {
        key: value for key, value in _dispatch_contract(employer, company).items() if "upload" not in key
    }
    values = {
        "start": contract.start,
        "end": contract.end,
        "post": contract.post,
        "monthly_wage": contract.monthly_wage,
        **fields,
    }
    services.placement_contract_update(
        placement_id=back.pk, contract_id=contract.pk, employer=employer, actor=user, today=TODAY, **values
    )
    contract.refresh_from_db()
    assert contract.agreement_review == DocumentReview.APPROVED  # the same file: still decided
    services.placement_contract_update(
        placement_id=back.pk,
        contract_id=contract.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        dispatch_agreement_upload=upload("新派遣协议.pdf"),
        **values,
    )
    contract.refresh_from_db()
    assert contract.agreement_review == DocumentReview.PENDING


# --- Notices, SMS, audit ------------------------------------------------------------------------------------


def test_the_employer_is_notified_after_the_commit_in_the_seeds_words(
    pending, reviewer, employer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _decide(pending, reviewer, {OCT: (True, ""), NOV: (False, "工资低于最低工资标准"), DEC: (True, "")})
    assert not Notice.objects.filter(employer=employer).exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    notice = Notice.objects.get(employer=employer)
    assert notice.title == "安置人员“施嵘”资料审核完成通知"
    valid = ",".join(str(YEAR * 100 + m) for m in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12))
    assert notice.body == (
        f"贵单位安置人员“施嵘”资料审核已完成，有效月份为{valid}\n202511 无效：工资低于最低工资标准"
    )


def test_a_person_without_a_name_is_named_by_the_masked_id(
    employer, user, reviewer, django_capture_on_commit_callbacks
):
    placement = pending_placement(employer, user, paid=range(0))
    Placement.objects.filter(pk=placement.pk).update(name="")
    placement.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(placement, reviewer, {YEAR * 100 + m: (False, "材料不清晰") for m in range(1, 13)})
    notice = Notice.objects.get(employer=employer)
    shown = mask(placement.id_number)
    assert notice.title == f"安置人员“{shown}”资料审核完成通知"
    assert notice.body.startswith(
        f"贵单位安置人员“{shown}”资料审核已完成，无有效月份\n202501 无效：材料不清晰"
    )
    assert placement.id_number not in notice.body


def test_send_back_tells_what_to_fix(pending, reviewer, employer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send_back(
            pending,
            reviewer,
            items=["请上传清晰的工资发放证明", "社保缴费凭证缺少10月"],
        )
    notice = Notice.objects.get(employer=employer)
    assert notice.title == "安置人员“施嵘”资料退回补正通知"
    assert notice.body == (
        "贵单位安置人员“施嵘”资料需补正：\n1. 请上传清晰的工资发放证明\n2. 社保缴费凭证缺少10月\n"
        "请在“残疾人安置管理”中点击“继续登记”，补正后重新保存提交审核。"
    )


def test_a_failing_sms_gateway_never_blocks_the_decision(
    pending, reviewer, employer, user, sms_gateway, django_capture_on_commit_callbacks
):
    user.phone = "13800000001"  # the unit's legal person
    user.save(update_fields=["phone"])
    sms_gateway.statuses = [500] * 10
    with django_capture_on_commit_callbacks(execute=True):
        decided = _decide(pending, reviewer, {OCT: (True, ""), NOV: (True, ""), DEC: (True, "")})
    decided.refresh_from_db()
    assert decided.status == PlacementStatus.CONFIRMED
    message = SmsMessage.objects.get(phone="13800000001")
    assert message.status == SmsStatus.FAILED and message.text.startswith("【残联】贵单位安置人员“施嵘”")
    assert sms_gateway.received  # it was tried, and stays queued for the retry sweep
    assert Notice.objects.filter(employer=employer).count() == 1


def test_a_notice_that_cannot_be_written_leaves_the_decision_standing(
    pending, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    from anbili.placements.services import review

    def broken(**kwargs):
        raise RuntimeError("notices down")

    monkeypatch.setattr(review, "notification_send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        decided = _decide(pending, reviewer, {OCT: (True, ""), NOV: (True, ""), DEC: (True, "")})
    decided.refresh_from_db()
    assert decided.status == PlacementStatus.CONFIRMED


def test_every_decision_writes_an_audit_row(renewed, reviewer):
    link = renewed.added_certificates.get()
    _certificate_decide(
        renewed,
        reviewer,
        placement_certificate_id=link.pk,
        approve=True,
    )
    _decide(renewed, reviewer, {202501: (True, ""), 202502: (False, "材料不清晰"), 202503: (True, "")})
    entries = list(AuditEntry.objects.filter(action=AuditAction.PLACEMENT_REVIEW).order_by("at", "pk"))
    assert [entry.detail["review"] for entry in entries] == ["certificate", "months"]
    last = entries[-1]
    assert (last.actor, last.region_code, last.object_id) == (reviewer, "150102", str(renewed.pk))
    assert last.detail["outcome"] == "partly_rejected" and last.detail["invalid_months"] == "202502"
    assert renewed.id_number not in last.object_label
    assert ("审核事项", "安置月份认定") in last.detail_items and (
        "审核结果",
        "部分审核不通过",
    ) in last.detail_items


def test_a_dispatch_person_waits_for_the_agreement_review_and_its_approval_passes_the_contract_check(
    employer, user, reviewer
):
    """All data present (wage, insurance, filing): without the review the system would confirm the dispatch
    person by itself and the agreement would never be looked at."""
    company = other_uscc(22)
    RelatedUnit.objects.create(
        employer=employer, business_year=YEAR, relation=RelationKind.DISPATCH, uscc=company, name="派遣公司"
    )
    dispatch_filing(company)
    number = new_id_number()
    registry_person(number, payer=company)
    draft = ready_draft(employer, user, number, **_dispatch_contract(employer, company))
    placement = resubmit(draft, employer, user, [OCT, NOV, DEC])
    assert placement.status == PlacementStatus.PENDING

    def contract_reasons() -> set[str]:
        months = PlacementMonth.objects.filter(placement=placement, month__in=[OCT, NOV, DEC])
        return {m.checks["contract"].get("reason_code", "passed") for m in months}

    assert contract_reasons() == {"dispatch_agreement_pending_review"}
    _agreement_decide(
        placement,
        reviewer,
        contract_id=placement.contracts.get().pk,
        approve=True,
    )
    assert contract_reasons() == {"passed"}
