"""Queue again the SMS that are still pending or failed (e.g. after a gateway outage); run from cron."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anbili.notices.services import sms_retry_pending


class Command(BaseCommand):
    help = "重新发送待发送或发送失败的短信（每条最多尝试 --max-attempts 次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--max-attempts", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        queued = sms_retry_pending(max_attempts=options["max_attempts"])
        self.stdout.write(f"queued {queued} SMS message(s)")
