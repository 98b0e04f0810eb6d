"""Background work of the registry: running import batches (enqueued after the batch row is committed)."""

from django_tasks import task

from anbili.registry.services import import_batch_run


@task()
def import_batch_process(batch_id: int) -> str:
    """Import one batch; safe to run twice (a finished batch is left as it is)."""
    return import_batch_run(batch_id=batch_id).status
