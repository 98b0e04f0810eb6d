"""Pausing Python's cyclic garbage collector around bulk work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for a bulk loop that creates hundreds of thousands of small objects without
    reference cycles: reference counting frees them, while every collection would rescan all the live ones
    (registry imports read five times slower, batch verification loaded a third slower; docs/performance.md).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
