from typing import Any

from django.apps import AppConfig


def _on_event_saved(sender: Any, **kwargs: Any) -> None:
    from anbili.stats.services import on_event_saved

    on_event_saved(sender, **kwargs)


def _on_task_finished(sender: Any, **kwargs: Any) -> None:
    # Imported when a task finishes, not at start-up: the app registry loads before the services.
    from anbili.stats.services import on_task_finished

    on_task_finished(sender, **kwargs)


class StatsConfig(AppConfig):
    name = "anbili.stats"
    verbose_name = "统计"

    def ready(self) -> None:
        # The figures follow the placements: refreshed shortly after status changes (each writes an event)
        # and after each re-verification task finishes (the verdicts behind the check pass rates).
        from django.db.models.signals import post_save
        from django_tasks.signals import task_finished

        from anbili.placements.models import PlacementEvent

        post_save.connect(_on_event_saved, sender=PlacementEvent, dispatch_uid="stats_refresh_after_event")
        task_finished.connect(_on_task_finished, dispatch_uid="stats_refresh_after_verification")
