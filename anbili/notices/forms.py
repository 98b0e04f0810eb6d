"""Forms of the notice pages: they parse and label input; services decide."""

from collections.abc import Iterable

from django import forms

from anbili.forms import NamedForm
from anbili.notices.services import BODY_MAX, TITLE_MAX
from anbili.regions.models import Region


class NoticeSearchForm(NamedForm):
    q = forms.CharField(label="搜索关键字", max_length=50, required=False)


class NoticeForm(NamedForm):
    title = forms.CharField(label="标题", max_length=TITLE_MAX)
    body = forms.CharField(
        label="内容", max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8}), help_text="空行分段"
    )
    region_code = forms.ChoiceField(
        label="发布范围", choices=(), help_text="所选区划及其下级区划的用人单位都能看到这条通知公告"
    )

    def __init__(self, *args: object, regions: Iterable[Region] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region_code"].choices = [  # type: ignore[attr-defined]
            ("", "请选择"),
            *((r.code, f"{r.full_name}（{r.code}）") for r in regions),
        ]
