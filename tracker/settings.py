"""Settings for the GCM pledge and indicator tracker.

One module for every environment. Everything that differs between a laptop and production comes
from environment variables, read by the small typed helpers below, which refuse bad values. With
no variables set, the tracker runs on embedded defaults: a SQLite database and a SQLite-backed
Celery broker under var/, uploads on local disk, e-mail printed to the console.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    path = Path(os.environ.get(name) or default)
    return path if path.is_absolute() else BASE_DIR / path


# ---------------------------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", default=False)

# Local state (SQLite files, broker, uploads) lives here, outside the web root and git.
# Settings only name folders: the app creates those it uses when it starts (tracker.apps), so
# that importing settings changes nothing on disk (a read-only production image needs no var/).
VAR_DIR = env_path("TRACKER_VAR_DIR", BASE_DIR / "var")

DEVELOPMENT_SECRET_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. With DEBUG off the tracker refuses to start on the development "
        "key: set SECRET_KEY to a long random value (python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'), or set DEBUG=true on a development machine."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tracker",
    "indicators",
    "pledges",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language is the address's (/fr/..., English unprefixed): pages stay cacheable per
    # language, and a shared link opens in the language it was shared in.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tracker.middleware.SecretariatSecondFactorMiddleware",
    "tracker.middleware.RememberedLanguageMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

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
            ],
        },
    },
]

# ---------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
DATABASES = {
    "default": (
        dj_database_url.parse(DATABASE_URL, conn_max_age=60)
        if DATABASE_URL
        else {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "tracker.sqlite3"}
    )
}
_database = DATABASES["default"]
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # The same for the embedded default and a SQLite DATABASE_URL. WAL lets the web server read
    # while the worker writes; IMMEDIATE transactions and a busy timeout make concurrent
    # writers wait instead of failing.
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    } | _database.get("OPTIONS", {})
    # The test database is a file, not memory, so that a worker process in the tests can share
    # it; one per test run, so that two runs in one checkout never share it; beside the
    # database, in the folder the app creates for it.
    _sqlite_file = Path(_database["NAME"])
    _database["TEST"] = {
        "NAME": str(_sqlite_file.with_name(f"test-{_sqlite_file.stem}-{os.getpid()}.sqlite3"))
    }
elif _database["ENGINE"] == "django.db.backends.postgresql":
    # A database server that does not answer fails a request (and /healthz's thread) within
    # seconds instead of the minutes TCP takes to give up.
    _database.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------------------------
# Users and authentication
# ---------------------------------------------------------------------------------------------

AUTH_USER_MODEL = "tracker.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"

# Accounts (django-allauth): e-mail is the login and must be verified; failed logins are
# throttled per address and per IP (allauth's rate limits, kept in the cache below).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[GCM Pledge Tracker] "
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Second factor: TOTP with recovery codes; the secretariat cannot reach the admin without it.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "GCM Pledge Tracker"

# Rate limits and sessions of several web processes need a shared cache: Redis in production.
_cache_url = env_str("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# ---------------------------------------------------------------------------------------------
# Internationalisation
# ---------------------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
# The six official languages of the United Nations, each named in itself.
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("ru", "Русский"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------------
# Static and uploaded files
# ---------------------------------------------------------------------------------------------

STATIC_URL = "static/"
# WhiteNoise serves from here; `collectstatic` creates it (see tracker.apps for development).
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
# Uploaded evidence is private: it is kept outside the web root and never served by URL
# prefix; views that check permissions stream it.
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# ---------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------

# With EMAIL_HOST set, mail goes out over SMTP; with EMAIL_FILE_PATH, into files there;
# otherwise it is printed to the console.
_email_host = env_str("EMAIL_HOST")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 20,
            },
        }
    }
elif _email_file_path := env_str("EMAIL_FILE_PATH"):
    # Each message as a file in this folder: for staging sites and for tests of workers.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": _email_file_path},
        }
    }
else:
    # Printed for a person to read: plain text with its links whole (see tracker.mail).
    MAILERS = {"default": {"BACKEND": "tracker.mail.ReadableConsoleBackend"}}
# Absolute address of the site, for links in e-mails (sent by workers, outside any request).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "GCM Pledge Tracker <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------------------------
# Celery
# ---------------------------------------------------------------------------------------------

_redis_schemes = ("redis://", "rediss://")
# The embedded broker and result store are SQLite files of their own, apart from the
# application's database, so a busy queue never locks the tables pages read.
CELERY_BROKER_URL = env_str(
    "CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = env_str(
    "CELERY_RESULT_BACKEND",
    CELERY_BROKER_URL
    if CELERY_BROKER_URL.startswith(_redis_schemes)
    else f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}",
)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "tracker")
# An outgoing e-mail claimed by a worker is left to it this long; a worker that dies while
# sending leaves the message to the outbox sweep once the lease has run out.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 120)
# A running job reports at least every few seconds; one silent this long lost its worker.
# Generous, as a file's values are written in one transaction without a report.
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 300)
# A job still waiting this long after it was queued is queued again (the message was lost).
JOB_QUEUE_GRACE_SECONDS = env_int("JOB_QUEUE_GRACE_SECONDS", 120)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hold up the web request that queues a task for more than
# about a second. By default Celery gives a connection 4 s, kombu waits 2 s between two
# attempts of a publish made with retry=False, and a Redis socket waits for ever on a server
# that took the connection and then hung. Here: attempts within one second in all, a second
# per socket operation. Workers reconnect with retries of their own, which these leave alone.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("sqla+sqlite"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"connect_args": {"timeout": 20}}
elif CELERY_BROKER_URL.startswith(_redis_schemes):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 1.0,
        "socket_timeout": 1.0,
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
if CELERY_RESULT_BACKEND.startswith(_redis_schemes):
    # Queuing a task whose result is kept first subscribes to that result in Redis, which by
    # default retries 20 times a second apart: a down Redis held the request 20 to 40 s.
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1.0
    CELERY_REDIS_SOCKET_TIMEOUT = 1.0
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
# Celery beat (exactly one in a deployment).
CELERY_BEAT_SCHEDULE = {
    # Once a day, early in the morning UTC; each reminder is recorded when sent, so a rerun
    # sends nothing.
    "reminders-daily": {
        "task": "pledges.reminders_daily",
        "schedule": crontab(hour=5, minute=0),
    },
    # Mondays: what was published for those who follow a pledge, an objective or an area.
    "follow-digests-weekly": {
        "task": "pledges.follow_digests",
        "schedule": crontab(day_of_week=1, hour=6, minute=0),
    },
    # Proof for /healthz that some worker takes tasks off the queue. A heartbeat that waited
    # longer than /healthz's freshness window (two minutes, tracker.health) proves nothing, so
    # it expires then: workers back after an outage do not work through a backlog of them.
    "worker-heartbeat": {
        "task": "tracker.worker_heartbeat",
        "schedule": 30.0,
        "options": {"expires": 120},
    },
    # What no task sent (the broker was down, a worker died mid-send). A sweep left waiting
    # while workers were away is outdone by the next one: it expires with its minute.
    "outbox-sweep": {"task": "pledges.outbox_sweep", "schedule": 60.0, "options": {"expires": 60}},
    # Jobs whose message or worker was lost (tracker.jobs); the same reasoning as the outbox's.
    "jobs-sweep": {"task": "tracker.jobs_sweep", "schedule": 60.0, "options": {"expires": 60}},
    # The download of all published data, rebuilt when the data changed: the check is the
    # public fingerprint, cached, so asking every minute costs nothing.
    "open-data-refresh": {
        "task": "tracker.open_data_refresh",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    "idempotency-keys-expire": {
        "task": "tracker.idempotency_keys_expire",
        "schedule": crontab(minute=17),
    },
}

# ---------------------------------------------------------------------------------------------
# Health checks
# ---------------------------------------------------------------------------------------------

# Monitoring presents this as `Authorization: Bearer <token>` to reach /healthz/worker, the
# round trip through a worker; without it only the secretariat may. Anyone can send guesses,
# so a short token is refused.
HEALTHZ_TOKEN = env_str("HEALTHZ_TOKEN")
if HEALTHZ_TOKEN and len(HEALTHZ_TOKEN) < 32:
    raise ImproperlyConfigured(
        "HEALTHZ_TOKEN must be at least 32 characters long (python -c 'import secrets; "
        "print(secrets.token_urlsafe(32))')."
    )

# ---------------------------------------------------------------------------------------------
# REST framework
# ---------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Nothing is open unless its view says so: the public endpoints allow anyone by name.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Personal keys for scripts; the session (with its CSRF check) for the site's own pages.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "indicators.api.formats.api_exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "indicators.api.formats.CsvRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "PAGE_SIZE": 50,
    # Counted in the shared cache, per client address (anonymous) or per user (keys and
    # sessions): enough to page through every pledge in an hour; a CSV gives a whole list in
    # one request.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "1200/hour"),
        "user": env_str("API_USER_RATE", "3600/hour"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "GCM Pledge Tracker API",
    "DESCRIPTION": (
        "Pledges, progress and indicators of the Global Compact for Safe, Orderly and Regular "
        "Migration: everything the public site shows, for machines. Lists page by cursor "
        "(follow `next`); every list is also CSV (`?format=csv`), observations also SDMX-CSV; "
        "`?fields=` keeps the fields named; anonymous responses carry an ETag. All of it in one "
        "file: `/api/v1/open-data/`.\n\n"
        "The `portal` endpoints write for your organisations: send a personal key made on the "
        "portal's API keys page as `Authorization: Bearer gcm_…`. Edits say which version they "
        "change (`If-Match` or `version`); creates take an `Idempotency-Key`. Refusals name "
        "each field with the portal's own messages."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation pages' scripts and styles come from the sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # What clients send and what they are answered are told apart (read-only and write-only
    # fields, required fields of a request).
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "indicators.api.formats.read_api_schema",
        "tracker.api_docs.describe_fields",
    ],
}

# ---------------------------------------------------------------------------------------------
# Security (production)
# ---------------------------------------------------------------------------------------------

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
