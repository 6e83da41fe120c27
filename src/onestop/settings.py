"""One settings module; every deployment difference comes from the environment.

DATABASE_URL          default: SQLite at var/onestop.sqlite3 (WAL), PostgreSQL in production
ONESTOP_SECRET_KEY    required unless ONESTOP_DEBUG is on (`onestop serve` provides one)
ONESTOP_DEBUG         "1" for development tracebacks
ONESTOP_ALLOWED_HOSTS comma-separated, default "127.0.0.1,localhost"
ONESTOP_VAR_DIR       where the embedded database and generated secrets live, default ./var
ONESTOP_CACHE_URL     e.g. redis://127.0.0.1:6379/0 (needs the `redis` package, extra "redis");
                      default: each process's memory
ONESTOP_TRUSTED_PROXY "1" when a reverse proxy in front appends the client to X-Forwarded-For
ONESTOP_PROGRESS_*    limits on failed progress lookups by passport number, below; counted in
                      the database, which every process shares, with or without Redis
ONESTOP_PROGRESS_ANSWER_CACHE "0" computes every progress answer afresh; default "1" keeps the
                      API's answers in the database until their application changes

Notifications (docs/notifications.md):
ONESTOP_EMAIL_BACKEND       Django e-mail backend; default console with ONESTOP_DEBUG, else SMTP
ONESTOP_EMAIL_HOST, _PORT, _HOST_USER, _HOST_PASSWORD, _USE_TLS ("1")   the SMTP server
ONESTOP_DEFAULT_FROM_EMAIL  the sender address of applicant notices
ONESTOP_EMAIL_SENDER, ONESTOP_SMS_SENDER   dotted path of a Sender class taking over a channel
ONESTOP_NOTIFICATION_MAX_ATTEMPTS (8), _BACKOFF_SECONDS (60), _LEASE_SECONDS (300)
ONESTOP_JOB_SCHEDULE  a YAML file of periodic jobs in place of jobs/schedule.yaml
ONESTOP_WORKER_BEAT_SECONDS (10), ONESTOP_WORKER_STALE_SECONDS (60)   worker heartbeats
ONESTOP_JOB_HISTORY_DAYS (30)  finished background runs kept for the jobs page
ONESTOP_AUDIT_ANCHOR_FILE   the daily audit heads are appended here (VAR_DIR/audit-anchors.txt)
ONESTOP_AUDIT_UNCHAINED_SECONDS (60)   audit entries left unchained longer stop the anchoring
ONESTOP_SITE_URL            e.g. https://onestop.example.gov.cn: links in notices are made absolute
ONESTOP_EMAIL_LINK_HOURS (48)   how long an e-mail verification or password-reset link works
ONESTOP_EVENTS_MAX_FAILURES (8), _TIMEOUT_SECONDS (5), _SECRET_OVERLAP_HOURS (24),
ONESTOP_EVENTS_SUBSCRIPTIONS_PER_OWNER (10)   pushed events (docs/events.md)
ONESTOP_EVENTS_ALLOWED_NETWORKS   comma-separated networks (CIDR) a subscription may reach
                            besides public addresses (none by default)

Request sizes (request_size.py; docs/security.md):
ONESTOP_MAX_REQUEST_BYTES         the largest request body, default 1 MB (1048576)
ONESTOP_MAX_UPLOAD_REQUEST_BYTES  the largest body of a page that takes files, from a signed-in
                                  person, default 51 MB

Documents and uploads (docs/documents.md):
ONESTOP_DATA_KEYS       comma-separated keys (32 random bytes, base64url) encrypting personal data
                        at rest, newest first (`onestop manage new_data_key` makes one); when
                        unset, a key is made once in ONESTOP_VAR_DIR/data_key (check --deploy
                        warns)
ONESTOP_CJK_FONT        a TrueType (glyf) CJK font file or collection for PDFs; default: the first
                        found of WenQuanYi Zen Hei / Micro Hei / AR PL UMing (Debian packages)
ONESTOP_UPLOAD_SCANNER  dotted path of a callable(bytes, content_type) -> None | reason, e.g. a
                        ClamAV client; default: no scanner (a deployment must add one)
ONESTOP_IMAGE_DECODES   uploaded images decoded at once in one process, default 1 (each may
                        hold up to 320 MB while it is cleaned)
ONESTOP_IMAGE_DECODE_WAIT_SECONDS  how long an upload waits for its turn before it is refused
                        with "try again", default 30

Signing in (docs/security.md, "Authentication"):
ONESTOP_SIGN_IN_FAILURES        failed sign-ins (password or code) per username and address
                                before a lockout, default 5
ONESTOP_SIGN_IN_LOCKOUT_MINUTES how long that lockout lasts, default 15
ONESTOP_SIGN_IN_USERNAME_FAILURES failed sign-ins of one username from all addresses within
                                that time before signing in as it pauses, default 10
ONESTOP_SIGN_IN_USERNAME_WAIT_SECONDS the first such pause, doubled for each further failure,
                                default 60
ONESTOP_STAFF_IDLE_MINUTES      a staff session ends after this long without a request, default 30
ONESTOP_STAFF_SESSION_HOURS     and this long after signing in whatever the activity, default 8
ONESTOP_APPLICANT_SESSION_DAYS  other sessions last this long after their last change, default 14
ONESTOP_SUPERUSER_SIGN_IN       "1" lets superusers sign in; default on without ONESTOP_HTTPS, off
                                with it (production uses the three administrator roles)

API keys and idempotency (docs/security.md, "Keys"); operating choices, not policy:
ONESTOP_API_KEY_DAYS            a new key of a service account works this many days, default 90
ONESTOP_API_KEY_MAX_DAYS        and never longer than this, default 365
ONESTOP_IDEMPOTENCY_HOURS       a POST's answer is replayed for its Idempotency-Key this long,
                                default 24

Stored data, backups and logs (docs/personal-data.md, docs/operations.md, docs/audit.md):
ONESTOP_CRYPTO_SUITE        "international" (Fernet, SHA-256; default) or "sm" (SM4-GCM, SM3)
ONESTOP_BACKUP_KEYS         comma-separated keys signing backups, newest first
                            (`onestop manage new_backup_key`); or ONESTOP_BACKUP_KEYS_FILE, a file
                            of them, one a line; default: a key made in ONESTOP_VAR_DIR/backup_key
ONESTOP_LOG_RETENTION_DAYS  sign-in records kept this long, at least (and by default) 180
"""

