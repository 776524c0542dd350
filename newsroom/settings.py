"""Settings for the Newsroom project, read from the environment.

With no environment at all the site runs on embedded SQLite under ``var/``
with a local-memory cache; ``DATABASE_URL`` and ``REDIS_URL`` switch to
PostgreSQL and Redis. See README.md for every variable.
"""

import datetime as dt
import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # One sentence, no traceback: this is the first thing a new operator sees.
        sys.exit(
            "SECRET_KEY is not set: set the SECRET_KEY environment variable to a long "
            "random string (or DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_prose_editor",
    "articles",
]

MIDDLEWARE = [
    "newsroom.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and authentication: a cached page costs nothing more.
    "articles.pagecache.PageCacheMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newsroom.twofactor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.redirects.LegacyRedirectMiddleware",
    # Last, so it sees the login view's outcome.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "articles.context_processors.site",
            ],
        },
    },
]

# Database -------------------------------------------------------------------

DEFAULT_SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while an import writes; IMMEDIATE transactions
        # take the write lock up front, so a writer waits (up to `timeout`)
        # instead of failing with "database is locked" on lock upgrade.
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else DATABASES["default"]["CONN_MAX_AGE"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache ----------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
        }
    }
else:
    # A file cache is shared by every process on the machine (app server
    # workers, management commands), so invalidation reaches all of them.
    CACHES = {
        "default": {
            "BACKEND": "newsroom.filecache.FileCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(VAR_DIR / "cache")),
            # Culling scans the directory: keep it rare (and see FileCache).
            "OPTIONS": {"MAX_ENTRIES": 50000},
        }
    }

