"""Background tasks of notices (django-tasks): SMS delivery, after the user's action has committed."""

from django_tasks import task

from anbili.notices.services import SMS_MAX_ATTEMPTS, sms_deliver


@task()
def sms_deliver_task(message_id: int, max_attempts: int = SMS_MAX_ATTEMPTS) -> str:
    """Deliver one queued SMS through the configured gateway; only the task that claims the message sends it,
    so a message queued twice (on commit and by the retry sweep) is sent once."""
    message = sms_deliver(message_id=message_id, max_attempts=max_attempts)
    return message.status if message is not None else "missing"
