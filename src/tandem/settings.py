"""Tandem's one settings module, read from the environment.

With nothing set, Tandem runs on its embedded defaults: SQLite under ``var/``, a secret key
generated and kept there, uploads under ``var/media/`` and e-mail printed to the console.
``TANDEM_ENV=production`` turns on the production checks and requires its variables.
"""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("TANDEM_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

ENV = os.environ.get("TANDEM_ENV", "development")
IS_PRODUCTION = ENV == "production"


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def required(name: str) -> str:
    """In production a missing variable stops start-up with a sentence that names it."""
    value = os.environ.get(name, "")
    if not value:
        raise RuntimeError(f"Set the {name} environment variable: production needs it.")
    return value


def local_secret_key() -> str:
    """Development keeps one generated key under var/ so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = required("SECRET_KEY") if IS_PRODUCTION else local_secret_key()
DEBUG = False if IS_PRODUCTION else env_bool("TANDEM_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost,[::1]")
if IS_PRODUCTION and not ALLOWED_HOSTS:
    required("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Where links in mail point (tandem.core.site): SITE_URL when the operator sets it; else the
# address `tandem demo`/`tandem serve` were told to bind (TANDEM_SERVED_AT), and each
# practice's mail uses the origin its members last signed in at.
SITE_URL_IS_SET = bool(os.environ.get("SITE_URL", "").strip())
SITE_URL = (
    os.environ.get("SITE_URL", "").strip()
    or os.environ.get("TANDEM_SERVED_AT", "").strip()
    or "http://127.0.0.1:8000"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # Tandem's apps come before allauth so that our templates override its layouts.
    "tandem.core",
    "tandem.accounts",
    "tandem.clients",
    "tandem.delegation",
    "tandem.work",
    "tandem.planning",
    "tandem.trust",
    "tandem.vault",
    "tandem.agreements",
    "tandem.references",
    "tandem.search",
    "tandem.notify",
    "tandem.inbound",
    "tandem.home",
    "tandem.demo",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tandem.core.middleware.TenancyMiddleware",
    "tandem.core.middleware.RequireTwoFactorMiddleware",
    "tandem.core.middleware.RefusedFormStatusMiddleware",
]
# Benchmarks only: time each request and count its queries, in response headers, and serve
# the benchmark's floor page (tandem.urls_bench), which lists tasks to anyone: never set it
# on a real install.
TANDEM_BENCH = env_bool("TANDEM_BENCH", False)
if TANDEM_BENCH:
    MIDDLEWARE.insert(0, "tandem.core.middleware.ServerTimingMiddleware")

ROOT_URLCONF = "tandem.urls_bench" if TANDEM_BENCH else "tandem.urls"
WSGI_APPLICATION = "tandem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tandem.core.context_processors.tenancy",
            ],
            "builtins": [
                "template_partials.templatetags.partials",
                # {{ instant|time_tag:"D j M, H:i" }} on every page that lists instants.
                "tandem.core.templatetags.when",
                # {{ task.pk|link_to:"work:task-detail" }} on every page that lists rows.
                "tandem.core.templatetags.links",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "tandem.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": cast(dict[str, Any], dj_database_url.parse(DATABASE_URL))}
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        db_options = DATABASES["default"].setdefault("OPTIONS", {})
        # Pages run short queries, where a parallel worker's start-up costs more than it
        # saves, and on a small machine the worker competes with the web process for a core:
        # the owner's search at 100,000 tasks ran 55 ms (median) with one and 38 ms without.
        parallel = int(os.environ.get("TANDEM_PG_PARALLEL_WORKERS", "0"))
        db_options["options"] = " ".join(
            filter(
                None, [db_options.get("options"), f"-c max_parallel_workers_per_gather={parallel}"]
            )
        )
        # Prepared statements: a page repeats the same dozen queries on every visit, and
        # PostgreSQL spent a third of their time planning them anew (the portal: 5 ms of
        # 14). psycopg prepares a query on a connection once it has run there this many
        # times; it needs parameters bound on the server, which Django's default turns off.
        # "off" for a pooler in transaction mode (PgBouncer without prepared statements).
        prepare_after = os.environ.get("TANDEM_PG_PREPARE_AFTER", "5")
        if prepare_after != "off" and not prepare_after.isdigit():
            raise ImproperlyConfigured(
                f"TANDEM_PG_PREPARE_AFTER is {prepare_after!r}: give a number of runs, or off"
            )
        if prepare_after != "off":
            db_options["server_side_binding"] = True
            db_options["prepare_threshold"] = int(prepare_after)
    # Two checkouts testing against one server at once each name their own test database
    # (pytest-xdist adds its worker suffix to whichever name is used).
    if test_db := os.environ.get("TANDEM_TEST_DB"):
        DATABASES["default"]["TEST"] = {"NAME": test_db}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # IMMEDIATE transactions and WAL let the web server and workers share the file
            # without "database is locked" errors.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                ),
            },
            # A file, not Django's default shared in-memory database: pytest-django's live
            # server (the browser tests) shares one in-memory connection across its request
            # threads, and htmx's parallel requests then failed with "database table is
            # locked". On a file each thread has its own connection, as in production.
            "TEST": {"NAME": os.environ.get("TANDEM_TEST_DB") or str(VAR_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# allauth keeps rate limits and TOTP replay protection in the cache: the database cache
# lets several server processes share them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tandem_cache",
    }
}

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "tandem.accounts.backends.MemberBackend",
    # Sessions begun before MemberBackend name these; they still load, a query slower.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "tandem.accounts.hashers.TandemArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_ADAPTER = "tandem.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "tandem.accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Tandem: "
ACCOUNT_RATE_LIMITS = {
    # A few quick mistakes are fine; then the address and the account are held off.
    "login_failed": os.environ.get("TANDEM_LOGIN_FAILED_LIMIT", "10/m/ip,5/300s/key"),
    # A prospect asking for references through a practice's public link (issue 14): a few
    # an hour from one address, a day's share per link, so a script cannot flood the
    # practice's clients or use the acknowledgement to mail strangers.
    "reference_request": os.environ.get("TANDEM_REFERENCE_REQUEST_LIMIT", "5/h/ip,100/d/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tandem"
# TOTP secrets and recovery-code seeds are sealed with the master key (below).
MFA_ADAPTER = "tandem.accounts.mfa.MFAAdapter"

# --- Secrets at rest ------------------------------------------------------------------
# The master keys that seal two-factor secrets and unsent mail live outside the database:
# "id:base64key" pairs, comma-separated, newest first (tandem.core.crypto). Without the
# variable, the file below; development creates it on first use, production requires one.
TANDEM_MASTER_KEY = os.environ.get("TANDEM_MASTER_KEY", "")
TANDEM_MASTER_KEY_FILE = VAR_DIR / "master_key"
if IS_PRODUCTION and not TANDEM_MASTER_KEY.strip() and not TANDEM_MASTER_KEY_FILE.exists():
    raise RuntimeError(
        "Set the TANDEM_MASTER_KEY environment variable (or put the key file at "
        f"{TANDEM_MASTER_KEY_FILE}): production needs a master key to seal two-factor secrets "
        "and unsent mail."
    )

# Sessions in the database, keyed by a hash of the cookie (a copy of the database signs no one in).
SESSION_ENGINE = "tandem.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tandem.core.views.csrf_failure"

# --- Time, language -------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("TANDEM_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# `tandem serve` runs collectstatic and then serves compressed, cache-busted files; the
# test suite and `make dev` read files straight from the apps.
STATIC_COLLECTED = env_bool("TANDEM_STATIC_COLLECTED", False)


def file_storage(environ: Mapping[str, str]) -> dict[str, Any]:
    """Where uploaded files go: under MEDIA_ROOT, or, when ``TANDEM_S3_BUCKET`` is set, in
    that S3-compatible bucket (AWS S3, MinIO, Ceph, R2...), which several web servers and
    workers can share.

    The bucket's objects are never linked to: files go out only through Tandem's download
    view, which checks who asks and streams the bytes from storage. So objects are private,
    ``url()`` signs nothing (a page that printed one would leak no working link), and each
    object is stored as opaque bytes to download (what a file is sent as is in its row).
    """
    bucket = environ.get("TANDEM_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": environ.get("TANDEM_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("TANDEM_S3_REGION") or None,
        "location": environ.get("TANDEM_S3_PREFIX", "").strip("/"),
        # "path" for servers that do not answer at <bucket>.<host> (often MinIO).
        "addressing_style": environ.get("TANDEM_S3_ADDRESSING_STYLE") or None,
        # AWS buckets with ACLs disabled (the default since 2023) refuse any ACL but none:
        # TANDEM_S3_ACL= (empty) sends none; their objects are private to the owner anyway.
        "default_acl": environ.get("TANDEM_S3_ACL", "private") or None,
        "querystring_auth": False,
        "file_overwrite": False,
        "object_parameters": {
            "ContentType": "application/octet-stream",
            "ContentDisposition": "attachment",
        },
        # A file read (a download, an image for its thumbnail) is buffered in memory up to
        # this, then in a temporary file, rather than whole in the web process's memory.
        "max_memory_size": 5 * 1024 * 1024,
    }
    access_key = environ.get("TANDEM_S3_ACCESS_KEY", "")
    secret_key = environ.get("TANDEM_S3_SECRET_KEY", "")
    if bool(access_key) != bool(secret_key):
        raise RuntimeError(
            "Set both TANDEM_S3_ACCESS_KEY and TANDEM_S3_SECRET_KEY, or neither (boto3 then "
            "reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or an instance role)."
        )
    if access_key:
        options |= {"access_key": access_key, "secret_key": secret_key}
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": file_storage(os.environ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# --- E-mail ---------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tandem <tandem@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    # smtp://user:password@host:port, smtp+tls://... for STARTTLS, smtps://... for TLS.
    _email = urlsplit(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )

# --- Background jobs ------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A RUNNING job whose worker has not finished it in this time is taken to be orphaned.
TANDEM_JOB_TIMEOUT_SECONDS = int(os.environ.get("TANDEM_JOB_TIMEOUT_SECONDS", "300"))
TANDEM_JOB_MAX_ATTEMPTS = int(os.environ.get("TANDEM_JOB_MAX_ATTEMPTS", "5"))
TANDEM_REAPER_INTERVAL_SECONDS = int(os.environ.get("TANDEM_REAPER_INTERVAL_SECONDS", "60"))
# A mail job that claimed a message this long ago and has not sent it is taken to have died;
# keep it above EMAIL_TIMEOUT.
TANDEM_MAIL_CLAIM_LEASE_SECONDS = int(os.environ.get("TANDEM_MAIL_CLAIM_LEASE_SECONDS", "120"))

# --- Tandem ---------------------------------------------------------------------------
TANDEM_INVITATION_DAYS = int(os.environ.get("TANDEM_INVITATION_DAYS", "7"))
# Attachments: the largest file accepted, in megabytes.
TANDEM_ATTACHMENT_MAX_MB = int(os.environ.get("TANDEM_ATTACHMENT_MAX_MB", "25"))
# Requests by e-mail: the domain of the clients' private addresses and of reply addresses,
# the secret the HTTP endpoint expects, and the largest message accepted.
TANDEM_INBOUND_DOMAIN = os.environ.get("TANDEM_INBOUND_DOMAIN", "inbound.tandem.localhost")
TANDEM_INBOUND_SECRET = os.environ.get("TANDEM_INBOUND_SECRET", "" if IS_PRODUCTION else "dev")
TANDEM_INBOUND_MAX_MB = int(os.environ.get("TANDEM_INBOUND_MAX_MB", "40"))
# Notifications: changes to one task within this many seconds go out as one e-mail.
TANDEM_NOTIFY_BATCH_SECONDS = int(os.environ.get("TANDEM_NOTIFY_BATCH_SECONDS", "180"))

# --- Security headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
    }
}
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

FORM_RENDERER = "tandem.core.forms.TandemFormRenderer"
