"""The filters of the review queue (安置登记审核)."""

from __future__ import annotations

from typing import Any

from django import forms

from anbili.forms import NamedForm
from anbili.placements.selectors_queue import ANY_SIGNAL, KIND_LABELS, QueueFilters
from anbili.rules.signals import SIGNAL_LABELS

AGE_CHOICES = [("", "不限"), ("7", "超过7天"), ("15", "超过15天"), ("30", "超过30天")]
# Indentation of a region in the picker by its level (province, city, county).
_INDENT = {1: "", 2: "　", 3: "　　"}


def region_choices(regions: Any) -> list[tuple[str, str]]:
    """The picker's options: the regions of the jurisdiction, indented by level."""
    return [("", "本辖区全部")] + [(r.code, f"{_INDENT.get(r.level, '')}{r.name}") for r in regions]


class ReviewQueueForm(NamedForm):
    region = forms.ChoiceField(label="所属地区", required=False)
    employer = forms.CharField(
        label="用人单位", max_length=100, required=False, help_text="单位名称或统一社会信用代码"
    )
    submitted_from = forms.DateField(
        label="提交日期起", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label="提交日期止", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    older_than = forms.ChoiceField(label="等待时长", required=False, choices=AGE_CHOICES)
    kind = forms.ChoiceField(
        label="待审事项",
        required=False,
        choices=[("", "全部事项"), *((kind.value, label) for kind, label in KIND_LABELS.items())],
    )
    signal = forms.ChoiceField(
        label="风险提示",
        required=False,
        choices=[
            ("", "不限"),
            (ANY_SIGNAL, "有任一风险提示"),
            *((code.value, label) for code, label in SIGNAL_LABELS.items()),
        ],
    )

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = region_choices(regions)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", "「提交日期止」不能早于「提交日期起」")
        return cleaned

    def filters(self) -> QueueFilters:
        """The valid filters (an invalid form filters by none; its errors are shown beside the fields)."""
        if not self.is_bound or not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            region=data["region"],
            employer=data["employer"],
            submitted_from=data["submitted_from"],
            submitted_to=data["submitted_to"],
            older_than=int(data["older_than"]) if data["older_than"] else None,
            kind=data["kind"],
            signal=data["signal"],
        )
