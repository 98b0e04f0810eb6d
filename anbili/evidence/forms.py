"""The upload field every form with an evidence file uses: the screens' hint, the accepted types, no checks
(the checks are `evidence_store`'s)."""

from typing import Any

from django import forms
from django.conf import settings

from anbili.evidence.services import ACCEPTED_HINT, size_text

ACCEPT = ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"


def evidence_hint() -> str:
    """Seed 004's hint, with the configured size limit."""
    return f"上传文件大小不能超过{size_text(settings.EVIDENCE_MAX_BYTES)}，{ACCEPTED_HINT}"


class EvidenceFileField(forms.FileField):
    """A file input offering only jpeg/jpg/png/pdf, with the hint; the file then goes to `evidence_store`."""

    def __init__(self, *, label: str = "附件", **kwargs: Any) -> None:
        kwargs.setdefault("help_text", evidence_hint())
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(label=label, **kwargs)
