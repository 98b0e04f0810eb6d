"""Local development: `make run` on SQLite with demo data."""

from .base import *  # noqa: F403

DEBUG = True
