"""Test settings: the real database engine named by DATABASE_URL (SQLite by default, PostgreSQL in CI)."""

import secrets

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = False
# A fresh key per process: nothing a test signs needs to outlive it.
SECRET_KEY = SECRET_KEY or secrets.token_urlsafe(50)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses scrypt
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
