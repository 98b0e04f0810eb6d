"""Settings shared by every environment: wiring only, no business values (those are policy tables)."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# No default: production requires DJANGO_SECRET_KEY, dev and test generate their own (an empty key makes
# Django refuse to sign anything, so a settings module that forgets one cannot run on a guessable key).
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "auditlog",
    "anbili.audit",
    "anbili.regions",
    "anbili.accounts",
    "anbili.employers",
    "anbili.registry",
    "anbili.evidence",
    "anbili.notices",
    "anbili.placements",
    "anbili.stats",
    "anbili.portal",
    "anbili.backoffice",
    "anbili.web",
    "anbili.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    # Errors under /api/ as JSON in Chinese, also those rendered outside an API view (anbili.api.middleware).
    "anbili.api.middleware.ApiJsonErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anbili.accounts.middleware.CurrentEmployerMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-auditlog: field changes made in a request name the user who made them.
    "auditlog.middleware.AuditlogMiddleware",
    # Axes must be last so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anbili.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# SQLite takes one writer at a time. Without these a request that read and then writes fails at once with
# "database is locked" when another writes: immediate transactions take the write lock when they begin, the
# busy timeout waits for it, and WAL lets readers go on meanwhile.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "anbili.accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Django's checks, worded in Chinese (anbili/accounts/passwords.py); the similarity check compares the account
# name, the person's name, ID number and phone, and refuses a password containing the account name.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "anbili.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "anbili.accounts.passwords.NumericPasswordValidator"},
    {"NAME": "anbili.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "anbili.accounts.passwords.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "portal:login"
# Where provincial SSO (below) lands after its callback; it serves employers, whose home is the portal.
LOGIN_REDIRECT_URL = "/portal/"
LOGIN_REDIRECT_URL_FAILURE = "/portal/login/"

# Sessions end after 30 minutes without activity (quality.md: session timeout).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "anbili.web.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Login protection: a text captcha from the 3rd failure on, lock-out for 15 minutes at the 5th.
LOGIN_CAPTCHA_AFTER_FAILURES = env.int("LOGIN_CAPTCHA_AFTER_FAILURES", default=3)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Lock the account, not the address: many employers share one government or company NAT.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "anbili.accounts.lockout.axes_username"
AXES_LOCKOUT_CALLABLE = "anbili.web.login.lockout_response"
AXES_VERBOSE = False
# W006 warns that username-only lock-out can be dodged by rotating addresses; that is the intent here
# (see above), and the captcha still slows any one client down.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# ...but one address (an IPv6 /64) that fails this often within the window, whatever accounts it tries, is
# refused until its old failures leave the window (sliding, in the shared cache; decision 0002).
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=100)
LOGIN_ADDRESS_WINDOW_MINUTES = env.int("LOGIN_ADDRESS_WINDOW_MINUTES", default=60)

# Field changes to policy, employer and placement data (django-auditlog, docs/security.md). Registered here,
# not in each app, so that the list is read in one place. Bulk writes (verification verdicts, registry
# upserts) send no signals: they are system results with their own provenance, not someone's edit.
_POLICY_TABLES = [
    "regions.Region",
    "regions.QuotaRatio",
    "regions.MinimumWage",
    "regions.SocialAverageWage",
    "regions.DeclarationWindow",
    "regions.LevyPeriod",
    "regions.RewardRule",
    "regions.RetirementSetting",
]
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    *_POLICY_TABLES,
    {"model": "employers.Employer", "mask_fields": ["legal_person_id_number"]},
    "employers.UnitYearProfile",
    "employers.RelatedUnit",
    # The verification stamp is the system's, written on every 重新核验: not a field change of anyone's.
    {
        "model": "placements.Placement",
        "exclude_fields": ["verified_at", "verdicts_digest", "updated_at"],
        "mask_fields": ["id_number"],
    },
    "placements.PlacementContract",
    "placements.PlacementCertificate",
    {
        "model": "accounts.User",
        "exclude_fields": ["password", "last_login"],
        "mask_fields": ["id_number", "phone"],
    },
    "accounts.Membership",
)
AUDITLOG_MASK_CALLABLE = "anbili.core.masking.mask"
AUDITLOG_DISABLE_ON_RAW_SAVE = True

# Background work (imports, notifications, tax pushes): tasks are database rows run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://anbili")}

# Uploaded evidence (附件 / 影像资料): a setting, not a constant (quality.md).
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=100 * 1024 * 1024)
# Largest image accepted (width × height): phone cameras reach ~108 MP; decompression bombs go far beyond.
EVIDENCE_MAX_IMAGE_PIXELS = env.int("EVIDENCE_MAX_IMAGE_PIXELS", default=120_000_000)
# Virus scanner: dotted path to callable(file, *, sha256, size) -> threat or None (docs/evidence.md).
EVIDENCE_VIRUS_SCANNER = env("EVIDENCE_VIRUS_SCANNER", default="")

# SMS gateway (短信通知平台, docs/notices.md): the log backend by default; the HTTP backend posts JSON.
SMS_BACKEND = env("SMS_BACKEND", default="anbili.notices.sms.LogSmsBackend")
SMS_HTTP_URL = env("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN", default="")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=5.0)
SMS_HTTP_RETRIES = env.int("SMS_HTTP_RETRIES", default=3)
SMS_HTTP_BACKOFF = env.float("SMS_HTTP_BACKOFF", default=0.5)
# Seconds after which a message left "sending" (its sender crashed) may be claimed again; well above the
# longest send (retries × timeout + backoff ≈ 17 s with the defaults above).
SMS_CLAIM_TIMEOUT = env.int("SMS_CLAIM_TIMEOUT", default=300)

# Registry imports and API (docs/registry.md): batch limits, requests per partner token a minute.
REGISTRY_IMPORT_MAX_BYTES = env.int("REGISTRY_IMPORT_MAX_BYTES", default=500 * 1024 * 1024)
REGISTRY_IMPORT_MAX_ROWS = env.int("REGISTRY_IMPORT_MAX_ROWS", default=2_000_000)
REGISTRY_API_MAX_ROWS = env.int("REGISTRY_API_MAX_ROWS", default=5_000)
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)
# API rate limits (anbili.api.ratelimit, a sliding window): the cache alias that holds the counts must be one
# every web process shares (Redis in production), else each process counts for itself. Wrong bearer tokens
# per client address, and the public levy estimate per address (it needs no login).
API_RATE_LIMIT_CACHE = env("API_RATE_LIMIT_CACHE", default="default")
API_AUTH_FAILURE_LIMIT = env.int("API_AUTH_FAILURE_LIMIT", default=20)
API_AUTH_FAILURE_WINDOW_SECONDS = env.int("API_AUTH_FAILURE_WINDOW_SECONDS", default=600)
LEVY_ESTIMATE_RATE_LIMIT_PER_MINUTE = env.int("LEVY_ESTIMATE_RATE_LIMIT_PER_MINUTE", default=60)

LANGUAGE_CODE = "zh-hans"
# Our own wording of a few of Django's texts (locale/zh_Hans/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media/"

# Provincial SSO (政务服务网) over OpenID Connect: on only when its settings are present.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
    OIDC_CREATE_USER = False
    OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", default="preferred_username")
    OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid profile")
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("anbili.accounts.oidc.ProvincialOIDCBackend")

# Every handler masks ID and certificate numbers (config/log_filters.py). Django's own "django" and
# "django.server" loggers are redefined here so that its default handlers, which have no such filter, are
# dropped: request warnings go to the root handler, runserver's access log to its own masked handler.
# A WSGI server's access log (gunicorn and the like) must be routed through these handlers too.
LOG_LEVEL = env("LOG_LEVEL", default="WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_identifiers": {"()": "config.log_filters.MaskIdentifiersFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_identifiers"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_identifiers"],
        },
    },
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
