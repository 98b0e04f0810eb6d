"""Background tasks of notices (django-tasks): SMS delivery, after the user's action has committed."""

from django_tasks import task

from anbili.notices.services import sms_deliver


@task()
def sms_deliver_task(message_id: int) -> str:
    """Deliver one queued SMS through the configured gateway (idempotent: a sent message is not resent)."""
    message = sms_deliver(message_id=message_id)
    return message.status if message is not None else "missing"
