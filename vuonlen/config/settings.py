"""Settings, read from the environment (12-factor).

DATABASE_URL   database; default SQLite (WAL) at var/vuonlen.sqlite3
SECRET_KEY     required unless DEBUG is on
DEBUG          "1"/"true" for development
ALLOWED_HOSTS  comma-separated host names
SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD  production HSTS (default one year, no sub-domains, no preload)
TASKS_BACKEND  "database" (default: a worker runs the background jobs) or "immediate"
VUONLEN_JOB_LEASE_SECONDS  how long a silent worker keeps its job before it is failed (120)
VUONLEN_SQLITE_TIMEOUT     seconds a SQLite writer waits for the lock (20)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.contrib.messages import constants as message_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VUONLEN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
TESTING = env_bool("VUONLEN_TESTING")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY chưa được đặt. Production mode needs SECRET_KEY in the environment "
            "(or set DEBUG=1 for development)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    "vuonlen.core",
    "vuonlen.geo",
    "vuonlen.accounts",
    "vuonlen.poverty",
    "vuonlen.households",
    "vuonlen.directives",
    "vuonlen.reporting",
    "vuonlen.twinning",
    "vuonlen.support",
    "vuonlen.initiatives",
    "vuonlen.outreach",
    "vuonlen.campaign",
    "vuonlen.indicators",
    "vuonlen.messaging",
    "vuonlen.surveys",
    "vuonlen.plans",
    # After vuonlen.core, whose `db_worker` (the package's worker, made to outlive locks and to
    # reap dead jobs) takes the place of the package's own.
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag and 304 Not Modified for the API's GETs (vuonlen.api.conditional; docs/performance.md).
    "vuonlen.api.conditional.ApiConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the person picked English (see core.middleware: not the browser's language).
    "vuonlen.core.middleware.LanguageMiddleware",
    # Under /api/ every error is JSON, whatever layer gave it (see vuonlen.api.errors).
    "vuonlen.api.errors.ApiJsonErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says @login_not_required (login, showcase, API).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Django's form renderer, with drop-down lists written in Python (same markup; issue 17).
FORM_RENDERER = "vuonlen.core.form_renderer.FormRenderer"

ROOT_URLCONF = "vuonlen.config.urls"
WSGI_APPLICATION = "vuonlen.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "vuonlen" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vuonlen.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'vuonlen.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if TESTING else 60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes. A writer finding the file locked waits up to
    # `timeout` seconds (long enough for an import's write transaction) instead of failing, and
    # IMMEDIATE transactions take the write lock when they begin, so two of them never deadlock
    # upgrading a read lock (which SQLite would fail at once, without waiting).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("VUONLEN_SQLITE_TIMEOUT", "20")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
# The dashboards' figures and other derived numbers (docs/performance.md). Shared by every
# worker process of the server, so a figure invalidated by one process is gone for all:
# CACHE_URL=redis://127.0.0.1:6379/1 uses Redis (needs the "redis" extra: `uv sync --extra
# redis`); CACHE_URL=locmem:// one process's memory (a single process only); by default files
# under var/cache/, which needs nothing running. Tests use the process's memory.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "vuonlen"}}
elif CACHE_URL.startswith("locmem://") or TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "vuonlen"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache"), "OPTIONS": {"MAX_ENTRIES": 5000}}}
AUTH_USER_MODEL = "accounts.User"

# --- Auth -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "vuonlen.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "vuonlen.accounts.validators.CharacterClassValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Throttled logins: 5 failures for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
SESSION_COOKIE_AGE = 60 * 60 * 10
# Sessions are written to the database and read through the shared cache (``CACHES``): a page
# reads its session from the cache instead of a query (issue 17), and a session the cache lost
# is read from the database. Logging out, a locked account and a password set by a manager end
# the sessions on the next page as before: logout deletes the session from both, and the
# account's state and password hash are read from the database on every request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
# Bootstrap's alert class for Django's "error" level.
MESSAGE_TAGS = {message_constants.ERROR: "danger"}

# --- Language, time -------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "vuonlen" / "locale"]
FORMAT_MODULE_PATH = ["vuonlen.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Bootstrap, htmx and Chart.js are vendored here (no CDN: district offices have poor links).
STATICFILES_DIRS = [BASE_DIR / "vuonlen" / "static"]
MEDIA_ROOT = Path(os.environ.get("VUONLEN_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
VUONLEN_MAX_IMPORT_BYTES = 20 * 1024 * 1024
# Limits of the one spreadsheet reader (core.sheet_guard; docs/imports.md "Limits"): checked from
# the file's own bookkeeping before any parser runs, then the parse runs in a child process with a
# memory cap and a time limit, so no file can take a worker down.
VUONLEN_IMPORT_MAX_INFLATED_BYTES = int(os.environ.get("VUONLEN_IMPORT_MAX_INFLATED_BYTES", 300 * 1024 * 1024))
VUONLEN_IMPORT_MAX_COLUMNS = int(os.environ.get("VUONLEN_IMPORT_MAX_COLUMNS", 500))
VUONLEN_IMPORT_MAX_CELLS = int(os.environ.get("VUONLEN_IMPORT_MAX_CELLS", 6_000_000))
VUONLEN_IMPORT_MEMORY_BYTES = int(os.environ.get("VUONLEN_IMPORT_MEMORY_BYTES", 1536 * 1024 * 1024))
VUONLEN_IMPORT_PARSE_SECONDS = int(os.environ.get("VUONLEN_IMPORT_PARSE_SECONDS", 120))
# Attachments and evidence files (core.uploads): checked by extension and content, stored under
# MEDIA_ROOT with random names, served only through views that check the owning record's scope.
VUONLEN_MAX_UPLOAD_BYTES = int(os.environ.get("VUONLEN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
VUONLEN_UPLOAD_IMAGE_MAX_SIDE = 2000
# Report reminders (`vuonlen reporting remind`, run daily): this many days before the due date,
# and on the day. VUONLEN_SITE_URL makes the links in the e-mails absolute.
VUONLEN_REPORT_REMINDER_DAYS = int(os.environ.get("VUONLEN_REPORT_REMINDER_DAYS", "3"))
VUONLEN_SITE_URL = os.environ.get("VUONLEN_SITE_URL", "")

# --- Security -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (Django's own, django.middleware.csp), in every mode so that the
# browser tests see what production sends: scripts, styles, fonts and images from our own
# origin only; no inline script, no inline style, no eval, no plugins, not framed. Bootstrap
# draws its form icons as data: SVG images, hence data: for images. See docs/security.md.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HSTS: browsers that once reached the site over HTTPS never try plain HTTP again. One year
    # by default; SECURE_HSTS_SECONDS=0 turns it off (a site still on plain HTTP, where browsers
    # ignore the header anyway). Sub-domains and preload only when the operator says so.
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")

# --- Background work --------------------------------------------------------
# Long imports run as tasks (django.tasks). "database" keeps them in the database until the
# worker (`vuonlen db_worker`, started by `make run`) picks them up; any number of app servers
# and workers may share it. "immediate" runs each task inside the request that enqueued it:
# the tests use it, and so can a machine where no worker may run (the page then waits).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if TESTING else "database")
if TASKS_BACKEND not in {"database", "immediate"}:
    raise ImproperlyConfigured("TASKS_BACKEND must be “database” or “immediate”")
TASKS = {
    "default": {
        "BACKEND": ("django_tasks_db.DatabaseBackend" if TASKS_BACKEND == "database"
                    else "django.tasks.backends.immediate.ImmediateBackend"),
    },
}

# A running job is held by its worker on a lease, renewed by a heartbeat every quarter of it; a
# job whose lease has expired lost its worker and is failed (households/jobs.py). On SQLite the
# heartbeat cannot write while the import writes, so the lease is stretched over the write.
VUONLEN_JOB_LEASE_SECONDS = float(os.environ.get("VUONLEN_JOB_LEASE_SECONDS", "120"))
VUONLEN_JOB_WRITE_GRACE_SECONDS = float(os.environ.get("VUONLEN_JOB_WRITE_GRACE_SECONDS", "600"))
# A job failed for the system's sake keeps its file this long, for its sender to retry it.
VUONLEN_JOB_RETRY_DAYS = int(os.environ.get("VUONLEN_JOB_RETRY_DAYS", "7"))
# What the worker (`vuonlen db_worker`, core) calls when it starts and every lease while it runs.
VUONLEN_WORKER_REAPERS = ["vuonlen.households.jobs.import_jobs_reap"]

MAILERS = {
    "default": {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")},
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "vuonlen@localhost")

# --- Outgoing messages (messaging room; docs/messaging.md) --------------------
# Like EMAIL_BACKEND: "console" (default), "file", "email", "sms", "zalo" or a dotted path, for
# every channel, overridden per channel by MESSAGING_EMAIL/SMS/ZALO_BACKEND.
MESSAGING_BACKEND = os.environ.get("MESSAGING_BACKEND", "console")
MESSAGING_EMAIL_BACKEND = os.environ.get("MESSAGING_EMAIL_BACKEND", "")
MESSAGING_SMS_BACKEND = os.environ.get("MESSAGING_SMS_BACKEND", "")
MESSAGING_ZALO_BACKEND = os.environ.get("MESSAGING_ZALO_BACKEND", "")
MESSAGING_FILE_PATH = Path(os.environ.get("MESSAGING_FILE_PATH", VAR_DIR / "messages"))
MESSAGING_SMS_URL = os.environ.get("MESSAGING_SMS_URL", "")
MESSAGING_SMS_TOKEN = os.environ.get("MESSAGING_SMS_TOKEN", "")
MESSAGING_SMS_IDEMPOTENT = env_bool("MESSAGING_SMS_IDEMPOTENT", True)
MESSAGING_ZALO_URL = os.environ.get("MESSAGING_ZALO_URL", "https://openapi.zalo.me/v3.0/oa/message/cs")
MESSAGING_ZALO_TOKEN = os.environ.get("MESSAGING_ZALO_TOKEN", "")
MESSAGING_HTTP_TIMEOUT = float(os.environ.get("MESSAGING_HTTP_TIMEOUT", "10"))
# A send not finished after this long lost its worker (see messaging/outbox.py).
MESSAGING_SEND_LEASE_SECONDS = float(os.environ.get("MESSAGING_SEND_LEASE_SECONDS", "300"))
# Reports and tasks enter the inbox this many days before their deadline.
MESSAGING_DUE_SOON_DAYS = int(os.environ.get("MESSAGING_DUE_SOON_DAYS", "7"))

# Application logs never carry personal data: log ids, never names or ID numbers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "ERROR"}},
}
