"""The development and demo secret key: generated per checkout, never committed (issue #10 item 7)."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def local_secret_key(path: Path) -> str:
    """The key stored at `path`, created on first use with owner-only permissions.

    A stored key, not one per process, so that sessions survive a restart of `make run` and runserver's
    reloader, and the web server and the task worker agree. Creation is race-free: the key is written to a
    private temporary file and hard-linked into place, so concurrent first starts all end up reading the one
    key that won, never a half-written file.
    """
    with contextlib.suppress(FileNotFoundError):
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(50) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink()
    return path.read_text(encoding="ascii").strip()