# Authentication -------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out users before passwords are checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Failed logins: after AXES_FAILURE_LIMIT failures for one username, or from
# one address, further attempts are refused for AXES_COOLOFF_MINUTES.
# `python manage.py axes_reset_username NAME` (or axes_reset_ip, axes_reset) unlocks.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "newsroom.client_ip.client_ip"
AXES_VERBOSE = False
# How many proxies in front of the app append to X-Forwarded-For (0: trust none).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Two-factor (TOTP) for staff: optional for everyone, required for editors
# (and superusers) when OTP_REQUIRED_FOR_EDITORS=1.
OTP_REQUIRED_FOR_EDITORS = env_bool("OTP_REQUIRED_FOR_EDITORS", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Newsroom")

if REDIS_URL:
    # Sessions read from Redis, written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Internationalisation -------------------------------------------------------

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Static and media files -----------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Embedded mode serves uploads itself; behind a proxy or object storage, turn off.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names for long browser caching; the test suite, which
    # does not run collectstatic, turns this off with STATIC_HASHED_NAMES=0.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_HASHED_NAMES", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Media on S3-compatible object storage (django-storages) with MEDIA_STORAGE=s3.
# Credentials come from boto3's usual places: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY in the environment, ~/.aws, or the machine's role.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "").strip().lower() or "filesystem"
if MEDIA_STORAGE not in {"filesystem", "s3"}:
    sys.exit(f"MEDIA_STORAGE={MEDIA_STORAGE} is not known: use filesystem (the default) or s3.")
if MEDIA_STORAGE == "s3":
    AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not AWS_STORAGE_BUCKET_NAME:
        sys.exit(
            "AWS_STORAGE_BUCKET_NAME is not set: with MEDIA_STORAGE=s3 set it to the name "
            "of the bucket that holds the media files."
        )
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL", "").strip().rstrip("/") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "").strip() or None
    # "virtual" (bucket.host) or "path" (host/bucket); unset, boto3 chooses.
    AWS_S3_ADDRESSING_STYLE = os.environ.get("AWS_S3_ADDRESSING_STYLE", "").strip() or None
    # A CDN's or the bucket's public host name, without scheme: media.example.com.
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip().strip("/") or None
    # No ACL by default: objects are as private as the bucket's policy makes
    # them (readers reach them through a CDN or a read policy);
    # AWS_DEFAULT_ACL=public-read makes each one public itself.
    AWS_DEFAULT_ACL = os.environ.get("AWS_DEFAULT_ACL", "").strip() or None
    # Media addresses are written into article bodies, so they must not
    # expire: plain URLs, never signed ones.
    AWS_QUERYSTRING_AUTH = False
    # A new file never replaces another of the same name (it gets a suffix).
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=86400"}
    # The storage's public address, by which articles/images/store.py knows
    # an image address as one of ours.
    if AWS_S3_CUSTOM_DOMAIN:
        _media_url = f"https://{AWS_S3_CUSTOM_DOMAIN}/"
    elif AWS_S3_ENDPOINT_URL and AWS_S3_ADDRESSING_STYLE == "virtual":
        _scheme, _host = AWS_S3_ENDPOINT_URL.split("://", 1)
        _media_url = f"{_scheme}://{AWS_STORAGE_BUCKET_NAME}.{_host}/"
    elif AWS_S3_ENDPOINT_URL:
        _media_url = f"{AWS_S3_ENDPOINT_URL}/{AWS_STORAGE_BUCKET_NAME}/"
    elif AWS_S3_ADDRESSING_STYLE == "path":
        _media_url = f"https://s3.amazonaws.com/{AWS_STORAGE_BUCKET_NAME}/"
    else:
        _media_url = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com/"
    MEDIA_URL = os.environ.get("MEDIA_URL", "").strip() or _media_url
    # Nothing to serve from the local MEDIA_ROOT.
    SERVE_MEDIA = env_bool("SERVE_MEDIA", False)

# Security -------------------------------------------------------------------

# Behind a TLS-terminating proxy that forwards plain HTTP, keep the redirect on
# and set SECURE_PROXY_SSL_HEADER=1 so Django trusts X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # A page that needs an inline script (the admin's import map) gets a
        # per-response nonce; nothing else inline ever runs.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        # Imported articles show images hotlinked from news sites.
        "img-src": ["'self'", "https:", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# E-mail (workflow notifications) ----------------------------------------------

# Printed to the console unless an SMTP server is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")

# Logging --------------------------------------------------------------------

LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "newsroom.requestlog.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": os.environ.get("LOG_FORMAT", "text")},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # One line per request (REQUEST_LOG_LEVEL=WARNING silences it).
        "newsroom.request": {
            "handlers": ["console"],
            "level": os.environ.get("REQUEST_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # 5xx with their tracebacks; 4xx stay out of the error log.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# The newsroom ---------------------------------------------------------------

ARTICLES_PER_PAGE = 20
# Lists go this deep; the date archives (/archive/YYYY/MM/) carry the rest.
ARTICLES_MAX_PAGES = int(os.environ.get("ARTICLES_MAX_PAGES", "50"))

# Whole-page cache for anonymous readers (articles/pagecache.py).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Browsers (and CDNs) revalidate every time by default: the ETag makes that a
# cheap 304, and a change shows at once instead of up to max-age later.
PAGE_CACHE_BROWSER_SECONDS = int(os.environ.get("PAGE_CACHE_BROWSER_SECONDS", "0"))
FEED_ITEMS = 30

# Images (articles/images/): uploads, renditions and fetching remote images.
# An image is refused above IMAGE_MAX_BYTES or IMAGE_MAX_PIXELS (width × height;
# for an animation, summed over its frames): a 50 KB PNG can claim to be
# 50,000 × 50,000 pixels and would need gigabytes to decode.
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", str(20 * 1024 * 1024)))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", str(40_000_000)))
# Widths of the renditions made for every stored image (never wider than the original).
IMAGE_RENDITION_WIDTHS = sorted({int(width) for width in env_list("IMAGE_RENDITION_WIDTHS", "320,640,1024,1600")})
# Copying remote images (import_hexo/import_feed --fetch-images, the admin action):
# a deadline for the whole download, redirects included, and a size cap.
IMAGE_FETCH_TIMEOUT = float(os.environ.get("IMAGE_FETCH_TIMEOUT", "15"))
IMAGE_FETCH_MAX_BYTES = int(os.environ.get("IMAGE_FETCH_MAX_BYTES", str(IMAGE_MAX_BYTES)))
# Private, loopback and link-local addresses are never fetched unless this is on
# (the tests' local server needs it; a newsroom on an intranet might).
IMAGE_FETCH_ALLOW_PRIVATE = env_bool("IMAGE_FETCH_ALLOW_PRIVATE", False)
TAGGIT_CASE_INSENSITIVE = True
