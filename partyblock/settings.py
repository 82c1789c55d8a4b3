"""Settings for partyblock, read from the environment (and a local `.env` file if present).

Every variable is optional except SECRET_KEY when DEBUG is off, which must then be strong (not a
published placeholder, 50+ characters, 5+ different ones). A malformed value stops start-up with a
message that names the variable, so a typo never silently falls back to a default.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Variables already in the environment win over the file; ENV_FILE="" reads no file at all.
_env_file = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if _env_file:
    environ.Env.read_env(_env_file, overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    """A boolean variable; anything but a clear yes/no is an error, never a silent False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected true/false (1/0, yes/no, on/off), got {raw!r}")


def env_int(name, default):
    raw = env.str(name, default=str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {raw!r}") from None


def env_list(name, default=""):
    return [item.strip() for item in env.str(name, default=default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Keys published in this repository (CI, tests, examples): known to anyone who reads it.
PUBLISHED_KEYS = {
    "ci-dummy-secret-key-not-used-anywhere-else-0123456789",
    "test-only-secret-key-not-for-production-use-0123456789",
    "placeholder-for-commands-that-read-only-code",
    "insecure-development-key-only-for-debug",
}


def secret_key_weakness(key):
    """Why `key` must not sign production sessions and tokens, or None. Django's own rule for
    `check --deploy` (50 characters, 5 different ones, no "django-insecure" prefix) plus the
    placeholders this repository has published."""
    if key in PUBLISHED_KEYS:
        return "it is a placeholder published in the source code"
    if key.startswith("django-insecure"):
        return "it starts with 'django-insecure', the prefix of generated development keys"
    if len(key) < 50:
        return f"it is {len(key)} characters long, fewer than 50"
    if len(set(key)) < 5:
        return f"it uses {len(set(key))} different characters, fewer than 5"
    return None


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY: required when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"
elif not DEBUG and (weakness := secret_key_weakness(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"SECRET_KEY: too weak to run with DEBUG off ({weakness}); generate one with "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
for origin in CSRF_TRUSTED_ORIGINS:
    if not origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"CSRF_TRUSTED_ORIGINS: {origin!r} must start with http:// or https://")

INSTALLED_APPS = [
    "partyblock.apps.PartyblockAdminConfig",  # Django's admin on our access-checked site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "partyblock.apps.PartyblockConfig",
    "axes",
    # The layers, lowest first (docs/architecture.md): shared pieces and the audit trail, the domain
    # apps, then the apps built on them.
    "partyblock.core",
    "partyblock.audit",
    "units",
    "members",
    "inspections",
    "partyblock.admission",
    "partyblock.accounts",
    "partyblock.importing",
    "partyblock.reports",
    "partyblock.demo",
]

MIDDLEWARE = [
    "partyblock.middleware.RequestIdMiddleware",  # first: every log line of a request has its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "partyblock.middleware.NoStoreMiddleware",  # responses to signed-in users are never cached
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "partyblock.accounts.sessions.SessionLimitsMiddleware",
    "partyblock.accounts.sessions.AuditActorMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "partyblock.urls"

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

WSGI_APPLICATION = "partyblock.wsgi.application"

try:
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
except (ImproperlyConfigured, ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL: not a usable database address ({exc})") from None
if not DATABASES["default"].get("ENGINE"):
    raise ImproperlyConfigured("DATABASE_URL: empty or without a known scheme (sqlite:///…, postgres://…)")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's psycopg 3 pool; persistent connections must stay off when pooling.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Session settings for the report queries (docs/benchmarks.md, "report pages at 100×"):
    # - no JIT compilation: report queries take tens to hundreds of milliseconds, and on large data
    #   their estimated costs pass jit_above_cost (the party-age pass at 100×: 77 ms compiling) or
    #   jit_inline_above_cost (inlining and optimisation: 1.9 s compiling one query in EXPLAIN
    #   ANALYZE); PostgreSQL's "When to JIT?": for short queries the overhead is often higher than
    #   the time saved;
    # - work_mem 16 MB (default 4 MB): the composition's grouped pass otherwise sorts on disk
    #   ("external merge") instead of hashing its few hundred groups in memory (4.0 s -> 1.7 s).
    # A DATABASE_URL naming `options` (…?options=-c%20work_mem%3D64MB) replaces both.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off -c work_mem=16MB")
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN", 2),
        "max_size": env_int("DATABASE_POOL_MAX", 10),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese throughout. Django's own `vi` formats have no input formats and a long date display,
# so our format module supplies day-first input and dd/mm/yyyy display.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["partyblock.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

LOGIN_URL = "admin:login"

# Spreadsheet import (partyblock.importing): the largest file accepted, in bytes.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)

# Covering indexes (INCLUDE) speed up reports on PostgreSQL; SQLite builds the same indexes without
# the included columns, which is all this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- sessions and login --------------------------------------------------------------------------
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Lock out a username from one address after repeated failures: a whole office behind one NAT
# address is not locked out by one person, and one account is not locked from everywhere.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# --- production hardening (DEBUG off) ------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # TLS is terminated by the server or by a proxy in front (set SECURE_PROXY_SSL_HEADER then).
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict Content-Security-Policy: our templates have no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Everything goes to stderr (gunicorn passes its workers' stderr through to its own), one record
# per line with the request id (partyblock.middleware), followed by the traceback for errors: a 500
# is logged by django.request with the id its error page shows.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "partyblock.middleware.RequestIdFilter"}},
    "formatters": {
        "line": {"format": "{asctime} {levelname} [{request_id}] {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "line"},
    },
    "loggers": {
        "partyblock.audit": {"handlers": ["console"], "level": "INFO"},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
