"""Staff review system: 安置登记审核, the review screen of one placement (seed 004), its decisions and the
inline preview of the placement's documents.

GET shows the screen; POST on it is 确认 (the months 有效/无效); 退回补正, an added certificate, a dispatch
agreement and 显示完整证件号码 post to their own URLs. Every decision goes through one service of
`anbili.placements.services.review` with the token of the state the reviewer saw: when the placement
changed meanwhile the page says so and shows the new state (409). See docs/review.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.forms import BoundField, Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anbili.audit.models import AuditAction
from anbili.audit.services import audit_record
from anbili.backoffice.forms_review import DocumentDecisionForm, MonthsForm, SendBackForm
from anbili.core.errors import ApplicationError
from anbili.evidence.access import access_evidence_for_staff
from anbili.evidence.preview import evidence_preview_response
from anbili.placements.access import access_placement_for_staff
from anbili.placements.models import MonthOutcomeChoice, Placement
from anbili.placements.selectors import beijing_time
from anbili.placements.selectors_review_screen import (
    MonthRow,
    ReviewScreen,
    review_reasons,
    review_screen,
    screen_checks_headings,
)
from anbili.placements.services.review import (
    REVIEW_ROLES,
    ReviewChanged,
    placement_agreement_decide,
    placement_certificate_decide,
    placement_review_decide,
    placement_send_back,
    review_token,
)
from anbili.web.decorators import staff_required
from anbili.web.forms import form_add_application_error


@dataclass
class MonthEntry:
    """A month row of 审核结果 with, when it waits for the reviewer, the bound inputs of its decision."""

    row: MonthRow
    valid: BoundField | None = None
    reason: BoundField | None = None
    text: BoundField | None = None

    @property
    def errors(self) -> list[str]:
        found: list[str] = []
        for bound in (self.valid, self.reason, self.text):
            if bound is not None:
                found.extend(str(e) for e in bound.errors)
        return found


@dataclass
class DocumentForm:
    """The decision form of one added certificate or one dispatch agreement."""

    target: Any
    form: DocumentDecisionForm
    prefix: str

    @property
    def anchor(self) -> str:
        return f"{self.prefix}-{self.target_id}"

    @property
    def target_id(self) -> int:
        return int(getattr(self.target, "link_id", None) or self.target.pk)


def _queue_url() -> str | None:
    try:
        return reverse("backoffice:placement_review")
    except NoReverseMatch:  # the queue is another page's; link to it once it exists
        return None


def _can_decide(request: HttpRequest) -> bool:
    return getattr(request.user, "staff_role", "") in REVIEW_ROLES


def _place_month_errors(form: MonthsForm, exc: ApplicationError) -> None:
    """Each of the service's problems where the reviewer looks for it: a 无效 without a reason at that
    month's reason (`reason_<YYYYMM>`), the months left undecided at each one's radio group, anything else
    (an undecided certificate or agreement, a stale state) at the top of the form."""
    decided = set(form.decisions())
    for error in exc.errors:
        field = error.field or ""
        if field in form.fields:
            form.add_error(field, error.message)
        elif field == "months" and error.code == "required":
            for month in form.months:
                if month not in decided:
                    form.add_error(f"valid_{month}", f"请选择 {month} 月的认证结果（有效或无效）")
        else:
            form.add_error(None, error.message)


def _summary(bound: dict[str, Any]) -> list[tuple[str, str]]:
    """The error summary: (anchor, message) for every problem of the form that was posted."""
    items: list[tuple[str, str]] = []
    for name, form in bound.items():
        if form is None:
            continue
        for field, errors in form.errors.items():
            if field == "__all__":
                anchor = f"{name}-form"
            elif field.startswith("valid_") or field == "decision":
                anchor = f"{form[field].auto_id}_0"
            else:
                anchor = form[field].auto_id
            items.extend((anchor, str(message)) for message in errors)
    return items


def _page(
    request: HttpRequest,
    placement: Placement,
    *,
    full: bool = False,
    bound: dict[str, Form | None] | None = None,
    status: int = 200,
    changed: str = "",
) -> HttpResponse:
    bound = bound or {}
    screen: ReviewScreen = review_screen(placement, full=full)
    token = review_token(placement)
    reasons = screen.reasons
    pending = [row.month for row in screen.pending_months]
    months_form = bound.get("months") or MonthsForm(
        initial={"token": token}, months=pending, reasons=reasons.month, prefix=None
    )
    send_back_form = bound.get("send_back") or SendBackForm(
        initial={"token": token}, reasons=reasons.send_back
    )
    entries = []
    for row in screen.months:
        if row.pending:
            entries.append(
                MonthEntry(
                    row,
                    months_form[f"valid_{row.month}"],
                    months_form[f"reason_{row.month}"],
                    months_form[f"text_{row.month}"],
                )
            )
        else:
            entries.append(MonthEntry(row))
    certificate_forms = [
        DocumentForm(
            c,
            _document_form(bound.get(f"certificate-{c.link_id}"), "certificate", c.link_id, token, reasons),
            "certificate",
        )
        for c in screen.pending_certificates
    ]
    agreement_forms = [
        DocumentForm(
            c, _document_form(bound.get(f"agreement-{c.pk}"), "agreement", c.pk, token, reasons), "agreement"
        )
        for c in screen.pending_agreements
    ]
    context = {
        "screen": screen,
        "placement": placement,
        "token": token,
        "months_form": months_form,
        "send_back_form": send_back_form,
        "entries": entries,
        "pending_entries": [e for e in entries if e.valid is not None],
        "certificate_forms": certificate_forms,
        "agreement_forms": agreement_forms,
        "headings": screen_checks_headings(),
        "can_decide": _can_decide(request) and screen.pending,
        "reviewer_name": getattr(request.user, "full_name", "") or request.user.get_username(),
        "review_time": beijing_time(timezone.now()),
        "errors": _summary(bound),
        "changed": changed,
        "queue_url": _queue_url(),
    }
    return render(request, "backoffice/review_detail.html", context, status=status)


def _document_form(
    form: Form | None, prefix: str, target: int, token: str, reasons: Any
) -> DocumentDecisionForm:
    if isinstance(form, DocumentDecisionForm):
        return form
    return DocumentDecisionForm(
        initial={"token": token, "target": target}, reasons=reasons.document, prefix=f"{prefix}-{target}"
    )


def _changed(request: HttpRequest, pk: int, exc: ReviewChanged) -> HttpResponse:
    """The placement changed since the reviewer opened it: say so, and show what it is now (409)."""
    fresh = access_placement_for_staff(request, pk)
    return _page(request, fresh, status=409, changed=exc.message)


def _done(request: HttpRequest, placement: Placement, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("backoffice:placement_review_detail", pk=placement.pk)


@staff_required
def placement_review_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """安置登记审核: GET shows the screen; POST is 确认 of the months."""
    placement = access_placement_for_staff(request, pk)
    if request.method != "POST":
        return _page(request, placement)
    pending = [row.month for row in _pending_months(placement)]
    form = MonthsForm(request.POST, months=pending, reasons=review_reasons(placement).month)
    if form.is_valid():
        try:
            decided = placement_review_decide(
                placement_id=placement.pk,
                reviewer=request.user,
                token=form.cleaned_data["token"],
                months=form.decisions(),
                note=form.cleaned_data["note"],
            )
        except ReviewChanged as exc:
            return _changed(request, pk, exc)
        except ApplicationError as exc:
            _place_month_errors(form, exc)
        else:
            return _done(request, decided, f"审核完成：{decided.get_status_display()}")
    return _page(request, placement, bound={"months": form}, status=400)


def _pending_months(placement: Placement) -> list[Any]:
    """The months of the placement waiting for review, as the screen offered them."""
    return [m for m in placement.months.all() if m.outcome == MonthOutcomeChoice.PENDING_REVIEW]


@require_POST
@staff_required
def placement_review_send_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    """退回补正: what is missing (canned items and own words, at least one) goes to the employer."""
    placement = access_placement_for_staff(request, pk)
    form = SendBackForm(request.POST, reasons=review_reasons(placement).send_back)
    if form.is_valid():
        try:
            sent = placement_send_back(
                placement_id=placement.pk,
                reviewer=request.user,
                token=form.cleaned_data["token"],
                items=form.items(),
                note=form.cleaned_data["note"],
            )
        except ReviewChanged as exc:
            return _changed(request, pk, exc)
        except ApplicationError as exc:
            form_add_application_error(form, _on_field(exc, "items"))
        else:
            return _done(request, sent, "已退回补正，用人单位将收到需补正内容的通知")
    return _page(request, placement, bound={"send_back": form}, status=400)


def _on_field(exc: ApplicationError, default: str) -> ApplicationError:
    """A service error without a field of the form is shown at `default` (the form's main input)."""
    return exc if exc.field else ApplicationError(exc.message, field=default, code=exc.code)


def _document_decision(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    placement = access_placement_for_staff(request, pk)
    target = request.POST.get("target", "")
    # The form's inputs carry the target in their prefix (several forms on one page).
    prefix = next(
        (
            key.removesuffix("-target")
            for key in request.POST
            if key.startswith(f"{kind}-") and key.endswith("-target")
        ),
        f"{kind}-{target}",
    )
    form = DocumentDecisionForm(request.POST, reasons=review_reasons(placement).document, prefix=prefix)
    if form.is_valid():
        common = {
            "placement_id": placement.pk,
            "reviewer": request.user,
            "token": form.cleaned_data["token"],
            "approve": form.approve(),
            "reason": form.reason(),
        }
        try:
            if kind == "certificate":
                decided = placement_certificate_decide(
                    placement_certificate_id=form.cleaned_data["target"], **common
                )
                label = "补充残疾证"
            else:
                decided = placement_agreement_decide(contract_id=form.cleaned_data["target"], **common)
                label = "劳务派遣协议"
        except ReviewChanged as exc:
            return _changed(request, pk, exc)
        except ApplicationError as exc:
            form_add_application_error(form, _on_field(exc, "reason"))
        else:
            outcome = "审核通过" if form.approve() else "审核不通过"
            return _done(request, decided, f"{label}{outcome}")
    return _page(request, placement, bound={prefix: form}, status=400)


@require_POST
@staff_required
def placement_review_certificate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An added certificate (补充残疾证) approved or rejected on its own."""
    return _document_decision(request, pk, "certificate")


@require_POST
@staff_required
def placement_review_agreement_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A dispatch agreement (劳务派遣协议) approved or rejected on its own."""
    return _document_decision(request, pk, "agreement")


@require_POST
@staff_required
def placement_review_full_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The screen with the full ID and certificate numbers, on the reviewer's explicit request: audited as
    the portal's 显示完整证件号码 is. POST, so that no prefetch or crawler writes an audit row."""
    placement = access_placement_for_staff(request, pk)
    audit_record(
        AuditAction.PERSON_FULL_VIEW,
        request=request,
        obj=placement,
        region_code=placement.employer.dpf_region_id,
        detail={"fields": "身份证号、残疾证号", "page": "安置登记审核"},
    )
    return _page(request, placement, full=True)


@staff_required
def evidence_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A document shown inline on the review screen: an image, or a PDF page as a PNG (`?page=`), after the
    jurisdiction gate (404 outside), audited as a document view."""
    evidence = access_evidence_for_staff(request, pk)
    page = request.GET.get("page", "1")
    number = int(page) if page.isdigit() and len(page) < 4 else 0
    return evidence_preview_response(evidence, request=request, page=number)
