"""The base of every form of the portal and the review system, `NamedForm`, and the field builders the forms
share.

Django's generic texts ("这个字段是必填项。", "确保该值不超过 …", "输入一个有效的日期。") never say which
field is meant and read as machine translation. `NamedForm` replaces each message a field still has in
Django's own words by one that names the field by its label, as the seeds word them ("请填写「经办人姓名」",
"请选择「单位性质」", "请上传「合同文件」"); a message a form sets itself is kept. Every text input
(passwords aside) also refuses a hidden character (zero-width space, bidi control) with its place, through
`anbili.core.inputs`, instead of counting it as one more character against the field's length.

This module sits below every app (just above the pure `anbili.rules` and `anbili.core`, see the layers in
docs/architecture.md) so that the forms of accounts, notices and audit derive from it as the portal's do.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from anbili.core.errors import ApplicationError
from anbili.core.inputs import hidden_character_position
from anbili.core.phone import MOBILE_HINT, PHONE_HINT, validate_phone

# A message still in Django's words is one of these objects (the fields copy them, never re-create them).
_DJANGO_DEFAULTS: dict[type, dict[str, Any]] = {}


def required_messages(label: str, *, choose: bool = False) -> dict[str, str]:
    """The "required" message naming the field, as the screens word it (请填写/请选择「…」)."""
    return {"required": f"请{'选择' if choose else '填写'}「{label}」"}


def text_field(
    label: str, *, required: bool = True, max_length: int = 200, help_text: str = ""
) -> forms.CharField:
    """A text input whose messages name the field."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        error_messages={
            **required_messages(label),
            "max_length": f"「{label}」不能超过 %(limit_value)d 个字",
        },
    )


