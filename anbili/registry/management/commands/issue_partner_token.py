from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from anbili.core.errors import ApplicationError
from anbili.registry.models import PARTNER_TOKEN_DEFAULT_DAYS, PartnerKind
from anbili.registry.services import partner_token_issue


class Command(BaseCommand):
    help = "Issue a bearer token to a data-exchange partner (creating the partner if needed); printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="合作方名称，例如 内蒙古自治区人力资源和社会保障厅")
        parser.add_argument("--kind", required=True, choices=PartnerKind.values)
        parser.add_argument("--province", required=True, help="省级代码，例如 15 或 150000")
        parser.add_argument(
            "--days",
            type=int,
            default=PARTNER_TOKEN_DEFAULT_DAYS,
            help=f"有效天数（默认{PARTNER_TOKEN_DEFAULT_DAYS}天，最长3年），到期后需重新签发",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            raise CommandError("有效天数至少为1天")
        try:
            issued = partner_token_issue(
                name=options["name"],
                kind=options["kind"],
                province_code=options["province"],
                expires_at=timezone.now() + timedelta(days=options["days"]),
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        expires = timezone.localtime(issued.record.expires_at).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(f"合作方：{issued.partner}（{issued.partner.province}）")
        self.stdout.write(
            f"有效期至：{expires}（令牌编号 {issued.record.pk}，吊销：manage.py revoke_partner_token）"
        )
        self.stdout.write("访问令牌（只显示这一次，请妥善保存；系统只保存其摘要）：")
        self.stdout.write(issued.token)
