"""The audit log search form (申办系统 → 系统管理 → 审计日志)."""

from __future__ import annotations

from typing import Any

from django import forms

from anbili.audit.models import AuditAction
from anbili.audit.selectors import AuditSearch
from anbili.forms import NamedForm


class AuditSearchForm(NamedForm):
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部操作"), *AuditAction.choices])
    actor = forms.CharField(label="操作人账号", max_length=150, required=False)
    target = forms.CharField(
        label="对象", max_length=200, required=False, help_text="对象名称或编号；证件号码以脱敏形式保存"
    )
    start = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "「结束日期」不能早于「开始日期」")
        return cleaned

    def search(self) -> AuditSearch:
        """The valid criteria (an invalid form searches with none, its errors shown beside the fields)."""
        if not self.is_valid():
            return AuditSearch()
        data = self.cleaned_data
        return AuditSearch(
            action=data["action"],
            actor=data["actor"].strip(),
            target=data["target"].strip(),
            start=data["start"],
            end=data["end"],
        )
