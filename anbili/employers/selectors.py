"""Reads about employers: the declaration window as the portal sees it, the home page summary, the unit
information of a business year and the related units."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from anbili.core.errors import ApplicationError
from anbili.employers.models import Employer, RelatedUnit, RelationKind, UnitYearProfile
from anbili.regions.models import Region
from anbili.regions.selectors import declaration_window_for
from anbili.registry.models import DispatchFiling
from anbili.registry.selectors import dispatch_filing_for


def business_year_on(today: date) -> int:
    """The business year the portal works on: the previous calendar year (declared in this year's window)."""
    return today.year - 1


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass(frozen=True)
class WindowState:
    """This year's declaration window for the employer's province, seen on `today`."""

    today: date
    business_year: int
    opens: date | None
    closes: date | None
    is_open: bool
    # When closed: the day the next window opens (this year's, or next year's once this one has ended).
    next_opens: date | None
    problem: str  # a PolicyMissing message when the window is not configured

    @property
    def days_left(self) -> int | None:
        """Days from today to the last day of the window, 0 on the last day; None when closed."""
        return (self.closes - self.today).days if self.is_open and self.closes else None

    @property
    def days_until_open(self) -> int | None:
        return (self.next_opens - self.today).days if self.next_opens else None

    @property
    def closed_message(self) -> str:
        """Why the portal is read-only now, and when it opens (empty when the window is open)."""
        if self.is_open:
            return ""
        if self.problem:
            return f"当前无法确定申报期：{self.problem}"
        if self.opens and self.today < self.opens:
            return (
                f"当前不在申报期内。本年度申报期为 {_day(self.opens)} 至 {_day(self.closes or self.opens)}，"
                f"将于 {_day(self.opens)} 开放，届时可申报 {self.business_year} 业务年度。"
            )
        ended = (
            f"本年度申报期（{_day(self.opens)} 至 {_day(self.closes)}）已结束。"
            if self.opens and self.closes
            else ""
        )
        if self.next_opens:
            return f"当前不在申报期内。{ended}下一申报期将于 {_day(self.next_opens)} 开放。"
        return f"当前不在申报期内。{ended}下一申报期尚未公布。"


def declaration_window_state(employer: Employer, *, today: date) -> WindowState:
    """Whether the portal accepts writes for the employer today, and when its window opens or closes."""
    business_year = business_year_on(today)
    code = employer.dpf_region_id
    try:
        window = declaration_window_for(code, today.year)
    except ApplicationError as exc:
        return WindowState(today, business_year, None, None, False, None, exc.message)
    if window.opens <= today <= window.closes:
        return WindowState(today, business_year, window.opens, window.closes, True, None, "")
    if today < window.opens:
        return WindowState(today, business_year, window.opens, window.closes, False, window.opens, "")
    try:
        following = declaration_window_for(code, today.year + 1).opens
    except ApplicationError:
        following = None
    return WindowState(today, business_year, window.opens, window.closes, False, following, "")


@dataclass(frozen=True)
class ProgressStep:
    """One step of the home page's progress bar, with its state in words (never colour alone)."""

    label: str
    state: str  # done | current | todo
    state_text: str
    detail: str


@dataclass(frozen=True)
class PlacementFigures:
    """The business year's placement counters (seed 004's wording) and persons confirmed per month."""

    counters: tuple[tuple[str, int], ...]
    # (month "2025-01", persons registered, persons confirmed) for the chart and its table.
    monthly: tuple[tuple[str, int, int], ...]

    @property
    def chart_data(self) -> dict[str, list[object]]:
        """The series as the chart script reads them (the table shows the same numbers)."""
        return {
            "months": [month for month, _, _ in self.monthly],
            "registered": [registered for _, registered, _ in self.monthly],
            "confirmed": [confirmed for _, _, confirmed in self.monthly],
        }


@dataclass(frozen=True)
class HomeSummary:
    employer: Employer
    business_year: int
    window: WindowState
    profile: UnitYearProfile | None
    steps: tuple[ProgressStep, ...]
    # None while the year has no placement: the page then shows an empty state, not zeros.
    figures: PlacementFigures | None

    # The fields the first version of the home page used.
    @property
    def window_opens(self) -> date | None:
        return self.window.opens

    @property
    def window_closes(self) -> date | None:
        return self.window.closes

    @property
    def window_open(self) -> bool:
        return self.window.is_open

    @property
    def window_problem(self) -> str:
        return self.window.problem


def _progress(profile: UnitYearProfile | None, business_year: int) -> tuple[ProgressStep, ...]:
    unit_done = profile is not None and profile.is_confirmed
    if unit_done and profile is not None and profile.confirmed_at:
        confirmed_on = timezone.localtime(profile.confirmed_at).date()
        unit_detail = f"{business_year}业务年度单位信息已于 {_day(confirmed_on)} 确认"
    elif profile is not None and profile.copied_from_year:
        unit_detail = f"已按 {profile.copied_from_year} 年度信息预填，请核对后确认"
    else:
        unit_detail = f"请填写 {business_year} 业务年度的单位信息"
    later = [
        ("安置登记", "本业务年度尚未登记安置人员"),
        ("审核", "尚无待残联审核的安置人员"),
        ("完成申报", "所有安置人员审核确认后可完成申报"),
        ("发送税务", "完成申报后由残联发送税务部门"),
    ]
    steps = [
        ProgressStep(
            "单位信息", "done" if unit_done else "current", "已完成" if unit_done else "进行中", unit_detail
        )
    ]
    for i, (label, detail) in enumerate(later):
        current = unit_done and i == 0
        steps.append(
            ProgressStep(label, "current" if current else "todo", "进行中" if current else "未开始", detail)
        )
    return tuple(steps)


def employer_home_summary(
    employer: Employer,
    *,
    today: date,
    figures_for: Callable[[Employer, int], PlacementFigures | None] | None = None,
) -> HomeSummary:
    """What the portal home shows: the business year, its window, the progress steps and its counters.

    `figures_for(employer, business_year)` gives the counters and chart data: placements sit above employers
    in the layers, so the portal passes anbili.placements.selectors.placement_home_figures in."""
    business_year = business_year_on(today)
    profile = unit_year_profile_for(employer, business_year)
    return HomeSummary(
        employer=employer,
        business_year=business_year,
        window=declaration_window_state(employer, today=today),
        profile=profile,
        steps=_progress(profile, business_year),
        figures=figures_for(employer, business_year) if figures_for is not None else None,
    )


def unit_year_profile_for(employer: Employer, business_year: int) -> UnitYearProfile | None:
    """The unit's information for a business year: its saved row, else an unsaved copy of the latest earlier
    year (to be confirmed, with the year's own staff count left empty), else None."""
    rows = list(
        UnitYearProfile.objects.filter(employer=employer, business_year__lte=business_year)
        .select_related("confirmed_by")
        .order_by("-business_year")[:1]
    )
    if not rows:
        return None
    latest = rows[0]
    if latest.business_year == business_year:
        return latest
    return UnitYearProfile(
        employer=employer,
        business_year=business_year,
        employee_count=None,
        agent_name=latest.agent_name,
        agent_phone=latest.agent_phone,
        business_address=latest.business_address,
        registered_address=latest.registered_address,
        copied_from_year=latest.business_year,
    )


def related_unit_list(employer: Employer, business_year: int) -> QuerySet[RelatedUnit]:
    """The employer's related units of one business year, with their agreement files."""
    return (
        RelatedUnit.objects.filter(employer=employer, business_year=business_year)
        .select_related("agreement")
        .order_by("relation", "name", "pk")
    )


@dataclass(frozen=True)
class RelatedUnitRow:
    """A related unit as its list shows it; for a dispatch company, its filing in the employer's province."""

    unit: RelatedUnit
    filing: DispatchFiling | None

    @property
    def filing_text(self) -> str:
        if self.unit.relation != RelationKind.DISPATCH:
            return "不适用"
        if self.filing is None:
            return "未查询到在本省有效的劳务派遣备案"
        until = _day(self.filing.valid_until) if self.filing.valid_until else "长期"
        number = f"备案编号 {self.filing.filing_number}，" if self.filing.filing_number else ""
        return f"已备案（{number}有效期 {_day(self.filing.valid_from)} 至 {until}）"


def related_unit_rows(employer: Employer, business_year: int, *, today: date) -> list[RelatedUnitRow]:
    """The business year's related units; a dispatch company with its provincial filing valid today, since
    the filing must be in place before the employer declares (seed 003)."""
    province = employer.dpf_region_id[:2] + "0000"
    # One filing query per dispatch company: a unit has a handful of related units, not hundreds.
    return [
        RelatedUnitRow(
            unit,
            dispatch_filing_for(unit.uscc, province, today)
            if unit.relation == RelationKind.DISPATCH
            else None,
        )
        for unit in related_unit_list(employer, business_year)
    ]


def related_unit_years(employer: Employer) -> list[int]:
    """The business years in which the employer has related units, newest first."""
    return list(
        RelatedUnit.objects.filter(employer=employer)
        .order_by("-business_year")
        .values_list("business_year", flat=True)
        .distinct()
    )


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every GB/T 2260 region grouped by province, each option showing its path below the province."""
    regions = list(Region.objects.order_by("code"))
    by_code = {region.code: region for region in regions}
    groups: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for region in regions:
        province_code = region.code[:2] + "0000"
        names.setdefault(province_code, by_code[province_code].name if province_code in by_code else "")
        path = []
        node: Region | None = region
        while node is not None and node.code != province_code:
            path.append(node.name)
            node = by_code.get(node.parent_id) if node.parent_id else None
        label = " / ".join([names[province_code], *reversed(path)])
        groups.setdefault(province_code, []).append((region.code, label))
    return [(names[code], options) for code, options in groups.items()]
