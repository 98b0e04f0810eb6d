"""Forms of the account pages: they parse and label input; services decide."""

from collections.abc import Iterable
from datetime import timedelta

from django import forms
from django.utils import timezone

from anbili.accounts.models import StaffRole
from anbili.employers.models import UnitNature
from anbili.forms import NamedForm, PhoneField
from anbili.regions.models import Region, RegionLevel


class LoginForm(NamedForm):
    account = forms.CharField(label="统一社会信用代码或经办人账号", max_length=64)
    password = forms.CharField(
        label="密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args: object, captcha_question: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["account"].widget.attrs.update({"autocomplete": "username"})
        if captcha_question:
            self._captcha_field(captcha_question)

    def _captcha_field(self, question: str) -> None:
        self._bound_fields_cache.pop("captcha", None)  # type: ignore[attr-defined]  # stale question
        self.fields["captcha"] = forms.CharField(
            label="验证码",
            max_length=4,
            help_text=question,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )

    def ask_captcha(self, question: str) -> None:
        """Require a fresh text captcha after a failure; the question is read out as the field's hint."""
        self._captcha_field(question)
        if self.is_bound:
            data = self.data.copy()  # type: ignore[attr-defined]
            data["captcha"] = ""
            self.data = data


class StaffLoginForm(LoginForm):
    account = forms.CharField(label="用户名", max_length=64)


def county_choices() -> list[tuple[str, str]]:
    """Counties grouped under their prefecture, for a region select."""
    counties = Region.objects.filter(level=RegionLevel.COUNTY).select_related("parent", "parent__parent")
    return [("", "请选择")] + [
        (
            r.code,
            f"{r.parent.parent.name if r.parent and r.parent.parent else ''} / "
            f"{r.parent.name if r.parent else ''} / {r.name}",
        )
        for r in counties
    ]


class RegisterForm(NamedForm):
    # No min_length: the service says what is wrong with a short code ("应为18位，当前为17位").
    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    unit_name = forms.CharField(label="单位名称", max_length=200)
    nature = forms.ChoiceField(label="单位性质", choices=[("", "请选择"), *UnitNature.choices])
    region_code = forms.ChoiceField(label="残联主管部门（所在区县）", choices=())
    legal_person_name = forms.CharField(label="法人姓名", max_length=50)
    legal_person_id_number = forms.CharField(label="法人身份证号", max_length=18)
    phone = PhoneField(label="法人手机号", mobile_only=True, max_length=20)
    password = forms.CharField(
        label="密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少8位，不能全是数字",
    )
    password2 = forms.CharField(
        label="确认密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region_code"].choices = county_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return data


class AgentForm(NamedForm):
    username = forms.CharField(label="经办人账号", max_length=64, help_text="用于登录，至少4个字符")
    full_name = forms.CharField(label="经办人姓名", max_length=50)
    phone = PhoneField(label="经办人手机号", mobile_only=True, max_length=20)
    valid_from = forms.DateField(
        label="授权开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label="授权截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少8位，不能全是数字",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        today = timezone.localdate()
        self.fields["valid_from"].initial = today
        self.fields["valid_until"].initial = today + timedelta(days=365)


class AgentPeriodForm(NamedForm):
    valid_from = forms.DateField(
        label="授权开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label="授权截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class PasswordChangeForm(NamedForm):
    old_password = forms.CharField(
        label="原密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少8位，不能全是数字",
    )
    new_password2 = forms.CharField(
        label="确认新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class SwitchUnitForm(NamedForm):
    employer_id = forms.IntegerField(label="切换单位")


class StaffForm(NamedForm):
    username = forms.CharField(label="用户名", max_length=64, help_text="用于登录申办系统，至少3个字符")
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = PhoneField(label="手机号", mobile_only=True, max_length=20, required=False)
    # A national admin has no region, so it is not created here (see staff_create).
    role = forms.ChoiceField(
        label="角色",
        choices=[
            ("", "请选择"),
            *((v, label) for v, label in StaffRole.choices if v != StaffRole.NATIONAL_ADMIN),
        ],
    )
    region_code = forms.ChoiceField(label="所属区划", choices=())
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少8位，不能全是数字",
    )

    def __init__(self, *args: object, regions: Iterable[Region] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region_code"].choices = [  # type: ignore[attr-defined]
            ("", "请选择"),
            *((r.code, f"{r.code} {r.name}") for r in regions),
        ]
