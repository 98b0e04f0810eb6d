"""Registration step 3, 残疾证管理: a historical certificate added for DPF review, and the step's completion,
which runs the first verification (so that 人员信息校验 only reads stored verdicts)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anbili.core.errors import ApplicationError
from anbili.core.identifiers import validate_certificate_number
from anbili.core.inputs import choice_value, date_value, text_value
from anbili.employers.models import Employer
from anbili.evidence.models import EvidencePurpose
from anbili.placements.models import Placement, PlacementCertificate, PlacementStep
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
    """补充历史残疾证: issued within the business year with no earlier registry certificate; it waits for DPF
    review (origin manual_pending) and does not count until approved."""
    with transaction.atomic():
        placement = editable(placement_id, employer, today)
        year = placement.business_year
        kind = choice_value(certificate_type, CertificateType.values, "certificate_type", "证件类型")
        try:
            level_value = int(str(level).strip())
        except ValueError:
            raise ApplicationError("「残疾等级」应为数字", field="level", code="invalid") from None
        category_value: int | None = None
        if kind == CertificateType.DISABLED_PERSON:
            parsed = validate_certificate_number(number, placement.id_number, today=today, field="number")
            number_text = parsed.number
            category_value = parsed.category
            if str(category or "").strip() and int(str(category).strip()) != parsed.category:
                raise ApplicationError(
                    "「残疾类别」与残疾证号第19位不一致", field="category", code="mismatch"
                )
            if level_value != parsed.level:
                raise ApplicationError("「残疾等级」与残疾证号第20位不一致", field="level", code="mismatch")
        else:
            number_text = text_value(number, "number", "残疾证号", limit=32).upper()
            if not 1 <= level_value <= 10:
                raise ApplicationError("残疾军人证「残疾等级」应为1-10级", field="level", code="range")
        start = date_value(valid_from, "valid_from", "残疾证有效期起")
        assert start is not None
        end = date_value(valid_until, "valid_until", "残疾证有效期止", required=False)
        if end is not None and end < start:
            raise ApplicationError("「残疾证有效期止」不能早于有效期起", field="valid_until", code="order")
        if start.year != year:
            raise ApplicationError(
                f"只能补充在 {year} 业务年度内发证的历史残疾证（有效期起应在 {year} 年内）",
                field="valid_from",
                code="year",
            )
        earlier = Certificate.objects.filter(
            id_number=placement.id_number, origin=CertificateOrigin.REGISTRY, valid_from__lt=start
        ).exclude(status=CertificateStatus.REVOKED)
        if earlier.exists():
            raise ApplicationError(
                "残疾人人口基础库中已有更早的残疾证，无需补充历史残疾证", field="valid_from", code="earlier"
            )
        if Certificate.objects.filter(number=number_text, valid_from=start).exists():
            raise ApplicationError("该残疾证（证号和有效期起）已存在", field="number", code="duplicate")
        if image_upload is None:
            raise ApplicationError("请上传残疾证影像", field="image_upload", code="required")
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
        placement.save()
        return link


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
