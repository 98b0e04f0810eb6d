"""The SMS gateway (短信通知平台) interface and its two backends.

`settings.SMS_BACKEND` names the backend class. The log backend (default) only writes a log line; the HTTP
backend posts JSON to `settings.SMS_HTTP_URL`. Either way the caller keeps an `SmsMessage` row per message, so
the log backend is "a logger line plus a database row". Phone numbers are masked in every log line.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from anbili.core.masking import mask

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway did not accept the message; `retryable` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str, reference: str) -> str:
        """Hand one message to the gateway; return its message id or raise SmsError."""
        ...


class LogSmsBackend:
    """Development and default backend: writes the message to the log (phone masked), sends nothing."""

    def send(self, *, phone: str, text: str, reference: str) -> str:
        logger.info("SMS (log backend) to %s ref=%s: %s", mask(phone), reference, text)
        return f"log-{reference}"


class HttpSmsBackend:
    """Posts `{"phone", "text", "reference"}` as JSON with a bearer token; retries 5xx/timeouts with backoff.

    `reference` is our message id: a gateway that deduplicates on it makes a retried post harmless.
    """

    def __init__(
        self,
        *,
        url: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
    ) -> None:
        self.url = url if url is not None else settings.SMS_HTTP_URL
        self.token = token if token is not None else settings.SMS_HTTP_TOKEN
        self.timeout = timeout if timeout is not None else settings.SMS_HTTP_TIMEOUT
        self.retries = max(1, retries if retries is not None else settings.SMS_HTTP_RETRIES)
        self.backoff = backoff if backoff is not None else settings.SMS_HTTP_BACKOFF

    def send(self, *, phone: str, text: str, reference: str) -> str:
        if not self.url.startswith(("http://", "https://")):
            raise SmsError("SMS_HTTP_URL is not an http(s) URL", retryable=False)
        body = json.dumps({"phone": phone, "text": text, "reference": reference}, ensure_ascii=False)
        last: SmsError | None = None
        for attempt in range(1, self.retries + 1):
            try:
                return self._post(body.encode())
            except SmsError as exc:
                last = exc
                logger.warning(
                    "SMS gateway attempt %d/%d to %s ref=%s failed: %s",
                    attempt,
                    self.retries,
                    mask(phone),
                    reference,
                    exc,
                )
                if not exc.retryable or attempt == self.retries:
                    break
                time.sleep(self.backoff * 2 ** (attempt - 1))
        assert last is not None
        raise last

    def _post(self, body: bytes) -> str:
        request = urllib.request.Request(  # the URL is our own setting, http(s) only
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            # 4xx other than 429 means the gateway refuses this message as such: trying again will not help.
            retryable = exc.code >= 500 or exc.code == 429
            raise SmsError(f"HTTP {exc.code}", retryable=retryable) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"connection failed: {exc.__class__.__name__}") from None
        try:
            answer = json.loads(payload or b"{}")
        except ValueError:
            answer = {}
        return str(answer.get("id", "")) if isinstance(answer, dict) else ""


def sms_backend() -> SmsBackend:
    """The configured gateway backend."""
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend
