from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anbili.core.errors import ApplicationError
from anbili.registry.generator import generate_dataset, options_for_province


class Command(BaseCommand):
    help = "Write a synthetic, deterministic registry dataset for one province and business year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", required=True, help="省级代码前两位，例如 15（内蒙古）")
        parser.add_argument("--year", type=int, required=True, help="业务年度，例如 2024")
        parser.add_argument("--persons", type=int, default=1000)
        parser.add_argument("--employers", type=int, default=50)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", required=True, help="输出目录")
        parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "utf-8-sig", "gbk", "gb18030"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            dataset = options_for_province(
                province=options["province"],
                year=options["year"],
                persons=options["persons"],
                employers=options["employers"],
                seed=options["seed"],
                encoding=options["encoding"],
            )
            result = generate_dataset(dataset, Path(options["out"]))
        except ApplicationError as error:
            raise CommandError(error.message) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        for name, count in result.rows.items():
            self.stdout.write(f"{name}: {count} 行")
        self.stdout.write(
            "情形：" + "，".join(f"{case} {count}" for case, count in sorted(result.cases.items()))
        )
