"""Fixtures of the notice tests: the local fake SMS gateway wired in as the HTTP backend."""

import pytest

from tests.notices.sms_fake import start_fake_gateway


@pytest.fixture
def sms_gateway(settings):
    gateway, server = start_fake_gateway()
    settings.SMS_BACKEND = "anbili.notices.sms.HttpSmsBackend"
    settings.SMS_HTTP_URL = gateway.url
    settings.SMS_HTTP_TOKEN = "test-token"
    settings.SMS_HTTP_TIMEOUT = 2.0
    settings.SMS_HTTP_RETRIES = 3
    settings.SMS_HTTP_BACKOFF = 0.01
    yield gateway
    server.shutdown()
    server.server_close()
