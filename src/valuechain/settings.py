"""Django settings for valuechain, read from environment variables only.

Every variable is listed in docs/operations.md. Without any of them the app runs on an
embedded SQLite database under ``var/`` with a secret key generated on first start.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("VALUECHAIN_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable into a list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = _env_bool("VALUECHAIN_PRODUCTION")
DEBUG = _env_bool("DEBUG", default=False) and not PRODUCTION
TESTING = _env_bool("VALUECHAIN_TESTING")

_INSECURE_SECRETS = {"", "changeme", "change-me", "secret", "django-insecure"}


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, or one generated once and kept in var/."""
    given = os.environ.get("SECRET_KEY", "")
    if PRODUCTION:
        if (
            given.strip() in _INSECURE_SECRETS
            or given.startswith("django-insecure")
            or len(given) < 32
        ):
            raise ImproperlyConfigured(
                "VALUECHAIN_PRODUCTION is on: set SECRET_KEY to a random value of 32+ characters."
            )
        return given
    if given:
        return given
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "django_htmx",
    "huey.contrib.djhuey",
    "valuechain.platform",
    "valuechain.platform.tenancy",
    "valuechain.platform.identity",
    "valuechain.platform.audit",
    "valuechain.platform.events",
    "valuechain.platform.jobs",
    "valuechain.platform.web",
    "valuechain.platform.ops",
    "valuechain.platform.customfields",
    "valuechain.platform.attachments",
    "valuechain.platform.dataexchange",
    "valuechain.crm.customers",
    "valuechain.crm.sales",
    "valuechain.crm.leads",
    "valuechain.crm.activities",
    "valuechain.crm.territories",
    "valuechain.crm.automation",
    "valuechain.scm.catalog",
    "valuechain.scm.inventory",
    "valuechain.scm.orders",
    "valuechain.scm.fulfillment",
    "valuechain.scm.carriers",
    "valuechain.scm.barcodes",
    "valuechain.scm.procurement",
    "valuechain.scm.manufacturing",
    "valuechain.scm.purchasing",
    "valuechain.scm.receiving",
    "valuechain.scm.quality",
    "valuechain.scm.payables",
    "valuechain.scm.returns",
    "valuechain.portal.suppliers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "valuechain.platform.identity.middleware.SecurityHeadersMiddleware",
    "valuechain.platform.api.ApiErrorShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "valuechain.platform.identity.middleware.SessionTimeoutMiddleware",
    "valuechain.platform.tenancy.middleware.TenantMiddleware",
    "valuechain.platform.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "valuechain.urls"
WSGI_APPLICATION = "valuechain.wsgi.application"
ASGI_APPLICATION = "valuechain.asgi.application"

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
                "valuechain.platform.web.context_processors.shell",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
DEFAULT_SQLITE_PATH = VAR_DIR / "valuechain.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}")


def _database(url: str) -> dict[str, object]:
    """Build the default database entry; PostgreSQL goes through the RLS-aware backend."""
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
    engine = str(config["ENGINE"])
    options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
    if engine.endswith("sqlite3"):
        # WAL lets readers run beside the writer; FULL survives power loss; IMMEDIATE takes
        # the write lock at BEGIN so concurrent writers queue instead of failing to upgrade.
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", 30)
        options.setdefault(
            "init_command",
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        )
        # A file, not shared-cache memory: there concurrent writers fail at once with
        # "table is locked" instead of queueing, and the concurrency tests need queueing.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        config["TEST"] = {
            "NAME": os.environ.get("VALUECHAIN_SQLITE_TEST_NAME")
            or str(VAR_DIR / f"test-{worker}.sqlite3")
        }
    elif engine.endswith("postgresql"):
        config["ENGINE"] = "valuechain.platform.tenancy.pg"
        # A request reuses its thread's connection instead of paying a PostgreSQL backend
        # start each time; the health check drops one the server closed. Tests keep 0: their
        # 100-client races open one connection per thread and must not keep them.
        config["CONN_MAX_AGE"] = 0 if TESTING else int(os.environ.get("DB_CONN_MAX_AGE", "300"))
        config["CONN_HEALTH_CHECKS"] = True
        if TESTING:
            # A test database is thrown away: not waiting for the WAL flush at each commit
            # halves what a transactional test's flush (TRUNCATE of every table) costs.
            options.setdefault("options", "-c synchronous_commit=off")
    else:
        raise ImproperlyConfigured(f"DATABASE_URL scheme not supported: {url.split(':', 1)[0]}")
    config["OPTIONS"] = options
    return config


DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and queue ------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

HUEY = {
    "name": "valuechain",
    "immediate": _env_bool("VALUECHAIN_JOBS_IMMEDIATE", default=TESTING),
    "utc": True,
    "consumer": {
        "workers": int(os.environ.get("VALUECHAIN_WORKERS", "2")),
        "worker_type": "thread",
    },
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "jobs.sqlite3")})

# --- identity and security ------------------------------------------------------------
AUTH_USER_MODEL = "auth.User"
PASSWORD_HASHERS = [
    # Tests keep Argon2 but with the smallest cost, so fixtures do not spend ~1 s per user.
    "valuechain.platform.identity.hashers.CheapArgon2PasswordHasher"
    if TESTING
    else "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = int(os.environ.get("VALUECHAIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("VALUECHAIN_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "identity/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = int(os.environ.get("VALUECHAIN_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True  # sliding expiry: the idle timeout restarts on each request
SESSION_ABSOLUTE_SECONDS = int(
    os.environ.get("VALUECHAIN_SESSION_ABSOLUTE_SECONDS", str(12 * 3600))
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_HSTS_SECONDS = int(os.environ.get("VALUECHAIN_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = _env_bool("VALUECHAIN_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP

# --- e-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "valuechain@localhost")

# --- i18n, static, media --------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))  # attachments, via STORAGES
ATTACHMENT_MAX_BYTES = int(os.environ.get("VALUECHAIN_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
INBOUND_EMAIL_MAX_BYTES = int(
    os.environ.get("VALUECHAIN_INBOUND_EMAIL_MAX_BYTES", str(25 * 1024 * 1024))
)

# --- valuechain -----------------------------------------------------------------------
IDEMPOTENCY_KEY_TTL_HOURS = int(os.environ.get("VALUECHAIN_IDEMPOTENCY_TTL_HOURS", "48"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("VALUECHAIN_WEBHOOK_MAX_ATTEMPTS", "8"))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("VALUECHAIN_WEBHOOK_TIMEOUT", "10"))
# Refuse webhook URLs on private or loopback addresses in production (SSRF), unless allowed.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = _env_bool(
    "VALUECHAIN_WEBHOOK_ALLOW_PRIVATE_NETWORKS", default=not PRODUCTION
)
BASE_CURRENCY_DEFAULT = "EUR"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The worker attaches its own handler to "huey"; not propagating avoids printing twice.
    "loggers": {
        "huey": {"level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
    },
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION  # serve app static files without collectstatic in dev
