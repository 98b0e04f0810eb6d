"""Reads about employers."""

from dataclasses import dataclass
from datetime import date

from anbili.core.errors import ApplicationError
from anbili.employers.models import Employer
from anbili.regions.selectors import declaration_window_for


@dataclass(frozen=True)
class HomeSummary:
    employer: Employer
    business_year: int
    window_opens: date | None
    window_closes: date | None
    window_open: bool
    window_problem: str


def employer_home_summary(employer: Employer, *, today: date) -> HomeSummary:
    """What the portal home shows: the business year being declared and whether the window is open."""
    business_year = today.year - 1
    try:
        window = declaration_window_for(employer.dpf_region.code, today.year)
    except ApplicationError as exc:
        return HomeSummary(employer, business_year, None, None, False, exc.message)
    is_open = window.opens <= today <= window.closes
    return HomeSummary(employer, business_year, window.opens, window.closes, is_open, "")