import base64
import os
import sys
from datetime import timedelta
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
    # Django's admin with the site of accounts/admin_site.py: administrators' rights by role,
    # every read audited.
    "onestop.accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",  # passkeys: a second factor beside TOTP (accounts/passkeys.py)
    "ninja",  # the API docs page from local static files, which the CSP allows (no CDN)
    "onestop.catalog",
    "onestop.workdays",
    "onestop.accounts",
    "onestop.applications",
    "onestop.cases",
    "onestop.satisfaction",
    "onestop.notifications",
    "onestop.appointments",
    "onestop.audit",
    "onestop.progress",  # no models: it watches those its kept answers are made of
    "onestop.operations",
    "onestop.counters",
    "onestop.jobs",
    "onestop.events",
    "onestop.idempotency",
    "onestop.web",
    # The task engine: Django's Tasks API (the backport on 5.2) and its database backend.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "onestop.api.middleware.JsonErrorsMiddleware",  # outside every layer that may refuse
    "onestop.unavailable.DatabaseUnavailableMiddleware",  # outside all that reads the database
    # A request reads the catalog's and calendar's generation at most once (catalog/generations)
    "onestop.catalog.generations.RequestGenerations",
    "onestop.api.security.KeyUseMiddleware",  # logs a key's use with the answer's final status
    # Refuses a body over its limit (larger ones for a signed-in person's files) before anything
    # reads it: keep it above every middleware that reads request.body, POST or FILES (the input
    # guard does, CSRF does). wsgi.py's BodyLimit has cut off a body over its address's limit
    # before Django; this answers in both languages.
    "onestop.request_size.RequestSizeMiddleware",
    "onestop.web.input_guard.InputGuardMiddleware",  # a NUL anywhere: 400 before any view
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session's factor
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every signed-in request: the person's sessions end when their roles, flags or devices
    # change; staff need the verified second factor and the staff session limits.
    "onestop.accounts.middleware.SessionGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "onestop.web.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the page that says so
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
    # Each thread keeps its connection 60 s, on SQLite too: opening one (and its PRAGMAs) cost
    # an SQLite request more than the rest of a catalog read.
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
    elif db["ENGINE"] == "django.db.backends.postgresql":
        # Statements run through onestop.prepared's cursors are planned once per connection;
        # Django's own cursors bind on the client and never prepare, whatever this says.
        db["OPTIONS"] = {"prepare_threshold": 0}
    return db


