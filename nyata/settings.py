"""Nyata's one settings module, driven by the environment.

Every knob is an environment variable with a safe default; a bad value stops the
process with a message naming the variable (healthchecks' pattern).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as e:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {e}") from e
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as e:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from e
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


NYATA_ENV = env_choice("NYATA_ENV", "development", ("development", "production"))
PRODUCTION = NYATA_ENV == "production"
# Demo mode prints demo credentials and shows the demo signers' second factor; never on in production.
DEMO_MODE = env_bool("NYATA_DEMO", False)
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured("NYATA_DEMO cannot be on when NYATA_ENV=production.")
# The demo runs as its users will meet it: debug off, the product's own 404 and 500 pages
# (static files still come from WhiteNoise's finders outside production).
DEBUG = env_bool("NYATA_DEBUG", not PRODUCTION and not DEMO_MODE)
DATA_DIR = Path(env_str("NYATA_DATA_DIR", str(Path.cwd() / "data"))).resolve()


def _secret_key() -> str:
    key = env_secret("SECRET_KEY")
    if key:
        if PRODUCTION and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when NYATA_ENV=production.")
    # Development: generate once and keep it, so sessions survive restarts.
    keyfile = DATA_DIR / "secret_key.txt"
    if keyfile.exists():
        return keyfile.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    keyfile.write_text(key)
    keyfile.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("NYATA_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("NYATA_ALLOWED_HOSTS is required when NYATA_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("NYATA_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "nyata.core",
    "nyata.planning",
    "nyata.agreements",
    "nyata.reporting",
    "nyata.dashboard",
    "nyata.projects",
    "nyata.products",
    "nyata.ratings",
    "nyata.evaluation",
    "nyata.lkjip",
    "nyata.portal",
    "nyata.demo",
    "nyata.onboarding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "nyata.core.middleware.SecurityHeadersMiddleware",
    # A database outage inside a view answers 503 with a sentence (nyata.core.outage).
    "nyata.core.outage.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "nyata.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "nyata.core.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "nyata.core.middleware.TenantMiddleware",
    # A session whose roles need a second factor reaches nothing until it passed one (core/signin.py).
    "nyata.core.middleware.SecondFactorMiddleware",
    "nyata.core.middleware.PasswordExpiryMiddleware",
    # Last, so lockouts answer before any view runs (django-axes' requirement).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nyata.urls"
WSGI_APPLICATION = "nyata.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nyata.core.context_processors.nyata",
                "nyata.navigation.navigation",
            ],
        },
    },
]


def _databases() -> dict[str, dict[str, object]]:
    url = env_secret("DATABASE_URL")
    if url:
        import dj_database_url

        if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
            raise ImproperlyConfigured("DATABASE_URL must be a postgresql:// or sqlite:// URL.")
        db: dict[str, object] = dict(dj_database_url.parse(url))
        if db["ENGINE"] == "django.db.backends.postgresql":
            # Django's native psycopg pool replaces persistent connections.
            db["CONN_MAX_AGE"] = 0
            db["OPTIONS"] = {"pool": {"min_size": 1, "max_size": env_int("NYATA_DB_POOL_MAX", 20, 1)}}
            return {"default": db}
        name = db["NAME"]
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        name = str(DATA_DIR / "nyata.sqlite3")
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                # Without these SQLite fails writes under concurrency ("database is locked").
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that loads the user's memberships with the user (one query per request).
    "nyata.core.auth.MembershipModelBackend",
]

# Password policy: OWASP ASVS by default; BSSN 4/2021 profile for government deployments.
PASSWORD_POLICY = env_choice("NYATA_PASSWORD_POLICY", "owasp", ("owasp", "bssn"))
_length = 12 if PASSWORD_POLICY == "bssn" else 8
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("NYATA_PASSWORD_MIN_LENGTH", _length, 8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "nyata.core.passwords.BundledCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "nyata.core.passwords.MaximumLengthValidator"},
]
if PASSWORD_POLICY == "bssn":
    AUTH_PASSWORD_VALIDATORS.append({"NAME": "nyata.core.passwords.CompositionValidator"})
PASSWORD_MAX_AGE_DAYS = env_int("NYATA_PASSWORD_MAX_AGE_DAYS", 90 if PASSWORD_POLICY == "bssn" else 0, 0)

# Invitation and password-reset links (Django's token generator): one use, then expired.
PASSWORD_RESET_TIMEOUT = env_int("NYATA_SET_PASSWORD_HOURS", 72, 1) * 3600

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock the username+IP pair, so nobody can lock an official out from
# anywhere and a shared office NAT does not lock everyone out.
AXES_FAILURE_LIMIT = env_int("NYATA_LOGIN_FAILURE_LIMIT", 5, 1)
# Sign-in attempts per client address per 10 minutes (each costs a password hash). An office
# behind one NAT address may need more; the browser tests, many users from 127.0.0.1, do.
LOGIN_RATE_LIMIT = env_int("NYATA_LOGIN_RATE_LIMIT", 30, 1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("NYATA_LOGIN_COOLOFF_MINUTES", 15, 1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# Never keep what was typed into a password or code field in the attempt log.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "old_password", "new_password1", "new_password2",
                             "current_password", "token", "otp_token"]
# Behind the TLS proxy: how many proxies append to X-Forwarded-For (0: the client is REMOTE_ADDR).
# One reading of the client address for the lockout and the per-address limits.
TRUSTED_PROXY_COUNT = env_int("NYATA_TRUSTED_PROXY_COUNT", 0, 0)
AXES_CLIENT_IP_CALLABLE = "nyata.core.ratelimit.client_address"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("NYATA_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["nyata.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("NYATA_STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
MEDIA_ROOT = Path(env_str("NYATA_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # uploaded files are only served through permission-checked views
STORAGES = {
    "default": {"BACKEND": "nyata.core.storage.GuardedFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Security headers and cookies.
# Cache and sessions. With NYATA_REDIS_URL (production with more than one worker process): the
# cache in Redis, shared by every worker (page caches, the per-address limits), and sessions
# cached there in front of the database (Django's cached_db: a request reads its session from
# Redis, the database stays the record). Without it, the embedded default needs nothing: each
# process's own memory for the cache and the database for sessions.
REDIS_URL = env_str("NYATA_REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": env_str("NYATA_CACHE_PREFIX", "nyata")}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("NYATA_SESSION_HOURS", 8, 1) * 3600
# Signed out after this long without a request (ASVS 7.3.1), whatever the session length left.
SESSION_IDLE_MINUTES = env_int("NYATA_IDLE_MINUTES", 30, 1)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("NYATA_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("NYATA_HSTS_SECONDS", 31536000, 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The preload token alone commits to nothing; submitting the domain to the list is a separate act.
    SECURE_HSTS_PRELOAD = env_bool("NYATA_HSTS_PRELOAD", True)

# Content-Security-Policy: no inline scripts, no third-party origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

EMAIL_BACKEND = env_str(
    "NYATA_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("NYATA_FROM_EMAIL", "nyata@localhost")

TASKS = {"default": {"BACKEND": env_str("NYATA_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}

# Electronic seal of the Pemda (PKCS#12) for PAdES signatures on agreements. Empty: the
# demo creates its own CA and seal certificate in the data folder (never in production).
SEAL_P12 = env_str("NYATA_SEAL_P12")
SEAL_PASSPHRASE = env_secret("NYATA_SEAL_PASSPHRASE")
# Where `nyata audit anchor` appends each Pemda's signed chain head (one JSONL file per Pemda).
# Production points it at storage the database's administrators cannot rewrite: a separate,
# append-only (chattr +a) or WORM mount. See docs/deployment.md.
AUDIT_ANCHOR_DIR = Path(env_str("NYATA_AUDIT_ANCHOR_DIR", str(DATA_DIR / "anchors")))
# Fernet key that encrypts `nyata backup` archives (they hold the seal material).
BACKUP_KEY = env_secret("NYATA_BACKUP_KEY")
# Where public verification links printed on documents point to.
PUBLIC_BASE_URL = env_str("NYATA_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
OTP_TOTP_ISSUER = "Nyata"
# Wrong second-factor codes double the wait (1, 2, 4 … seconds) up to this bound, so a run of
# mistakes never locks anyone out for hours; a performance admin can also lift the wait.
TOTP_MAX_DELAY_SECONDS = env_int("NYATA_TOTP_MAX_DELAY_SECONDS", 300, 1)
# Between the password and the code of a two-step sign-in: after this long the password is asked again.
SIGN_IN_CODE_MINUTES = env_int("NYATA_SIGN_IN_CODE_MINUTES", 5, 1)

# Security events (lockouts, second-factor locks, admin roles, storage failures) go to this hook;
# the default e-mails the Pemda's performance admins and NYATA_SECURITY_ALERT_EMAILS.
SECURITY_ALERT_HOOK = env_str("NYATA_SECURITY_ALERT_HOOK", "nyata.core.security_events.email_alert")
SECURITY_ALERT_EMAILS = env_list("NYATA_SECURITY_ALERT_EMAILS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("NYATA_LOG_LEVEL", "WARNING")},
}