class PhoneField(forms.CharField):
    """A phone input checked on the page by the one phone check (`anbili.core.phone.validate_phone`, which the
    services apply again for the other paths); `mobile_only` for a 手机号 that receives SMS."""

    def __init__(self, *, label: str, mobile_only: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", MOBILE_HINT if mobile_only else PHONE_HINT)
        super().__init__(label=label, **kwargs)
        self.mobile_only = mobile_only
        self.widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        if not text:
            return text
        try:
            label = str(self.label)
            return validate_phone(text, field="", label=label, required=False, mobile_only=self.mobile_only)
        except ApplicationError as exc:
            raise ValidationError(exc.message, code=exc.code) from None


def _required(field: forms.Field, label: str) -> str:
    if isinstance(field, forms.FileField):
        return f"请上传「{label}」"
    if isinstance(field, forms.BooleanField):
        return f"请勾选「{label}」"
    if isinstance(field, forms.ChoiceField):
        return f"请选择「{label}」"
    return f"请填写「{label}」"


def _number_messages(field: forms.IntegerField, label: str) -> dict[str, str]:
    whole = not isinstance(field, forms.FloatField | forms.DecimalField)
    messages = {
        "invalid": f"「{label}」应为整数" if whole else f"「{label}」应为数字",
        "min_value": f"「{label}」不能小于 %(limit_value)s",
        "max_value": f"「{label}」不能大于 %(limit_value)s",
        "step_size": f"「{label}」应为 %(limit_value)s 的整数倍",
    }
    if isinstance(field, forms.DecimalField):
        messages |= {
            "max_digits": f"「{label}」最多 %(max)s 位数字",
            "max_decimal_places": f"「{label}」最多 %(max)s 位小数",
            "max_whole_digits": f"「{label}」整数部分最多 %(max)s 位",
        }
    return messages


def _text_messages(field: forms.CharField, label: str) -> dict[str, str]:
    invalid = "格式不正确"
    if isinstance(field, forms.EmailField):
        invalid = "不是有效的电子邮箱地址"
    elif isinstance(field, forms.URLField):
        invalid = "不是有效的网址"
    return {
        "invalid": f"「{label}」{invalid}",
        "max_length": f"「{label}」不能超过 %(limit_value)d 个字（当前 %(show_value)d 个）",
        "min_length": f"「{label}」至少 %(limit_value)d 个字（当前 %(show_value)d 个）",
        "null_characters_not_allowed": f"「{label}」不能包含空字符（\\x00），请删除后重新填写",
    }


def field_messages(field: forms.Field, label: str) -> dict[str, str]:
    """The messages naming `label` for each error code the field can raise."""
    messages = {"required": _required(field, label)}
    if isinstance(field, forms.FileField):
        messages |= {
            "invalid": f"「{label}」不是有效的文件，请重新选择",
            "missing": f"请上传「{label}」",
            "empty": f"上传的「{label}」是空文件",
            "max_length": f"「{label}」的文件名过长（最多 %(max)d 个字符）",
            "contradiction": f"「{label}」请上传新文件或清除原文件，不能同时进行",
            "invalid_image": f"「{label}」不是有效的图片",
        }
    elif isinstance(field, forms.ChoiceField):
        messages |= {
            "invalid_choice": f"「{label}」的选项无效，请重新选择",
            "invalid_list": f"「{label}」的选项无效，请重新选择",
            "invalid_pk_value": f"「{label}」的选项无效，请重新选择",
        }
    elif isinstance(field, forms.DateTimeField):
        messages["invalid"] = f"「{label}」不是有效的日期时间，格式如 2025-01-31 08:30"
    elif isinstance(field, forms.DateField):
        messages["invalid"] = f"「{label}」不是有效的日期，格式如 2025-01-31"
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = f"「{label}」不是有效的时间，格式如 08:30"
    elif isinstance(field, forms.IntegerField):
        messages |= _number_messages(field, label)
    elif isinstance(field, forms.CharField):
        messages |= _text_messages(field, label)
    return messages


def _django_defaults(cls: type) -> dict[str, Any]:
    """The messages Django's own field classes give `cls` (a project subclass's own defaults are not
    Django's, and stay)."""
    if cls not in _DJANGO_DEFAULTS:
        defaults: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            if klass.__module__.startswith("django."):
                defaults.update(getattr(klass, "default_error_messages", {}))
        _DJANGO_DEFAULTS[cls] = defaults
    return _DJANGO_DEFAULTS[cls]


class HiddenCharacterValidator:
    """Refuses a zero-width, bidi-control or other invisible character, saying where it is (a NUL byte is
    Django's own validator's, whose message names the field too)."""

    code = "hidden_character"

    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self, value: Any) -> None:
        # The NUL is replaced by a visible character so that the positions stay those typed.
        position = hidden_character_position(str(value).replace("\x00", " ")) if value else None
        if position is not None:
            raise ValidationError(
                f"「{self.label}」第{position}个字符处含有不可见字符，请删除后重新输入", code=self.code
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HiddenCharacterValidator) and other.label == self.label

    def __hash__(self) -> int:
        return hash((self.code, self.label))


_HIDDEN_CODES = frozenset({HiddenCharacterValidator.code, "null_characters_not_allowed"})


def name_messages(field: forms.Field) -> None:
    """Give `field` the messages naming its label wherever it still has Django's; a text field (not a
    password) refuses hidden characters first."""
    if getattr(field, "_messages_named", False) or not field.label:
        return
    label = str(field.label)
    defaults = _django_defaults(type(field))
    for code, message in field_messages(field, label).items():
        current = field.error_messages.get(code)
        if current is None or current is defaults.get(code):
            field.error_messages[code] = message
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
        field.validators.insert(0, HiddenCharacterValidator(label))
    field._messages_named = True  # type: ignore[attr-defined]


class NamedForm(forms.Form):
    """The base of every form: each field's messages name it (see the module's docstring)."""

    def full_clean(self) -> None:
        # Here rather than in __init__: some forms add or change fields after construction (a captcha).
        for field in self.fields.values():
            name_messages(field)
        super().full_clean()

    def add_error(self, field: str | None, error: Any) -> None:
        # A hidden character is the one thing to fix: the length it seems to add is not the user's doing.
        if isinstance(error, ValidationError) and not hasattr(error, "error_dict"):
            hidden = [e for e in error.error_list if e.code in _HIDDEN_CODES]
            if hidden:
                error = ValidationError(hidden)
        super().add_error(field, error)
