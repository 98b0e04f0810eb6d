"""Reads about employers: the declaration window as the portal sees it, the home page summary, the unit
information of a business year and the related units."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

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
    """One step of the home page's progress bar, with its state in words (never colour alone).

    `state` is done | current (in progress, or the employer's turn) | attention (needs the employer's action)
    | todo (not started); `is_current` marks the one step the employer is at (aria-current="step"); `link` is
    the URL name of the screen where the step is done, shown while it is not."""

    label: str
    state: str
    state_text: str
    detail: str
    is_current: bool = False
    link: str = ""
    link_text: str = ""


STATE_TEXTS = {"done": "已完成", "current": "进行中", "attention": "需处理", "todo": "未开始"}


@dataclass(frozen=True)
class PlacementProgress:
    """The business year's placements by status, as the progress steps read them (all zero: none yet)."""

    draft: int = 0  # 资料待完善
    pending: int = 0  # 待审核
    confirmed: int = 0  # 已审核确认 (by the system or a reviewer)
    partly_rejected: int = 0  # 部分审核不通过
    rejected: int = 0  # 审核不通过

    @property
    def registered(self) -> int:
        return self.draft + self.submitted

    @property
    def submitted(self) -> int:
        return self.pending + self.confirmed + self.partly_rejected + self.rejected


@dataclass(frozen=True)
class DeclarationProgress:
    """The year's declaration (完成申报) and its sending to the tax authority (发送税务), for the last two
    steps. Hook: the declaration does not exist yet; its issue passes `declaration_for` to
    employer_home_summary, and until then both steps follow from the placements alone."""

    completed_at: datetime | None = None
    sent_to_tax_at: datetime | None = None


@dataclass(frozen=True)
class PlacementFigures:
    """The business year's placement counters (seed 004's wording) and persons confirmed per month."""

    counters: tuple[tuple[str, int], ...]
    # (month "2025-01", persons registered, persons confirmed) for the chart and its table.
    monthly: tuple[tuple[str, int, int], ...]
    # The same placements by status, for the progress steps.
    progress: PlacementProgress = PlacementProgress()

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


def _moment(value: datetime) -> str:
    return _day(timezone.localtime(value).date())


def _unit_step(profile: UnitYearProfile | None, business_year: int) -> tuple[str, str]:
    if profile is not None and profile.is_confirmed and profile.confirmed_at:
        return "done", f"{business_year}业务年度单位信息已于 {_moment(profile.confirmed_at)} 确认"
    if profile is not None and profile.copied_from_year:
        return "current", f"已按 {profile.copied_from_year} 年度信息预填，请核对后确认"
    return "current", f"首次使用系统或单位信息发生变更，需先填写并保存 {business_year} 业务年度的单位信息"


def _registration_step(unit_done: bool, placed: PlacementProgress) -> tuple[str, str]:
    if placed.registered == 0:
        if not unit_done:
            return "todo", "单位信息保存后可添加残疾人"
        return "current", "本业务年度尚未登记安置人员，请在“残疾人安置管理”中添加残疾人"
    if placed.draft:
        return "current", f"已登记 {placed.registered} 人，其中 {placed.draft} 人资料待完善，请继续登记"
    return "done", f"已登记 {placed.registered} 人，均已提交"


def _review_step(placed: PlacementProgress) -> tuple[str, str]:
    if placed.submitted == 0:
        return "todo", "尚无提交审核的安置人员"
    refused = placed.rejected + placed.partly_rejected
    parts = [
        f"{words} {count} 人"
        for words, count in (
            ("待审核", placed.pending),
            ("已审核确认", placed.confirmed),
            ("部分审核不通过", placed.partly_rejected),
            ("审核不通过", placed.rejected),
        )
        if count
    ]
    counts = "，".join(parts)
    if placed.pending:
        return "current", f"{counts}；待残联主管部门审核"
    if refused:
        return "attention", f"{counts}；请查看审核意见，重新登记或删除后再完成申报"
    if placed.draft:
        return "current", f"{counts}；资料待完善的人员提交后继续审核"
    return "done", f"{placed.confirmed} 人均已审核确认"


