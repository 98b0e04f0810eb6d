from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anbili.core.errors import ApplicationError
from anbili.registry.models import BatchChannel, BatchStatus, ImportBatch, ImportKind
from anbili.registry.selectors import import_batch_errors
from anbili.registry.services import import_batch_create, import_batch_run


class Command(BaseCommand):
    help = "Import a CSV, XLSX or JSON Lines file into a registry mirror (the same path as the API)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file")
        parser.add_argument(
            "--background", action="store_true", help="只登记批次并交给后台任务（db_worker）处理，不等待结果"
        )
        parser.add_argument(
            "--province",
            default="",
            help="限定省份（如 15 或 360000）：其他省份的行、以及会改动其他省份已有记录的行逐行拒绝",
        )
        parser.add_argument("--show-errors", type=int, default=20, help="最多显示多少条失败行（默认20）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            with path.open("rb") as handle:
                batch = import_batch_create(
                    kind=options["kind"],
                    content=handle,
                    file_name=path.name,
                    channel=BatchChannel.COMMAND,
                    enqueue=options["background"],
                    province_code=options["province"],
                )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if options["background"]:
            self.stdout.write(f"批次#{batch.pk}已登记，由后台任务处理（manage.py db_worker）")
            return
        batch = import_batch_run(batch_id=batch.pk, on_progress=self._progress)
        self._report(batch, options["show_errors"])
        if batch.status != BatchStatus.DONE:
            raise CommandError(f"批次#{batch.pk}{batch.get_status_display()}：{batch.message}")

    def _progress(self, batch: ImportBatch) -> None:
        if batch.status == BatchStatus.RUNNING:
            self.stdout.write(f"  已处理 {batch.rows_done} 行，失败 {batch.rows_failed} 行")

    def _report(self, batch: ImportBatch, show: int) -> None:
        self.stdout.write(
            f"批次#{batch.pk} {batch.get_kind_display()} {batch.get_status_display()}："
            f"共 {batch.rows_done} 行，新增 {batch.rows_created}，更新 {batch.rows_updated}，"
            f"未变化 {batch.rows_unchanged}，失败 {batch.rows_failed}"
        )
        for error in import_batch_errors(batch, limit=show):
            column = f"【{error.column}】" if error.column else ""
            self.stdout.write(f"  第{error.row_number}行{column}：{error.message}")
        if batch.rows_failed > show:
            self.stdout.write(f"  ……其余失败行请在系统管理的“导入失败行”中查看（批次#{batch.pk}）")
