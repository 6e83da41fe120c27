"""One settings module; every deployment difference comes from the environment.

DATABASE_URL          default: SQLite at var/onestop.sqlite3 (WAL), PostgreSQL in production
ONESTOP_SECRET_KEY    required unless ONESTOP_DEBUG is on (`onestop serve` provides one)
ONESTOP_DEBUG         "1" for development tracebacks
ONESTOP_ALLOWED_HOSTS comma-separated, default "127.0.0.1,localhost"
ONESTOP_VAR_DIR       where the embedded database and generated secrets live, default ./var
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
        }
        db["CONN_MAX_AGE"] = 0
    return db


DATABASES = {"default": _database()}
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ONESTOP_LOG_LEVEL", "INFO")},
}
