"""One settings module; every deployment difference comes from the environment.

DATABASE_URL          default: SQLite at var/onestop.sqlite3 (WAL), PostgreSQL in production
ONESTOP_SECRET_KEY    required unless ONESTOP_DEBUG is on (`onestop serve` provides one)
ONESTOP_DEBUG         "1" for development tracebacks
ONESTOP_ALLOWED_HOSTS comma-separated, default "127.0.0.1,localhost"
ONESTOP_VAR_DIR       where the embedded database and generated secrets live, default ./var
ONESTOP_CACHE_URL     e.g. redis://127.0.0.1:6379/0 (needs the `redis` package, extra "redis");
                      default: each process's memory
ONESTOP_TRUSTED_PROXY "1" when a reverse proxy in front appends the client to X-Forwarded-For
ONESTOP_PROGRESS_*    limits on failed progress lookups by passport number, below

Notifications (docs/notifications.md):
ONESTOP_EMAIL_BACKEND       Django e-mail backend; default console with ONESTOP_DEBUG, else SMTP
ONESTOP_EMAIL_HOST, _PORT, _HOST_USER, _HOST_PASSWORD, _USE_TLS ("1")   the SMTP server
ONESTOP_DEFAULT_FROM_EMAIL  the sender address of applicant notices
ONESTOP_EMAIL_SENDER, ONESTOP_SMS_SENDER   dotted path of a Sender class taking over a channel
ONESTOP_NOTIFICATION_MAX_ATTEMPTS (8), _BACKOFF_SECONDS (60), _LEASE_SECONDS (300)
ONESTOP_SITE_URL            e.g. https://onestop.example.gov.cn: links in notices are made absolute

Documents and uploads (docs/documents.md):
ONESTOP_CJK_FONT        a TrueType (glyf) CJK font file or collection for PDFs; default: the first
                        found of WenQuanYi Zen Hei / Micro Hei / AR PL UMing (Debian packages)
ONESTOP_UPLOAD_SCANNER  dotted path of a callable(bytes, content_type) -> None | reason, e.g. a
                        ClamAV client; default: no scanner (a deployment must add one)
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ONESTOP_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = os.environ.get("ONESTOP_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("ONESTOP_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and "pytest" not in sys.modules:  # the test suite runs without secrets
        raise ImproperlyConfigured(
            "Set ONESTOP_SECRET_KEY (or run `onestop serve`, which creates one)."
        )
    SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ONESTOP_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "onestop.catalog",
    "onestop.workdays",
    "onestop.accounts",
    "onestop.applications",
    "onestop.cases",
    "onestop.notifications",
    "onestop.appointments",
    "onestop.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "onestop.urls"
WSGI_APPLICATION = "onestop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'onestop.sqlite3'}"
    db = dj_database_url.parse(url, conn_max_age=60)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on while one writer commits; IMMEDIATE avoids
        # "database is locked" when two writers upgrade a read lock at once.
        db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            # Writers queue for the lock instead of failing at once during a booking rush.
            "timeout": 30,
        }
        db["CONN_MAX_AGE"] = 0
    return db


DATABASES = {"default": _database()}


def _cache() -> dict:
    url = os.environ.get("ONESTOP_CACHE_URL", "")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url:
        raise ImproperlyConfigured("ONESTOP_CACHE_URL must be a redis:// URL.")
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


# Shared by every process only with Redis; in memory, each process counts on its own.
CACHES = {"default": _cache()}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/my/applications/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "onestop_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Uploaded files are personal data: stored outside the static tree, served only through
# access-checked views, never by URL alone.
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
ONESTOP_UPLOAD_SCANNER = os.environ.get("ONESTOP_UPLOAD_SCANNER", "")
ONESTOP_CJK_FONT = os.environ.get("ONESTOP_CJK_FONT", "")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if os.environ.get("ONESTOP_HTTPS") == "1":
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True

# Failed progress lookups by passport number (applications/throttle.py): at most this many per
# client address and per application number within the window; then HTTP 429 until it ends.
ONESTOP_PROGRESS_FAILURES_PER_IP = int(os.environ.get("ONESTOP_PROGRESS_FAILURES_PER_IP", "10"))
ONESTOP_PROGRESS_IP_WINDOW_SECONDS = int(
    os.environ.get("ONESTOP_PROGRESS_IP_WINDOW_SECONDS", str(15 * 60))
)
ONESTOP_PROGRESS_FAILURES_PER_NUMBER = int(
    os.environ.get("ONESTOP_PROGRESS_FAILURES_PER_NUMBER", "20")
)
ONESTOP_PROGRESS_NUMBER_WINDOW_SECONDS = int(
    os.environ.get("ONESTOP_PROGRESS_NUMBER_WINDOW_SECONDS", str(60 * 60))
)
# Only behind a proxy that appends the client's address to X-Forwarded-For; otherwise anyone
# could pick the address they are counted under.
ONESTOP_TRUSTED_PROXY = os.environ.get("ONESTOP_TRUSTED_PROXY", "") == "1"

EMAIL_BACKEND = os.environ.get("ONESTOP_EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("ONESTOP_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ONESTOP_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ONESTOP_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ONESTOP_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("ONESTOP_EMAIL_USE_TLS") == "1"
EMAIL_TIMEOUT = 30  # seconds; well within the worker's lease on a message
DEFAULT_FROM_EMAIL = os.environ.get("ONESTOP_DEFAULT_FROM_EMAIL", "onestop@localhost")

# Who sends each channel (empty: the local default of notifications/senders.py).
ONESTOP_EMAIL_SENDER = os.environ.get("ONESTOP_EMAIL_SENDER", "")
ONESTOP_SMS_SENDER = os.environ.get("ONESTOP_SMS_SENDER", "")
ONESTOP_NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("ONESTOP_NOTIFICATION_MAX_ATTEMPTS", "8"))
ONESTOP_NOTIFICATION_BACKOFF_SECONDS = int(
    os.environ.get("ONESTOP_NOTIFICATION_BACKOFF_SECONDS", "60")
)
# How long a worker holds a message it is sending before another may take it over.
ONESTOP_NOTIFICATION_LEASE_SECONDS = int(
    os.environ.get("ONESTOP_NOTIFICATION_LEASE_SECONDS", "300")
)
# Where applicants reach the site, for links in notices; empty: links are paths of the site.
ONESTOP_SITE_URL = os.environ.get("ONESTOP_SITE_URL", "").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ONESTOP_LOG_LEVEL", "INFO")},
}
