"""One settings module, read from the environment.

DEBUG, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL come from the environment; everything
else is fixed here so development, tests and production behave alike.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from timeline.first_paint import CHART_VISIBLE_HASH

BASE_DIR = Path(__file__).resolve().parent.parent


YES, NO = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def env_bool(name, default=False):
    """A yes/no setting; a value that is neither ("Ture") stops the start rather than being
    read as "no"."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() not in YES | NO:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a yes/no value: write 1 or 0 (true/false, yes/no, on/off)."
        )
    return value.strip().lower() in YES


def env_int(name, default):
    """A whole-number setting, with a message naming it when it is not one."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=1 for local development)."
        )
    # Development only: a stable, obviously-not-secret key so sessions survive restarts.
    SECRET_KEY = "dev-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation requires (timeline/translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "import_export",
    "django_countries",  # ISO 3166-1 names in every language (timeline/world.py)
    "timeline",
]

MIDDLEWARE = [
    # Outermost, so that it sees the Vary headers the others add (timeline/http_cache.py).
    "timeline.http_cache.PublicCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the URL: /fr/… is French, unprefixed URLs are English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Innermost, so that its process_exception sees a view's database errors first: an
    # unreachable or busy database is a short 503 in the page's language, not a 500.
    "timeline.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "diplomacy_site.urls"
WSGI_APPLICATION = "diplomacy_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default (WAL, busy timeout, immediate transactions so concurrent writers queue
# instead of failing with "database is locked"); PostgreSQL when DATABASE_URL says so.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A restarted server: each worker checks its kept connection before reusing it and
    # reconnects by itself; an unreachable one fails within seconds (a 503, timeline/
    # unavailable.py) instead of holding the request for the operating system's timeout.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT", 3
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at the unprefixed URLs (the stable contract), the others under /fr/, /ru/…
# (i18n_patterns). A language here is a language of the interface (locale/<code>/) and of
# the curated texts (a column per text, `title_<code>`: run makemigrations after adding one).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("ru", "Русский")]
# Curated texts are written in English first; an empty version shows the English one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Local memory (per process) by default; Redis, shared by every worker, when REDIS_URL is set
# (redis://host:port/db). Either way cached figures are keyed by a token in the database
# (timeline/caching.py), so a curator's change is seen at once by every worker. A Redis that
# stops is a cache miss, not an error, and the throttles refuse meanwhile
# (timeline/resilient_cache.py: 0.5 s timeouts, asked again 2 s after a failure).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "timeline.resilient_cache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "diplomacy",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security: strict CSP with nonces. plotly.js injects <style> elements, so style-src needs
# 'unsafe-inline'; scripts stay nonce-only.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    # The public pages' one inline script by its hash (they are cached whole: no nonce);
    # nonces for the admin's.
    "script-src": [CSP.SELF, CSP.NONCE, CHART_VISIBLE_HASH],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    # blob: Plotly draws a PNG download through a blob: image (static/timeline/picture.js).
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Curators' logins: lock an account-and-address out after this many failures in the window.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)

# Readers' suggestions (timeline/suggestions.py): per client address and per event, at most
# so many in a window; the editors' e-mail about new ones at most once per period.
SUGGESTION_LIMIT = env_int("SUGGESTION_LIMIT", 5)
SUGGESTION_EVENT_LIMIT = env_int("SUGGESTION_EVENT_LIMIT", 20)
SUGGESTION_WINDOW_SECONDS = env_int("SUGGESTION_WINDOW_SECONDS", 60 * 60)
SUGGESTION_NOTIFY_MINUTES = env_int("SUGGESTION_NOTIFY_MINUTES", 30)

# E-mail: printed to the console unless an SMTP server is given.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "timeline@localhost")

# django-import-export: importing needs the model's "add" permission, exporting its "view".
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Embedding: origins allowed to frame /embed/ (CSP frame-ancestors); default: any.
EMBED_ALLOWED_ORIGINS = env_list("EMBED_ALLOWED_ORIGINS", "*")

# The licence of the curated data (titles, dates, summaries, links), named in every credit
# line and in the API's index; quoted sources keep their publishers' rights.
DATA_LICENCE_NAME = os.environ.get("DATA_LICENCE_NAME", "CC BY 4.0")
DATA_LICENCE_URL = os.environ.get(
    "DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
