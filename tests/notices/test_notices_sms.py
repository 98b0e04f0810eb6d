"""The SMS gateway: the log backend by default, the HTTP backend against a local fake on 127.0.0.1."""

import logging

import pytest

from anbili.notices.models import SmsMessage, SmsStatus
from anbili.notices.services import notification_send, sms_deliver, sms_retry_pending, sms_send
from anbili.notices.sms import HttpSmsBackend, SmsError
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_log_backend_is_the_default_and_masks_the_phone(settings, caplog, django_capture_on_commit_callbacks):
    assert settings.SMS_BACKEND == "anbili.notices.sms.LogSmsBackend"
    with (
        caplog.at_level(logging.INFO, logger="anbili.notices"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = sms_send(phone="13812345678", text="您的资料审核已完成")
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert message.backend == "anbili.notices.sms.LogSmsBackend"
    assert message.provider_id == f"log-{message.pk}"
    assert "您的资料审核已完成" in caplog.text
    assert "13812345678" not in caplog.text
    assert "138******78" in caplog.text


def test_http_backend_posts_json_with_the_token(sms_gateway):
    provider_id = HttpSmsBackend().send(phone="13812345678", text="测试短信", reference="42")
    assert provider_id == "gw-1"
    assert sms_gateway.received == [{"phone": "13812345678", "text": "测试短信", "reference": "42"}]
    assert sms_gateway.headers[0]["Authorization"] == "Bearer test-token"
    assert sms_gateway.headers[0]["Content-Type"].startswith("application/json")


def test_http_backend_retries_server_errors_with_backoff(sms_gateway):
    sms_gateway.statuses = [503, 500]
    assert HttpSmsBackend().send(phone="13812345678", text="t", reference="7") == "gw-3"
    assert len(sms_gateway.received) == 3
    assert {m["reference"] for m in sms_gateway.received} == {"7"}  # the gateway can deduplicate retries


def test_http_backend_does_not_retry_a_refused_message(sms_gateway):
    sms_gateway.statuses = [400]
    with pytest.raises(SmsError) as failed:
        HttpSmsBackend().send(phone="13812345678", text="t", reference="8")
    assert failed.value.retryable is False
    assert len(sms_gateway.received) == 1


def test_unreachable_gateway_fails_after_the_retries(settings):
    backend = HttpSmsBackend(url="http://127.0.0.1:9/", retries=2, backoff=0.0, timeout=0.5)
    with pytest.raises(SmsError, match="connection failed"):
        backend.send(phone="13812345678", text="t", reference="9")


def test_a_failing_gateway_never_breaks_the_action_and_is_recorded(
    regions, sms_gateway, caplog, django_capture_on_commit_callbacks
):
    sms_gateway.statuses = [500, 500, 500]
    legal = MembershipFactory(user__phone="13800000001")
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        notice = notification_send(
            employer=legal.employer, title="审核完成通知", body="内容", sms_text="短信"
        )
    assert notice.pk is not None  # the user's action went through
    message = SmsMessage.objects.get(notice=notice)
    assert (message.status, message.attempts, message.last_error) == (SmsStatus.FAILED, 1, "HTTP 500")
    assert len(sms_gateway.received) == 3
    assert "13800000001" not in caplog.text

    # Later the gateway is back: the retry sweep delivers it, once.
    with django_capture_on_commit_callbacks(execute=True):
        assert sms_retry_pending() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider_id) == (SmsStatus.SENT, 2, "gw-4")
    assert sms_retry_pending() == 0
    assert sms_deliver(message_id=message.pk).status == SmsStatus.SENT  # idempotent: not sent again
    assert len(sms_gateway.received) == 4


@pytest.mark.parametrize(
    ("phone", "text", "field"), [("12345", "短信", "phone"), ("13800000001", " ", "sms_text")]
)
def test_sms_send_refuses_bad_input(phone, text, field):
    from anbili.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        sms_send(phone=phone, text=text)
    assert refused.value.field == field
    assert not SmsMessage.objects.exists()
