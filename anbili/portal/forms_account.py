"""用户中心's 新增单位 form: the unit fields of 法人注册 (the legal person is the account's)."""

from django import forms

from anbili.accounts.forms import county_choices
from anbili.employers.models import UnitNature
from anbili.forms import NamedForm


class UnitAddForm(NamedForm):
    # No min_length: the service says what is wrong with a short code ("应为18位，当前为17位").
    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    unit_name = forms.CharField(label="单位名称", max_length=200)
    nature = forms.ChoiceField(label="单位性质", choices=[("", "请选择"), *UnitNature.choices])
    region_code = forms.ChoiceField(label="残联主管部门（所在区县）", choices=())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region_code"].choices = county_choices()  # type: ignore[attr-defined]


class UnitChoiceForm(NamedForm):
    employer_id = forms.IntegerField(label="单位", min_value=1)
