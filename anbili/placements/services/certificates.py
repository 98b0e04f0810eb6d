"""Registration step 3, 残疾证管理: a historical certificate added for DPF review or removed before it is
decided, and the step's completion, which runs the first verification (so that 人员信息校验 only reads
stored verdicts)."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from anbili.core.errors import ApplicationError, ErrorCollector
from anbili.core.identifiers import validate_certificate_number
from anbili.core.inputs import choice_value, date_value, text_value
from anbili.employers.models import Employer
from anbili.evidence.models import EvidencePurpose
from anbili.placements.models import Placement, PlacementCertificate, PlacementStep
from anbili.placements.selectors import historical_certificate_need
from anbili.placements.services.guards import advance, editable, store
from anbili.placements.services.verify import verified
from anbili.registry.models import (
    SOURCE_EMPLOYER,
    Certificate,
    CertificateOrigin,
    CertificateStatus,
    CertificateType,
)


def placement_certificate_add(
    *,
    placement_id: int,
    employer: Employer,
    actor: Any,
    today: date,
    number: str,
    certificate_type: str,
    category: int | str | None,
    level: int | str,
    valid_from: date | str,
    valid_until: date | str | None,
    image_upload: UploadedFile | None,
) -> PlacementCertificate:
    """补充历史残疾证 (domain.md step 4, seed 002): the person's current certificate was newly issued inside
    the business year and the registry holds no earlier one; the certificate the person held before is added
    with dates before, and up to, the current one's start. It waits for DPF review (origin manual_pending)
    and does not count until approved. Every problem of the input is reported at once."""
    with transaction.atomic():
        placement = editable(placement_id, employer, today)
        year = placement.business_year
        need = historical_certificate_need(placement.id_number, year)
        if not need.allowed or need.current is None:
            raise ApplicationError(need.reason, code="not_applicable")
        current_start = need.current.valid_from
        check = ErrorCollector()
        identity = _identity(check, placement.id_number, today, number, certificate_type, category, level)
        start = check(date_value, valid_from, "valid_from", "有效期起")
        end = check(date_value, valid_until, "valid_until", "有效期止")
        _check_dates(check, start, end, current_start, year)
        if image_upload is None:
            check.add("请上传残疾证影像", "image_upload", "required")
        check.raise_if_any()
        assert start is not None and end is not None and identity is not None and image_upload is not None
        kind, number_text, category_value, level_value = identity
        overlapping = (
            Certificate.objects.filter(
                id_number=placement.id_number,
                origin__in=(CertificateOrigin.MANUAL_PENDING, CertificateOrigin.MANUAL_APPROVED),
                valid_from__lte=end,
            )
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
            .exclude(status=CertificateStatus.REVOKED)
            .first()
        )
        if overlapping is not None:
            raise ApplicationError(
                f"与已补充的历史残疾证（有效期 {overlapping.valid_from:%Y-%m-%d} 起）有效期重叠，请核实日期",
                field="valid_from",
                code="overlap",
            )
        if Certificate.objects.filter(number=number_text, valid_from=start).exists():
            raise ApplicationError("该残疾证（证号和有效期起）已存在", field="number", code="duplicate")
        image = store(employer, actor, image_upload, EvidencePurpose.CERTIFICATE_IMAGE, "image_upload")
        certificate = Certificate.objects.create(
            number=number_text,
            id_number=placement.id_number,
            kind=kind,
            category=category_value,
            level=level_value,
            valid_from=start,
            valid_until=end,
            status=CertificateStatus.VALID,
            region_code=employer.dpf_region_id,
            origin=CertificateOrigin.MANUAL_PENDING,
            source=SOURCE_EMPLOYER,
            received_at=timezone.now(),
        )
        link = PlacementCertificate.objects.create(placement=placement, certificate=certificate, image=image)
        _reverified(placement)
        return link


def _identity(
    check: ErrorCollector,
    id_number: str,
    today: date,
    number: str,
    certificate_type: str,
    category: int | str | None,
    level: int | str,
) -> tuple[str, str, int | None, int] | None:
    """(kind, number, category, level) of the certificate as entered, or None with the problems collected:
    a 残疾人证号 belongs to the person and states the category and level (digits 19 and 20)."""
    kind = check(choice_value, certificate_type, CertificateType.values, "certificate_type", "证件类型")
    level_value: int | None = None
    try:
        level_value = int(str(level).strip())
    except ValueError:
        check.add("「残疾等级」应为数字", "level", "invalid")
    category_value: int | None = None
    number_text: str | None = None
    if kind == CertificateType.DISABLED_PERSON:
        parsed = check(validate_certificate_number, number, id_number, today=today, field="number")
        if parsed is not None:
            number_text, category_value = parsed.number, parsed.category
            given = str(category or "").strip()
            if given and (not given.isdigit() or int(given) != parsed.category):
                check.add("「残疾类别」与残疾证号第19位不一致", "category", "mismatch")
            if level_value is not None and level_value != parsed.level:
                check.add("「残疾等级」与残疾证号第20位不一致", "level", "mismatch")
    elif kind is not None:
        text = check(text_value, number, "number", "残疾证号", limit=32)
        number_text = text.upper() if text else None
        if level_value is not None and not 1 <= level_value <= 10:
            check.add("残疾军人证「残疾等级」应为1-10级", "level", "range")
    if kind is None or number_text is None or level_value is None:
        return None
    return kind, number_text, category_value, level_value


def _check_dates(
    check: ErrorCollector, start: date | None, end: date | None, current_start: date, year: int
) -> None:
    """The earlier certificate's real dates: before, and up to, the current one's start, and in force on at
    least one day of the business year."""
    if start is not None and start >= current_start:
        check.add(
            f"「有效期起」应早于当前残疾证的有效期起 {current_start:%Y-%m-%d}：请填写该人员此前持有的"
            "残疾证的真实日期",
            "valid_from",
            "order",
        )
    if end is None:
        return
    if end > current_start:
        check.add(
            f"「有效期止」不能晚于当前残疾证的有效期起 {current_start:%Y-%m-%d}", "valid_until", "order"
        )
    elif end < date(year, 1, 1):
        check.add(
            f"「有效期止」早于 {year} 年1月1日，该证不覆盖 {year} 业务年度的任何月份", "valid_until", "year"
        )
    if start is not None and end < start:
        check.add("「有效期止」不能早于有效期起", "valid_until", "order")


def placement_certificate_remove(
    *, placement_id: int, employer: Employer, actor: Any, today: date, certificate_id: int
) -> None:
    """Remove a historical certificate the employer added to this placement, while no reviewer has decided it
    (origin manual_pending); the placement must be an editable draft (window open, year not locked). The
    certificate and its image go; months verified before are verified again."""
    with transaction.atomic():
        placement = editable(placement_id, employer, today)
        # The placement row is locked (editable), which serialises every change of its certificates.
        link = (
            PlacementCertificate.objects.select_related("certificate", "image")
            .filter(placement=placement, certificate_id=certificate_id)
            .first()
        )
        if link is None:
            raise ApplicationError(
                "未找到该补充的历史残疾证（只能删除本安置登记中手动添加的残疾证）", code="not_found"
            )
        certificate = link.certificate
        if certificate.origin != CertificateOrigin.MANUAL_PENDING:
            raise ApplicationError(
                f"该残疾证已经残联审核（{certificate.get_origin_display()}），不能删除", code="decided"
            )
        image = link.image
        link.delete()
        certificate.delete()
        # The image goes too (its blob is left to evidence_orphans_delete) unless something else holds it.
        with contextlib.suppress(ProtectedError), transaction.atomic():
            image.delete()
        _reverified(placement)


def _reverified(placement: Placement) -> None:
    """After a certificate change: a placement whose months were verified already is verified again, so that
    人员信息校验 never shows verdicts of a certificate that is gone (or misses a new one)."""
    if placement.step == PlacementStep.SELECT:
        verified(placement)
    else:
        placement.save()


def placement_certificates_done(
    *, placement_id: int, employer: Employer, actor: Any, today: date
) -> Placement:
    """残疾证管理 → 保存, 下一步: move the draft on to verification and verify it with the newest registry
    data (the verification page then only shows the stored verdicts)."""
    with transaction.atomic():
        placement = editable(placement_id, employer, today)
        if not placement.contracts.exists():
            raise ApplicationError("请先在“合同管理”中添加至少一份合同", field="contracts", code="required")
        advance(placement, PlacementStep.VERIFY)
        placement.save()
        verified(placement)
        return placement
