"""Local development and the demo: `make run` on SQLite with demo data.

DEBUG stays off unless DJANGO_DEBUG says otherwise, so that the demo shows what a visitor would see: the
project's own error pages, never Django's debug page or its URL list. Static files come through WhiteNoise
(base.py) because runserver serves none with DEBUG off.
"""

from config.secret_key import local_secret_key

from .base import *  # noqa: F403
from .base import BASE_DIR, SECRET_KEY

# A key per checkout in var/ (git-ignored), created on first start: sessions survive restarts.
SECRET_KEY = SECRET_KEY or local_secret_key(BASE_DIR / "var" / "secret_key")
