from typing import Any

from django.apps import AppConfig


def _on_task_finished(sender: Any, **kwargs: Any) -> None:
    # Imported when a task finishes, not at start-up: the app registry loads before the services.
    from anbili.stats.services import on_task_finished

    on_task_finished(sender, **kwargs)


class StatsConfig(AppConfig):
    name = "anbili.stats"
    verbose_name = "统计"

    def ready(self) -> None:
        # The pass-rate tallies follow verification: refreshed after each re-verification task finishes.
        from django_tasks.signals import task_finished

        task_finished.connect(_on_task_finished, dispatch_uid="stats_refresh_after_verification")