DATABASES = {"default": _database()}


def _cache() -> dict:
    url = os.environ.get("ONESTOP_CACHE_URL", "")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url:
        raise ImproperlyConfigured("ONESTOP_CACHE_URL must be a redis:// URL.")
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


# Shared by every process only with Redis; in memory, each process keeps its own. Nothing that
# must hold for the whole site is kept here: the limits on failed lookups count in the database.
CACHES = {"default": _cache()}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/my/applications/"

# Authentication (docs/security.md). Passwords: ASVS 4.0.3 2.1.1 (12 characters at least), 2.1.2
# (up to 128), 2.1.7 (not a common password), no composition rules (2.1.9).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "onestop.accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username and address
    # Django's ModelBackend, loading with the user what each request's check needs, and giving
    # administrators the permissions of their role (accounts/backends.py).
    "onestop.accounts.backends.AccountBackend",
]

# Lockout (accounts/lockout.py): failures per username and address together, never per address
# alone, so one person cannot lock out an office behind one address; and per username across
# all addresses, with a higher limit and a short, growing pause (the handler), against guessing
# one account from many addresses.
AXES_HANDLER = "onestop.accounts.lockout.SignInHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("ONESTOP_SIGN_IN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ONESTOP_SIGN_IN_LOCKOUT_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the time the page names holds
AXES_LOCKOUT_CALLABLE = "onestop.web.sign_in.locked_out"
AXES_CLIENT_IP_CALLABLE = "onestop.progress.throttle.client_ip"  # ONESTOP_TRUSTED_PROXY
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code"]  # masked in its logs
ONESTOP_SIGN_IN_USERNAME_FAILURES = int(os.environ.get("ONESTOP_SIGN_IN_USERNAME_FAILURES", "10"))
ONESTOP_SIGN_IN_USERNAME_WAIT_SECONDS = int(
    os.environ.get("ONESTOP_SIGN_IN_USERNAME_WAIT_SECONDS", "60")
)

# Second factor of staff (accounts/two_factor.py): the pending sign-in between the password and
# the code lasts this long; the issuer names the account in authenticator apps.
ONESTOP_SIGN_IN_STEP_SECONDS = 5 * 60
OTP_TOTP_ISSUER = "onestop"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin deletes a lost device; it never shows a key
# Passkeys (WebAuthn, accounts/passkeys.py): a second factor after the password, never instead of
# it. The relying party is the host of ONESTOP_SITE_URL, or of the request (ALLOWED_HOSTS); the
# origins below only satisfy django-otp-webauthn's own checks, passkeys.py decides.
OTP_WEBAUTHN_RP_NAME = "onestop"
OTP_WEBAUTHN_RP_ID_CALLABLE = "onestop.accounts.passkeys.relying_party_id"
OTP_WEBAUTHN_HELPER_CLASS = "onestop.accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    os.environ.get("ONESTOP_SITE_URL", "").rstrip("/") or "http://localhost"
]
# Superusers pass every permission check, so one of them is system, security and audit
# administrator at once (GB/T 22239-2019 8.1.4.2 d). They may sign in only where this is on:
# by default without ONESTOP_HTTPS (development, tests, demos), never in production unless
# set to "1" (`check --deploy` then warns: onestop.W002). accounts/administrators.py.
ONESTOP_SUPERUSER_SIGN_IN = (
    os.environ.get(
        "ONESTOP_SUPERUSER_SIGN_IN", "0" if os.environ.get("ONESTOP_HTTPS") == "1" else "1"
    )
    == "1"
)

