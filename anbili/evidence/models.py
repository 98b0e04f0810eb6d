"""Evidence files (附件 / 影像资料): one row per accepted upload, owned by one employer.

The blob lives in Django storage under a name we generate; the uploader's file name is kept for display only.
"""

from django.conf import settings
from django.db import models


class EvidencePurpose(models.TextChoices):
    RELATED_UNIT_AGREEMENT = "related_unit_agreement", "关联单位证明材料"
    CONTRACT = "contract", "劳动合同"
    STAFFING_ROSTER = "staffing_roster", "编制证明"
    DISPATCH_AGREEMENT = "dispatch_agreement", "劳务派遣协议"
    WAGE_PROOF = "wage_proof", "工资发放证明"
    PENSION_PROOF = "pension_proof", "社会保险缴费凭证"
    MEDICAL_PROOF = "medical_proof", "医疗保险缴费凭证"
    CERTIFICATE_IMAGE = "certificate_image", "残疾证影像"
    DIPLOMA = "diploma", "学历学位证明"
    DISPATCH_FILING = "dispatch_filing", "劳务派遣备案证明材料"
    OTHER = "other", "其他材料"


class EvidenceFile(models.Model):
    """One accepted upload: its checked type, size and sha256, and where the blob is stored."""

    employer = models.ForeignKey(
        "employers.Employer", verbose_name="用人单位", on_delete=models.PROTECT, related_name="evidence_files"
    )
    purpose = models.CharField("材料类型", max_length=32, choices=EvidencePurpose.choices)
    # Shown to people only; never part of a path.
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=64)
    size = models.PositiveBigIntegerField("文件大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    storage_name = models.CharField("存储名", max_length=255, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["employer", "purpose"], name="evidence_employer_purpose")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}：{self.original_name}"

    @property
    def extension(self) -> str:
        """The extension that matches the checked content type (used for download names)."""
        return CONTENT_TYPE_EXTENSION.get(self.content_type, "")


# The only accepted types, judged by content (quality.md "Uploads"), and the extensions each may carry.
ACCEPTED_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/pdf": (".pdf",),
}
CONTENT_TYPE_EXTENSION = {content_type: exts[0] for content_type, exts in ACCEPTED_EXTENSIONS.items()}
