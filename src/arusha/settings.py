"""Arusha's one settings module: every value comes from the environment and bad values fail loudly.

ARUSHA_ENV selects the profile: "development" (default; used by `make demo` and the tests) or
"production" (secure cookies, HSTS, no debug, a secret key that must be given).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ARUSHA_VAR_DIR", Path.cwd() / "var")).resolve()


def env_str(name: str, default: str | None = None) -> str:
    """A string from the environment; without a default the variable is required."""
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = env_str("ARUSHA_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(f"ARUSHA_ENV={ENVIRONMENT!r}: use development or production.")
PRODUCTION = ENVIRONMENT == "production"


def _secret_key() -> str:
    if "ARUSHA_SECRET_KEY" in os.environ or PRODUCTION:
        key = env_str("ARUSHA_SECRET_KEY")
        if len(key) < 50 or len(set(key)) < 5:
            raise ImproperlyConfigured("ARUSHA_SECRET_KEY must be at least 50 varied characters.")
        return key
    # Development and demo: generate one key, once, and keep it beside the demo database.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("ARUSHA_DEBUG", default=False)
ALLOWED_HOSTS = env_list(
    "ARUSHA_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ARUSHA_ALLOWED_HOSTS to the host names Arusha serves.")
CSRF_TRUSTED_ORIGINS = env_list("ARUSHA_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_countries",
    "ninja",
    "arusha.core",
    "arusha.partnerships",
    "arusha.questionnaires",
    "arusha.assessments",
    "arusha.reporting",
    "arusha.surveys",
    "arusha.cases",
    "arusha.integrity",
]

MIDDLEWARE = [
    # First: strips the reporter's address and user agent from requests to the mounted intake.
    "arusha.reporting.middleware.IntakeMiddleware",
    # Likewise for survey respondents under /survey/.
    "arusha.surveys.middleware.RespondentMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "arusha.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "arusha.core.middleware.NoNulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "arusha.core.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "arusha.urls"
WSGI_APPLICATION = "arusha.wsgi.application"

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
                "arusha.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'arusha.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so the audit chain cannot fork.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

AUTH_USER_MODEL = "core.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock an account out for a while after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env_int("ARUSHA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ARUSHA_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

# Roles whose members must use a second factor, and how recent a password check must be
# before a sensitive action.
TWO_FACTOR_ROLES = {"platform_admin", "case_handler"}
REAUTH_MAX_AGE = timedelta(minutes=env_int("ARUSHA_REAUTH_MINUTES", 10))
OTP_TOTP_ISSUER = "Arusha"

# The audit chain is keyed, so an intruder who can write to the database cannot forge a valid
# chain without this key. Keep it apart from the database backups.
AUDIT_CHAIN_KEY = env_str("ARUSHA_AUDIT_KEY", "") or f"audit-chain:{SECRET_KEY}"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("pt", _("Portuguese")),
]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("ARUSHA_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env_str("ARUSHA_MEDIA_ROOT", str(VAR_DIR / "media")))
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploaded XLSX workbooks (arusha.core.spreadsheets) are checked against these before parsing: a
# small file can unpack to gigabytes, or claim a million rows.
SPREADSHEET_MAX_BYTES = env_int("ARUSHA_SPREADSHEET_MAX_BYTES", 10 * 1024 * 1024)
SPREADSHEET_MAX_UNCOMPRESSED_BYTES = env_int(
    "ARUSHA_SPREADSHEET_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024
)
SPREADSHEET_MAX_ROWS = env_int("ARUSHA_SPREADSHEET_MAX_ROWS", 20_000)
SPREADSHEET_MAX_CELLS = env_int("ARUSHA_SPREADSHEET_MAX_CELLS", 500_000)
INCIDENT_UPLOAD_MAX_BYTES = env_int("ARUSHA_INCIDENT_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)

EMAIL_BACKEND = env_str(
    "ARUSHA_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("ARUSHA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ARUSHA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("ARUSHA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("ARUSHA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ARUSHA_EMAIL_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("ARUSHA_EMAIL_FROM", "arusha@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. The policy allows no inline script anywhere; styles come from files only.
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
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("ARUSHA_SESSION_SECONDS", 8 * 3600)
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("ARUSHA_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("ARUSHA_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
# Behind a TLS proxy, `arusha serve` trusts X-Forwarded-Proto (only that header: never the
# client address, which must not reach the intake) from ARUSHA_TRUSTED_PROXY ("*": any peer).
BEHIND_PROXY = env_bool("ARUSHA_BEHIND_PROXY", default=False)
TRUSTED_PROXY = env_str("ARUSHA_TRUSTED_PROXY", "127.0.0.1")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# Anonymous reporting channel (docs/reporting.md). The receipt peppers live outside the database;
# changing either one makes every existing receipt stop working.
def _receipt_pepper(name: str, filename: str) -> str:
    if name in os.environ or PRODUCTION:
        return env_str(name)
    from arusha.reporting.crypto import new_pepper, pepper_to_text

    path = VAR_DIR / filename  # development and demo: generated once, like the secret key
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(pepper_to_text(new_pepper()))
        path.chmod(0o600)
    return path.read_text().strip()


def _checked_peppers(lookup: str, unlock: str) -> None:
    """Refuse to start with peppers no receipt could be made with, not once a form is filled."""
    from arusha.reporting.crypto import InvalidPepper, check_peppers, pepper_from_text

    try:
        check_peppers(pepper_from_text(lookup), pepper_from_text(unlock))
    except InvalidPepper as error:
        raise ImproperlyConfigured(
            f"ARUSHA_RECEIPT_LOOKUP_PEPPER / ARUSHA_RECEIPT_UNLOCK_PEPPER: {error}. "
            "Make each with: "
            'python -c "from arusha.reporting import crypto; '
            'print(crypto.pepper_to_text(crypto.new_pepper()))"'
        ) from None


ARUSHA_RECEIPT_LOOKUP_PEPPER = _receipt_pepper(
    "ARUSHA_RECEIPT_LOOKUP_PEPPER", "receipt_lookup_pepper"
)
ARUSHA_RECEIPT_UNLOCK_PEPPER = _receipt_pepper(
    "ARUSHA_RECEIPT_UNLOCK_PEPPER", "receipt_unlock_pepper"
)
_checked_peppers(ARUSHA_RECEIPT_LOOKUP_PEPPER, ARUSHA_RECEIPT_UNLOCK_PEPPER)
REPORTING_KDF = None  # None: crypto.PRODUCTION_KDF. Tests set a cheap KdfParams; never production.
REPORTING_ATTACHMENT_MAX_BYTES = env_int("ARUSHA_REPORT_FILE_MAX_BYTES", 10 * 1024 * 1024)
# What each intake attempt costs its sender (reporting/challenge.py): the browser's proof of work
# in leading zero bits (20: about a million hashes, a second or two on a phone), or without
# script a wait since the page was served, with a per-minute budget for such attempts.
REPORTING_POW_BITS = env_int("ARUSHA_REPORT_POW_BITS", 20)
REPORTING_CHALLENGE_WAIT_SECONDS = env_int("ARUSHA_REPORT_WAIT_SECONDS", 15)
REPORTING_UNPAID_ATTEMPTS_PER_MINUTE = env_int("ARUSHA_REPORT_UNPAID_PER_MINUTE", 30)
# Consented statistics are written in shuffled batches of this many (reporting/consented.py).
REPORTING_STATISTICS_BATCH = env_int("ARUSHA_REPORT_STATISTICS_BATCH", 5)

NINJA_PAGINATION_PER_PAGE = 50
# Requests a minute the API answers per signed-in user and per anonymous client address.
API_RATE_USER = env_str("ARUSHA_API_RATE_USER", "1200/m")
API_RATE_ANON = env_str("ARUSHA_API_RATE_ANON", "30/m")
# Risk analytics: files up to INTEGRITY_INLINE_MAX_MB are analysed while the upload waits,
# larger ones (up to INTEGRITY_UPLOAD_MAX_MB) by a thread of the server (integrity/background.py).
INTEGRITY_INLINE_MAX_MB = env_int("ARUSHA_INTEGRITY_INLINE_MAX_MB", 50)
INTEGRITY_UPLOAD_MAX_MB = env_int("ARUSHA_INTEGRITY_UPLOAD_MAX_MB", 1000)
# DuckDB's memory limit for one analysis in the server (it spills to disk beyond it).
INTEGRITY_MEMORY_LIMIT = env_str("ARUSHA_INTEGRITY_MEMORY_LIMIT", "3GB")
# Files a user may send to the API for integrity analysis an hour: each is a full analysis.
API_RATE_ANALYSIS = env_str("ARUSHA_API_RATE_ANALYSIS", "30/h")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("ARUSHA_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Request lines carry client addresses; Arusha keeps no access log of its own.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        # Pillow logs EXIF values (GPS position, camera serial) at DEBUG while reading a photo.
        "PIL": {"level": "INFO"},
    },
}