# Session lifetimes (accounts/session_policy.py), set at sign-in by role.
ONESTOP_STAFF_IDLE_SECONDS = 60 * int(os.environ.get("ONESTOP_STAFF_IDLE_MINUTES", "30"))
ONESTOP_STAFF_ABSOLUTE_SECONDS = 3600 * int(os.environ.get("ONESTOP_STAFF_SESSION_HOURS", "8"))
ONESTOP_APPLICANT_SESSION_SECONDS = 86400 * int(
    os.environ.get("ONESTOP_APPLICANT_SESSION_DAYS", "14")
)

# Headers (ASVS 4.0.3 V14.4). No inline script or style anywhere: scripts are static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
ONESTOP_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=()"
)

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
# Uploaded files are personal data: encrypted at rest with ONESTOP_DATA_KEYS.
STORAGES = {
    "default": {"BACKEND": "onestop.applications.protected_files.EncryptedFileStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Request bodies over these are refused with 413 before anything reads them (request_size.py):
# 1 MB, kept in memory; from a signed-in person, pages that take files five files of
# documents/uploads.MAX_BYTES (10 MB) and the form around them.
ONESTOP_MAX_UPLOAD_REQUEST_BYTES = int(
    os.environ.get("ONESTOP_MAX_UPLOAD_REQUEST_BYTES", str(51 * 1024 * 1024))
)
ONESTOP_MAX_REQUEST_BYTES = int(os.environ.get("ONESTOP_MAX_REQUEST_BYTES", str(1024 * 1024)))
# Whatever the process's umask (cli.py sets 077 at the entry points): the owner's alone.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Django's two handlers; the one writing to a temporary file is given a bounded name
# (web/upload_handlers.py), as a name's long "extension" is otherwise the temporary file's.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "onestop.web.upload_handlers.TemporaryFileUploadHandler",
]
ONESTOP_UPLOAD_SCANNER = os.environ.get("ONESTOP_UPLOAD_SCANNER", "")
ONESTOP_IMAGE_DECODES = int(os.environ.get("ONESTOP_IMAGE_DECODES", "1"))
ONESTOP_IMAGE_DECODE_WAIT_SECONDS = float(os.environ.get("ONESTOP_IMAGE_DECODE_WAIT_SECONDS", "30"))
ONESTOP_CJK_FONT = os.environ.get("ONESTOP_CJK_FONT", "")


# Keys of personal data and secrets at rest (onestop/data_keys.py), newest first. Without them
# from the environment, a key kept in ONESTOP_VAR_DIR (made once, readable by the owner only);
# `check --deploy` warns about that: production keeps keys away from the data they protect.
def _data_keys() -> tuple[list[str], bool]:
    given = [k.strip() for k in os.environ.get("ONESTOP_DATA_KEYS", "").split(",") if k.strip()]
    if given:
        return given, True
    key_file = VAR_DIR / "data_key"
    if not key_file.exists():
        key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = base64.urlsafe_b64encode(os.urandom(32))
        try:  # two processes starting at once: the first one's key wins
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(key)
    return [key_file.read_text(encoding="utf-8").strip()], False


ONESTOP_DATA_KEYS, ONESTOP_DATA_KEYS_FROM_ENVIRONMENT = _data_keys()

# The algorithms of stored data (crypto_suite.py): "international" (Fernet, SHA-256) or "sm"
# (SM4-GCM, SM3; GB/T 39786-2021). What is written next follows it; what was written before
# names its own algorithm and still reads (docs/personal-data.md says how to switch).
ONESTOP_CRYPTO_SUITE = os.environ.get("ONESTOP_CRYPTO_SUITE", "international").strip().lower()
if ONESTOP_CRYPTO_SUITE not in ("international", "sm"):
    raise ImproperlyConfigured(
        f"ONESTOP_CRYPTO_SUITE must be 'international' or 'sm', not {ONESTOP_CRYPTO_SUITE!r}."
    )

# Keys that sign backups (operations/signing.py), newest first: the newest signs, all verify.
# From the environment, or a file outside MEDIA_ROOT (one key a line); else a key made on the
# first backup in ONESTOP_VAR_DIR/backup_key, which `check --deploy` warns about.
ONESTOP_BACKUP_KEYS = [
    k.strip() for k in os.environ.get("ONESTOP_BACKUP_KEYS", "").split(",") if k.strip()
]
ONESTOP_BACKUP_KEYS_FILE = os.environ.get("ONESTOP_BACKUP_KEYS_FILE", "")

# Operating choices (docs/security.md, "Keys"): a key expires by default after a quarter, at most
# after a year, so a forgotten key stops working; a creating POST's answer is kept a day for its
# Idempotency-Key, long enough for a client's retries, short enough to keep the table small.
ONESTOP_API_KEY_DAYS = int(os.environ.get("ONESTOP_API_KEY_DAYS", "90"))
ONESTOP_API_KEY_MAX_DAYS = int(os.environ.get("ONESTOP_API_KEY_MAX_DAYS", "365"))
ONESTOP_IDEMPOTENCY_HOURS = int(os.environ.get("ONESTOP_IDEMPOTENCY_HOURS", "24"))

# Logs are kept at least 6 months (网络安全法 第二十一条: 留存相关的网络日志不少于六个月): audit
# entries are never deleted, and sign-in records not before this many days (audit/retention.py).
# A smaller value is refused here; code that is handed one anyway keeps 180 and says so.
ONESTOP_LOG_RETENTION_DAYS = int(os.environ.get("ONESTOP_LOG_RETENTION_DAYS", "180"))
if ONESTOP_LOG_RETENTION_DAYS < 180:
    raise ImproperlyConfigured(
        f"ONESTOP_LOG_RETENTION_DAYS={ONESTOP_LOG_RETENTION_DAYS}: logs are kept at least 180 "
        "days (Cybersecurity Law art. 21: six months). / "
        f"ONESTOP_LOG_RETENTION_DAYS={ONESTOP_LOG_RETENTION_DAYS}：日志至少留存180日"
        "（网络安全法第二十一条：不少于六个月）。"
    )
# Failed sign-ins are recorded (axes' AccessFailureLog) beside successful ones (AccessLog), and
# neither axes' clean-up commands nor its per-user limit delete a record younger than that
# (accounts/lockout.py: SignInHandler is audit/retention.py's RetainingAxesHandler).
AXES_ENABLE_ACCESS_FAILURE_LOG = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if os.environ.get("ONESTOP_HTTPS") == "1":  # production: docs/operations.md, check --deploy
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    # HSTS: once a browser has seen the site over HTTPS it refuses plain HTTP for this long.
    SECURE_HSTS_SECONDS = int(os.environ.get("ONESTOP_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("ONESTOP_HSTS_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("ONESTOP_HSTS_PRELOAD", "1") == "1"
    if os.environ.get("ONESTOP_TRUSTED_PROXY") == "1":
        # TLS ends at the proxy, which must set (never pass on) X-Forwarded-Proto; without it
        # every request looks like plain HTTP and the redirect to HTTPS never ends.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Failed progress lookups by passport number (progress/throttle.py, docs/adr/0004): an
# address gets at most this many within its window, then HTTP 429 until the window ends.
ONESTOP_PROGRESS_FAILURES_PER_IP = int(os.environ.get("ONESTOP_PROGRESS_FAILURES_PER_IP", "10"))
ONESTOP_PROGRESS_IP_WINDOW_SECONDS = int(
    os.environ.get("ONESTOP_PROGRESS_IP_WINDOW_SECONDS", str(15 * 60))
)
# An application number that failed this many times within its window, from any addresses, is
# guarded: until the window ends, an address that failed on it
# ONESTOP_PROGRESS_GUARDED_FAILURES_PER_IP times gets 429 for it. Addresses that did not (the
# applicant's) are never refused because of it.
ONESTOP_PROGRESS_FAILURES_PER_NUMBER = int(
    os.environ.get("ONESTOP_PROGRESS_FAILURES_PER_NUMBER", "20")
)
ONESTOP_PROGRESS_NUMBER_WINDOW_SECONDS = int(
    os.environ.get("ONESTOP_PROGRESS_NUMBER_WINDOW_SECONDS", str(60 * 60))
)
ONESTOP_PROGRESS_GUARDED_FAILURES_PER_IP = int(
    os.environ.get("ONESTOP_PROGRESS_GUARDED_FAILURES_PER_IP", "3")
)
# Progress answers kept in the database until their application changes (progress/answers.py);
# "0" computes every answer afresh.
ONESTOP_PROGRESS_ANSWER_CACHE = os.environ.get("ONESTOP_PROGRESS_ANSWER_CACHE", "1") == "1"
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
# How long a link sent to prove an e-mail address, or to set a new password, works.
ONESTOP_EMAIL_LINK_HOURS = int(os.environ.get("ONESTOP_EMAIL_LINK_HOURS", "48"))
PASSWORD_RESET_TIMEOUT = ONESTOP_EMAIL_LINK_HOURS * 3600

# Background jobs (jobs/, docs/jobs.md): queued in the database, run by `onestop worker` or the
# worker `onestop serve` starts beside the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ONESTOP_JOB_SCHEDULE = os.environ.get("ONESTOP_JOB_SCHEDULE", "")  # default jobs/schedule.yaml
ONESTOP_WORKER_BEAT_SECONDS = float(os.environ.get("ONESTOP_WORKER_BEAT_SECONDS", "10"))
# A worker silent this long is taken for dead: its task runs again, readiness says no worker.
ONESTOP_WORKER_STALE_SECONDS = int(os.environ.get("ONESTOP_WORKER_STALE_SECONDS", "60"))
ONESTOP_JOB_HISTORY_DAYS = int(os.environ.get("ONESTOP_JOB_HISTORY_DAYS", "30"))
ONESTOP_AUDIT_ANCHOR_FILE = os.environ.get("ONESTOP_AUDIT_ANCHOR_FILE", "")
# Entries are chained seconds after their commit (ADR 0009); one left unchained this long means
# the chaining stopped, and nothing is anchored until it is looked at (audit/anchoring.py).
ONESTOP_AUDIT_UNCHAINED_SECONDS = int(os.environ.get("ONESTOP_AUDIT_UNCHAINED_SECONDS", "60"))

# Open statistics (supervision/open_statistics.py, docs/statistics.md). A figure counted over
# fewer cases than this is published as suppressed: an operating choice (no source of the catalog
# sets a threshold for 办件公示), the small-cell rule of official statistics that keeps a figure of
# one or two people from naming them. The figures change slowly: kept this many seconds per
# query, an operating choice (a case finished now shows within it).
ONESTOP_STATISTICS_MIN_CASES = int(os.environ.get("ONESTOP_STATISTICS_MIN_CASES", "5"))
ONESTOP_STATISTICS_CACHE_SECONDS = int(os.environ.get("ONESTOP_STATISTICS_CACHE_SECONDS", "300"))

# Pushed events (events/delivery.py; docs/events.md). Operating choices, not from the sources:
# failures in a row before a subscription is switched off, the receiver's time to answer, how
# long a replaced secret still signs, subscriptions one person may hold.
ONESTOP_EVENTS_MAX_FAILURES = int(os.environ.get("ONESTOP_EVENTS_MAX_FAILURES", "8"))
ONESTOP_EVENTS_TIMEOUT_SECONDS = float(os.environ.get("ONESTOP_EVENTS_TIMEOUT_SECONDS", "5"))
ONESTOP_EVENTS_SECRET_OVERLAP_HOURS = int(
    os.environ.get("ONESTOP_EVENTS_SECRET_OVERLAP_HOURS", "24")
)
ONESTOP_EVENTS_SUBSCRIPTIONS_PER_OWNER = int(
    os.environ.get("ONESTOP_EVENTS_SUBSCRIPTIONS_PER_OWNER", "10")
)
ONESTOP_EVENTS_ALLOWED_NETWORKS = tuple(
    n for n in os.environ.get("ONESTOP_EVENTS_ALLOWED_NETWORKS", "").split(",") if n.strip()
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ONESTOP_LOG_LEVEL", "INFO")},
    # The task runner's own lines ("Starting worker", "No more tasks") come every pass of the
    # worker's loop (jobs/worker.py): only its warnings. Each task's start and end stay.
    "loggers": {"django_tasks_db": {"level": "WARNING"}},
}
