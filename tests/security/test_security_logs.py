"""Personal data out of logs (issue #10 item 6): every configured handler's output is grepped for the ID.

The output is captured from the handlers LOGGING configures (their streams swapped for a buffer), not from
pytest's own capture handler, so that the test sees exactly what a console or a log file would receive.
"""

import io
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import connection
from django.test import Client

from anbili.core.masking import mask
from tests.security.log_urls import DUPLICATE_ID

ID = "150102199001011234"
CERTIFICATE = ID + "42"


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Everything the project's configured log handlers write, in one buffer."""
    buffer = io.StringIO()
    handlers = [h for h in logging._handlerList if isinstance(h(), logging.StreamHandler)]  # type: ignore[attr-defined]
    swapped = []
    for ref in handlers:
        handler = ref()
        if handler is not None and not type(handler).__module__.startswith("_pytest"):
            swapped.append((handler, handler.setStream(buffer)))
    assert swapped, "no stream handler is configured"
    yield buffer
    for handler, stream in swapped:
        handler.setStream(stream)


def _assert_masked(text: str, number: str) -> None:
    assert number not in text
    assert mask(number) in text, f"the line was not logged at all: {text!r}"


def test_not_found_warning_masks_the_id_in_the_path(client: Client, log_output: io.StringIO, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client.get(f"/portal/nope/{ID}/")
    assert response.status_code == 404
    assert any("Not Found" in r.getMessage() for r in caplog.records)
    _assert_masked(log_output.getvalue(), ID)


def test_log_args_and_exception_text_are_masked(log_output: io.StringIO) -> None:
    logger = logging.getLogger("anbili.test")
    logger.warning("looking up %s for %s", ID, "someone")
    try:
        raise ValueError(f"bad certificate {CERTIFICATE}")
    except ValueError:
        logger.exception("failed")
    output = log_output.getvalue()
    _assert_masked(output, ID)
    _assert_masked(output, CERTIFICATE)
    assert "Traceback" in output


def test_runserver_access_log_masks_the_path(log_output: io.StringIO) -> None:
    """A real request to Django's development server (the handler `manage.py runserver` uses)."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/no-such-page/{ID}/?cert={CERTIFICATE}"
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(url, timeout=10)
        assert error.value.code == 404
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    output = log_output.getvalue()
    assert '"GET /no-such-page/' in output, output
    _assert_masked(output, ID)
    _assert_masked(output, CERTIFICATE)


@pytest.mark.urls("tests.security.log_urls")
@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's error names the column, not the value"
)
def test_database_error_detail_is_masked(log_output: io.StringIO) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/test-duplicate-person/")
    assert response.status_code == 500
    output = log_output.getvalue()
    assert "IntegrityError" in output and "already exists" in output, output
    _assert_masked(output, DUPLICATE_ID)
