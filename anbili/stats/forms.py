"""The statistics page's business-year picker."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from anbili.forms import NamedForm

YEARS_SHOWN = 5


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - YEARS_SHOWN, -1))


def default_year() -> int:
    """The last finished business year (the one being declared and reviewed)."""
    return timezone.localdate().year - 1


class StatisticsYearForm(NamedForm):
    year = forms.TypedChoiceField(label="业务年度", coerce=int, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.TypedChoiceField)
        year.choices = [(y, f"{y}年") for y in _years()]
        year.initial = default_year()

    def chosen_year(self) -> int:
        """The valid year asked for, else the last finished business year."""
        if self.is_bound and self.is_valid():
            return int(self.cleaned_data["year"])
        return default_year()
