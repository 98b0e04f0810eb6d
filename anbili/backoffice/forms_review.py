"""The forms of 安置登记审核: the month table's 确认, 退回补正, and the decision on one added certificate or
one dispatch agreement. They parse and name the fields; what is required (a reason for 无效, every pending
month decided, at least one 退回补正 item) is the review service's to decide, so that the window, the
page and any other caller get the same answer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms

from anbili.forms import NamedForm
from anbili.placements.models_review import ReviewReason

VALID, INVALID = "valid", "invalid"
APPROVE, REJECT = "approve", "reject"
TEXT_LIMIT = 200


def _reason_field(label: str, reasons: Sequence[ReviewReason]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", "请选择常用审核意见")] + [(str(r.pk), r.text) for r in reasons],
    )


def _text(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=TEXT_LIMIT)


def reason_text(canned: str, text: str) -> str:
    """The reason as stored: the canned reason and the reviewer's own words, either or both."""
    # "。" survives the services' NFKC normalisation (a full-width "；" would become ";").
    return "。".join(part.strip().rstrip("。") for part in (canned, text) if part.strip())


class _ReasonsMixin:
    reasons: dict[str, str]

    def _canned(self, value: str) -> str:
        return self.reasons.get(value or "", "")


class MonthsForm(_ReasonsMixin, NamedForm):
    """确认 on 审核结果: per month pending review `valid_<YYYYMM>` (有效/无效), `reason_<YYYYMM>` (a canned
    reason) and `text_<YYYYMM>` (own words); `note` for the whole decision; `token` of the review state."""

    token = forms.CharField(widget=forms.HiddenInput, required=False)
    note = _text("审核说明")

    def __init__(self, *args: Any, months: Iterable[int], reasons: Sequence[ReviewReason], **kwargs: Any):
        self.months = list(months)
        self.reasons = {str(r.pk): r.text for r in reasons}
        super().__init__(*args, **kwargs)
        for month in self.months:
            self.fields[f"valid_{month}"] = forms.ChoiceField(
                label=f"{month} 认证结果",
                required=False,
                choices=[(VALID, "有效"), (INVALID, "无效")],
                widget=forms.RadioSelect,
            )
            self.fields[f"reason_{month}"] = _reason_field(f"{month} 无效原因", reasons)
            self.fields[f"text_{month}"] = _text(f"{month} 无效原因说明")

    def decisions(self) -> dict[int, tuple[bool, str]]:
        """The months the reviewer decided: {YYYYMM: (valid, reason)}; an undecided month is left out (the
        service then names it)."""
        data = self.cleaned_data
        chosen = {}
        for month in self.months:
            choice = data.get(f"valid_{month}")
            if choice in (VALID, INVALID):
                reason = reason_text(
                    self._canned(data.get(f"reason_{month}", "")), data.get(f"text_{month}", "")
                )
                chosen[month] = (choice == VALID, reason)
        return chosen


class SendBackForm(_ReasonsMixin, NamedForm):
    """退回补正: the canned items that are missing (checkboxes) and the reviewer's own words."""

    token = forms.CharField(widget=forms.HiddenInput, required=False)
    text = _text("其他需补正的内容")
    note = _text("补充说明")

    def __init__(self, *args: Any, reasons: Sequence[ReviewReason], **kwargs: Any):
        self.reasons = {str(r.pk): r.text for r in reasons}
        super().__init__(*args, **kwargs)
        self.fields["items"] = forms.MultipleChoiceField(
            label="需补正的内容",
            required=False,
            choices=[(str(r.pk), r.text) for r in reasons],
            widget=forms.CheckboxSelectMultiple,
        )

    def items(self) -> list[str]:
        chosen = [self._canned(pk) for pk in self.cleaned_data.get("items", [])]
        own = (self.cleaned_data.get("text") or "").strip()
        return [item for item in chosen if item] + ([own] if own else [])


class DocumentDecisionForm(_ReasonsMixin, NamedForm):
    """One added certificate or one dispatch agreement: 审核通过 / 审核不通过 with a reason."""

    token = forms.CharField(widget=forms.HiddenInput, required=False)
    target = forms.IntegerField(widget=forms.HiddenInput, label="审核对象")
    decision = forms.ChoiceField(
        label="审核结果", choices=[(APPROVE, "审核通过"), (REJECT, "审核不通过")], widget=forms.RadioSelect
    )
    text = _text("不通过原因说明")

    def __init__(self, *args: Any, reasons: Sequence[ReviewReason], **kwargs: Any):
        self.reasons = {str(r.pk): r.text for r in reasons}
        super().__init__(*args, **kwargs)
        self.fields["reason"] = _reason_field("不通过原因", reasons)

    def approve(self) -> bool:
        return self.cleaned_data["decision"] == APPROVE

    def reason(self) -> str:
        return reason_text(
            self._canned(self.cleaned_data.get("reason", "")), self.cleaned_data.get("text", "")
        )
