"""An SMS is sent once: the on-commit delivery task and the retry sweep (or two workers) both reach a message,
and only the one that claims its row talks to the gateway. A sender that crashed mid-send leaves a claim that
becomes retryable after SMS_CLAIM_TIMEOUT, and its late answer cannot overwrite the newer attempt's."""

import threading
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections

from anbili.notices import services
from anbili.notices.models import SmsMessage, SmsStatus
from anbili.notices.services import sms_deliver, sms_retry_pending
from anbili.notices.tasks import sms_deliver_task

POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite takes the write lock when a write transaction begins, so two senders cannot overlap; the "
    "race is only possible on PostgreSQL (DATABASE_URL=postgres://…)",
)
START = datetime(2026, 6, 15, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _messages(count: int) -> list[int]:
    rows = SmsMessage.objects.bulk_create(
        SmsMessage(phone=f"138{n:08d}", text=f"审核完成通知{n}") for n in range(count)
    )
    return [row.pk for row in rows]


def _run_together(*jobs) -> list[BaseException]:
    """Run each job in its own thread (so on its own database connection), all released at once."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job) -> None:
        try:
            job(barrier)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _sends_per_message(gateway) -> Counter[str]:
    return Counter(request["reference"] for request in gateway.received)


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_senders_at_the_same_moment_send_each_message_once(sms_gateway):
    ids = _messages(30)

    def sender(barrier: threading.Barrier) -> None:
        for message_id in ids:
            barrier.wait(timeout=30)  # both senders read the same pending row at the same moment
            sms_deliver(message_id=message_id)

    assert _run_together(sender, sender) == []
    assert _sends_per_message(sms_gateway) == Counter({str(pk): 1 for pk in ids})
    assert set(SmsMessage.objects.values_list("status", "attempts")) == {(SmsStatus.SENT, 1)}


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_the_retry_sweep_racing_the_on_commit_task_sends_each_message_once(sms_gateway):
    """The tests' task backend runs a task as it is enqueued, so the sweep delivers as it queues."""
    ids = _messages(30)

    def on_commit_tasks(barrier: threading.Barrier) -> None:
        barrier.wait(timeout=30)
        for message_id in reversed(ids):  # the sweep's order (newest first), so the two meet on every row
            sms_deliver_task.enqueue(message_id=message_id)

    def sweep(barrier: threading.Barrier) -> None:
        barrier.wait(timeout=30)
        sms_retry_pending()

    assert _run_together(on_commit_tasks, sweep) == []
    assert _sends_per_message(sms_gateway) == Counter({str(pk): 1 for pk in ids})
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {SmsStatus.SENT}


@pytest.mark.django_db
def test_a_message_being_sent_is_left_alone_until_its_claim_times_out(settings, sms_gateway):
    settings.SMS_CLAIM_TIMEOUT = 300
    (message_id,) = _messages(1)
    with time_machine.travel(START, tick=False) as clock:
        # A worker claimed the message and died before the gateway answered.
        token = services._sms_claim(message_id, max_attempts=5)
        assert token is not None
        message = SmsMessage.objects.get(pk=message_id)
        assert (message.status, message.attempts, message.claimed_at) == (SmsStatus.SENDING, 1, START)

        clock.shift(timedelta(seconds=299))
        assert sms_retry_pending() == 0
        assert sms_deliver(message_id=message_id).status == SmsStatus.SENDING
        assert sms_gateway.received == []

        clock.shift(timedelta(seconds=2))
        assert sms_retry_pending() == 1
        message.refresh_from_db()
        assert (message.status, message.attempts, message.provider_id) == (SmsStatus.SENT, 2, "gw-1")
        assert len(sms_gateway.received) == 1

        # The first worker comes back after all: its claim was taken over, so its answer is not recorded.
        assert not services._sms_finish(message_id, token, status=SmsStatus.FAILED, error="HTTP 500")
        message.refresh_from_db()
        assert (message.status, message.last_error) == (SmsStatus.SENT, "")


@pytest.mark.django_db
def test_failed_messages_are_retried_until_the_attempts_run_out(sms_gateway):
    sms_gateway.statuses = [500] * 6
    (message_id,) = _messages(1)
    assert sms_deliver(message_id=message_id, max_attempts=2).status == SmsStatus.FAILED
    assert sms_deliver(message_id=message_id, max_attempts=2).status == SmsStatus.FAILED
    # Out of attempts: neither a task nor the sweep sends it again.
    assert sms_deliver(message_id=message_id, max_attempts=2).attempts == 2
    assert sms_retry_pending(max_attempts=2) == 0
    assert len(sms_gateway.received) == 6  # two attempts of three HTTP tries each
