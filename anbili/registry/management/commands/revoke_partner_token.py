from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anbili.core.errors import ApplicationError
from anbili.registry.models import PartnerToken
from anbili.registry.services import partner_token_revoke, token_digest


class Command(BaseCommand):
    help = "Revoke a partner's bearer token for good (named by the token itself, its hint or its number)."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--token", help="完整令牌（例如泄露的令牌）")
        which.add_argument("--hint", help="令牌前缀（签发时显示、后台列表中的“令牌前缀”）")
        which.add_argument("--id", type=int, help="令牌编号")
        parser.add_argument("--reason", default="", help="吊销原因，例如 令牌泄露")

    def handle(self, *args: Any, **options: Any) -> None:
        token_id = options["id"] if options["id"] is not None else self._find(options)
        try:
            token = partner_token_revoke(token_id=token_id, reason=options["reason"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"令牌 {token.hint}…（编号 {token.pk}，{token.partner}）已吊销，立即失效")

    def _find(self, options: dict[str, Any]) -> int:
        if options["token"]:
            found = list(PartnerToken.objects.filter(token_hash=token_digest(options["token"].strip())))
        else:
            found = list(PartnerToken.objects.filter(hint=options["hint"].strip()).select_related("partner"))
        if not found:
            raise CommandError("没有找到该令牌")
        if len(found) > 1:
            listed = "；".join(f"编号 {token.pk}（{token.partner}）" for token in found)
            raise CommandError(f"该前缀对应多个令牌，请用 --id 指定：{listed}")
        return found[0].pk