def _declaration_steps(
    ready: bool, declaration: DeclarationProgress | None
) -> tuple[tuple[str, str], tuple[str, str]]:
    if declaration is not None and declaration.completed_at:
        declared = ("done", f"已于 {_moment(declaration.completed_at)} 完成申报")
        if declaration.sent_to_tax_at:
            return declared, (
                "done",
                f"残联已于 {_moment(declaration.sent_to_tax_at)} 发送税务部门，可至税务部门缴纳残保金",
            )
        return declared, ("current", "等待残联主管部门发送税务部门")
    if ready:
        declare = ("current", "所有安置人员均已审核确认，请在“残疾人安置管理”中点击“完成申报”")
    else:
        declare = ("todo", "所有安置人员审核确认后可完成申报")
    return declare, ("todo", "完成申报后由残联主管部门发送税务部门")


def home_progress(
    profile: UnitYearProfile | None,
    business_year: int,
    placed: PlacementProgress,
    declaration: DeclarationProgress | None = None,
) -> tuple[ProgressStep, ...]:
    """年审申报进度: each step's state and text from the unit information, the placements by status and the
    declaration (seed 003: 单位信息 → 安置登记 → 审核 → 完成申报 → 发送税务部门). The current step is the
    first one not done."""
    unit = _unit_step(profile, business_year)
    review = _review_step(placed)
    declare, send = _declaration_steps(review[0] == "done" and placed.draft == 0, declaration)
    rows = [
        ("单位信息", unit, "portal:unit_info", "前往单位信息维护管理"),
        (
            "安置登记",
            _registration_step(unit[0] == "done", placed),
            "portal:placements",
            "前往残疾人安置管理",
        ),
        ("审核", review, "portal:placements", "查看审核状态"),
        ("完成申报", declare, "portal:placements", "前往残疾人安置管理"),
        ("发送税务", send, "", ""),
    ]
    current = next((i for i, (_, (state, _), _, _) in enumerate(rows) if state != "done"), None)
    return tuple(
        ProgressStep(
            label,
            state,
            STATE_TEXTS[state],
            detail,
            is_current=i == current,
            link=link if state in ("current", "attention") else "",
            link_text=link_text if state in ("current", "attention") else "",
        )
        for i, (label, (state, detail), link, link_text) in enumerate(rows)
    )


def unit_info_missing(employer: Employer, business_year: int) -> str:
    """Why placements of the business year cannot be started yet (seed 001: 首次使用系统或对单位信息发生变更，
    需先对本单位信息进行维护管理), or "" once the year's unit information is saved."""
    profile = unit_year_profile_for(employer, business_year)
    if profile is not None and profile.pk is not None and profile.is_confirmed:
        return ""
    if profile is not None and profile.copied_from_year:
        return (
            f"请先在“单位信息维护管理”中核对按 {profile.copied_from_year} 年度预填的单位信息并保存，"
            f"确认 {business_year} 业务年度单位信息后再登记安置人员"
        )
    return (
        "首次使用系统或对单位信息发生变更，需先对本单位信息进行维护管理：请先在“单位信息维护管理”中"
        f"填写并保存 {business_year} 业务年度的单位信息，再登记安置人员"
    )


def employer_home_summary(
    employer: Employer,
    *,
    today: date,
    figures_for: Callable[[Employer, int], PlacementFigures | None] | None = None,
    declaration_for: Callable[[Employer, int], DeclarationProgress | None] | None = None,
) -> HomeSummary:
    """What the portal home shows: the business year, its window, the progress steps and its counters.

    `figures_for(employer, business_year)` gives the counters, chart data and placements by status:
    placements sit above employers in the layers, so the portal passes
    anbili.placements.selectors.placement_home_figures in. `declaration_for` is the declaration's hook
    (None until that part exists)."""
    business_year = business_year_on(today)
    profile = unit_year_profile_for(employer, business_year)
    figures = figures_for(employer, business_year) if figures_for is not None else None
    declaration = declaration_for(employer, business_year) if declaration_for is not None else None
    placed = figures.progress if figures is not None else PlacementProgress()
    return HomeSummary(
        employer=employer,
        business_year=business_year,
        window=declaration_window_state(employer, today=today),
        profile=profile,
        steps=home_progress(profile, business_year, placed, declaration),
        figures=figures,
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
