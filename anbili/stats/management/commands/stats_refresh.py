"""Recount the statistics page's check tallies (cron: nightly, and whenever the figures must be current)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from anbili.stats.services import stats_figures_refresh


class Command(BaseCommand):
    help = "重新统计各核验项通过率（统计页面的预计算数据）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="业务年度（可重复；默认今年和上一年）")
        parser.add_argument("--region", default="", help="只统计该区划代码前缀（默认全部）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        years = options["year"] or [today.year - 1, today.year]
        for year in years:
            at = stats_figures_refresh(year, options["region"])
            self.stdout.write(f"{year} 业务年度统计完成，统计时间 {timezone.localtime(at):%Y-%m-%d %H:%M:%S}")
