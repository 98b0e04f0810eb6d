"""`manage.py seed_regions`: load the GB/T 2260 divisions and the seeded policy tables (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anbili.regions.services import regions_seed


class Command(BaseCommand):
    help = "载入行政区划与政策参数种子数据（可重复执行；默认保留管理员已修改的数值）"

    def add_arguments(self, parser: CommandParser) -> None:
        """--overwrite resets rows that differ from the data files."""
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="将与种子数据不同的已有行改回种子数值（会覆盖管理员的修改）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the seed and print one line per table."""
        report = regions_seed(overwrite=options["overwrite"])
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("完成" if report.changed else "无变化"))
