from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anbili.accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from anbili.accounts import (
            permissions,  # noqa: F401  (registers the role permissions)
            signals,  # noqa: F401  (login audit and the per-address counter)
        )
