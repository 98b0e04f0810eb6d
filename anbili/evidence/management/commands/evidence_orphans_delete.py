"""Delete stored evidence blobs that no row names (left by rolled-back transactions); run daily."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anbili.evidence.services import evidence_orphans_delete


class Command(BaseCommand):
    help = "删除没有附件记录引用的存储文件（事务回滚遗留），默认只删除1小时前的文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-minutes", type=int, default=60)

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = evidence_orphans_delete(older_than=timedelta(minutes=options["older_than_minutes"]))
        self.stdout.write(f"deleted {len(deleted)} orphaned evidence blob(s)")
