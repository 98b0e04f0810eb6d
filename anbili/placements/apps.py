from typing import Any

from django.apps import AppConfig


def _on_import_batch_applied(sender: Any, **kwargs: Any) -> None:
    # Imported when a batch is applied, not at start-up: the app registry loads before the services.
    from anbili.placements.reverify import on_import_batch_applied

    on_import_batch_applied(sender, **kwargs)


class PlacementsConfig(AppConfig):
    name = "anbili.placements"
    verbose_name = "残疾人安置管理"

    def ready(self) -> None:
        # Re-verification on new data: the registry (a lower layer) announces applied batches by signal.
        from anbili.registry.signals import import_batch_applied

        import_batch_applied.connect(_on_import_batch_applied, dispatch_uid="placements_reverify_on_import")
