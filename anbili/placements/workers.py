"""The start of a batch worker process. Kept free of model imports: a spawned worker unpickles this
function before Django is set up, so importing this module must not need the app registry."""

from typing import Any

import django
from django.conf import settings


def worker_start(databases: dict[str, Any]) -> None:
    """Set up Django in a new worker process on the parent's databases (under tests, the test database),
    before anything connects. The settings module comes with the inherited environment
    (DJANGO_SETTINGS_MODULE, which manage.py, the WSGI module and pytest set)."""
    settings.DATABASES = databases
    django.setup()
