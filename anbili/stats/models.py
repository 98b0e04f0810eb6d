"""Precomputed statistics (统计), per 残联主管部门 region and business year (decision 0007): the pass
tallies of the seven month checks, so that the page never reads the verdict JSON of a million months, and
the placements by status, the backlog by day of submission and the reviewers' decisions, so that a
province's page sums a few thousand rows instead of grouping 100,000 placements on every view. Written only
by anbili.stats.services.stats_figures_refresh."""

from __future__ import annotations

from django.db import models


class CheckTally(models.Model):
    """How many selected months of one region's employers in one business year had each check, and how many
    passed it, as of `computed_at` (written only by anbili.stats.services.check_tallies_refresh)."""

    region_code = models.CharField("残联主管部门区划", max_length=6)
    business_year = models.PositiveSmallIntegerField("业务年度")
    check_code = models.CharField("核验项", max_length=16)
    months = models.PositiveIntegerField("核验月数", default=0)
    passed = models.PositiveIntegerField("通过月数", default=0)
    computed_at = models.DateTimeField("统计时间")

    class Meta:
        verbose_name = "核验通过统计"
        verbose_name_plural = "核验通过统计"
        constraints = [
            models.UniqueConstraint(
                fields=["business_year", "region_code", "check_code"], name="check_tally_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.business_year} {self.region_code} {self.check_code}: {self.passed}/{self.months}"


class FigureKind(models.TextChoices):
    STATUS = "status", "审核状态"  # key: PlacementStatus value
    PENDING_DAY = "pending_day", "待审核（按申报日期）"  # key: ISO date of 单位申报时间, "" when none
    DECISION = "decision", "审核决定"  # key: "<reviewer user id>:<transition>", "-:<transition>" without one


class PlacementFigure(models.Model):
    """One count of one region's placements (or decisions) in one business year, as of the last refresh."""

    business_year = models.PositiveSmallIntegerField("业务年度")
    region_code = models.CharField("残联主管部门区划", max_length=6)
    kind = models.CharField("类别", max_length=16, choices=FigureKind.choices)
    key = models.CharField("项目", max_length=40)
    n = models.PositiveIntegerField("数量")

    class Meta:
        verbose_name = "安置统计"
        verbose_name_plural = "安置统计"
        indexes = [models.Index(fields=["business_year", "region_code"], name="placement_figure_year_region")]

    def __str__(self) -> str:
        return f"{self.business_year} {self.region_code} {self.kind} {self.key}: {self.n}"


class TallyRun(models.Model):
    """One refresh of a business year's tallies (all regions, or those under `region_prefix`): the page shows
    the time of the newest run that covered the staff member's jurisdiction as 统计时间."""

    business_year = models.PositiveSmallIntegerField("业务年度")
    region_prefix = models.CharField("区划代码前缀", max_length=6, blank=True)
    computed_at = models.DateTimeField("统计时间")

    class Meta:
        verbose_name = "统计刷新"
        verbose_name_plural = "统计刷新"
        indexes = [models.Index(fields=["business_year", "computed_at"], name="tally_run_year_at")]

    def __str__(self) -> str:
        return f"{self.business_year} {self.region_prefix or '全国'} {self.computed_at:%Y-%m-%d %H:%M}"
