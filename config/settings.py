"""Simpul settings, read from the environment (and an optional `.env` file) and validated.

Development defaults apply only when DEBUG is true; in production SECRET_KEY and
ALLOWED_HOSTS are required and start-up fails with a clear message when they are missing.

`DJANGO_ENV` says where the process runs: `development` (the default for `manage.py`) or
`production` (the default of the WSGI/ASGI entry points, `config/wsgi.py` and
`config/asgi.py`, which gunicorn serves). A production process never reads the development
`.env` file, refuses `DEBUG=true` and refuses the published development key.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.csp import content_security_policy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
DJANGO_ENV = os.environ.get("DJANGO_ENV", "development").strip().lower()
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development or production, not {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"
# Local development settings written by scripts/setup.sh; real environment variables win.
# A production process reads only the real environment, or a file named by SIMPUL_ENV_FILE.
if PRODUCTION:
    env_file = Path(os.environ["SIMPUL_ENV_FILE"]) if "SIMPUL_ENV_FILE" in os.environ else None
else:
    env_file = Path(env.str("SIMPUL_ENV_FILE", default=str(BASE_DIR / ".env")))
if env_file is not None and env_file.exists():
    environ.Env.read_env(env_file, overwrite=False)


def _bool(name: str, default: bool) -> bool:
    """Read a boolean variable, refusing anything but the usual spellings."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


DEBUG = _bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG=true is refused when DJANGO_ENV is production (the WSGI/ASGI entry points)."
    )

#: The published fallback key of development; never accepted without DEBUG.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (required when DEBUG is false)."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY
                    or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY is the published development key; set a secret one of your own "
        "(required when DEBUG is false)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Give a comma-separated list of host names "
            "(required when DEBUG is false)."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "knox",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "core",
    "geo",
    "inventory",
    "fixtures.apps.DemoConfig",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Security: strict defaults whenever DEBUG is off -----------------------------------
# Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER_ENABLED=true so that Django
# trusts its X-Forwarded-Proto header.
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Uploads (imports) are streamed to disk above this size and refused by the importer above
# SIMPUL_MAX_UPLOAD_MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
SIMPUL_MAX_UPLOAD_MB = env.int("SIMPUL_MAX_UPLOAD_MB", default=50)

# --- Database: DATABASE_URL (postgis://user:pass@host:port/name) or the local default -------
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default="postgis://postgres@127.0.0.1:5432/simpul"
    )
}
if DATABASES["default"]["ENGINE"] != "django.contrib.gis.db.backends.postgis":
    raise ImproperlyConfigured(
        "DATABASE_URL must use the postgis:// scheme: PostgreSQL with PostGIS is the only "
        f"supported database (got engine {DATABASES['default']['ENGINE']!r})."
    )
# Persistent connections: the first coordinate transformation on a new connection is slow.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Sign-in: passwords, failed-login lockout (django-axes), API tokens (django-rest-knox) ---
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The axes backend first: it refuses a locked-out username/address before any password check,
# on every login (the admin's and the API's, POST /api/auth/login/).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("SIMPUL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIMPUL_LOGIN_LOCKOUT_MINUTES", default=15))
# Lock the pair (username, client address): guessing one account from one address stops, and
# nobody can lock someone else out from another address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password"]
# API tokens: only a SHA-512 digest is stored; a token is shown once, when it is made, and
# expires after SIMPUL_API_TOKEN_TTL_HOURS.
SIMPUL_API_TOKEN_TTL_HOURS = env.int("SIMPUL_API_TOKEN_TTL_HOURS", default=24)
if not 1 <= SIMPUL_API_TOKEN_TTL_HOURS <= 24 * 90:
    raise ImproperlyConfigured(
        f"SIMPUL_API_TOKEN_TTL_HOURS must be between 1 and 2160 (90 days); "
        f"got {SIMPUL_API_TOKEN_TTL_HOURS}."
    )
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=SIMPUL_API_TOKEN_TTL_HOURS),
    "TOKEN_LIMIT_PER_USER": 10,
    "AUTO_REFRESH": False,
}

# --- Internationalisation: Bahasa Indonesia by default, English available -----------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# Debian 12 ships GDAL 3.6 (Ubuntu 24.04: 3.8), older than the 3.9 this check asks for. Simpul
# reads uploaded spatial files with pyogrio's own GDAL, never through GeoDjango's GDAL
# bindings, so the file-access protection the check is about does not apply.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []

# --- Simpul -------------------------------------------------------------------------------
# Geometry is stored in EPSG:4326; lengths and areas are computed in this projected CRS
# (metres). UTM 49S covers Jawa Timur; a city in another zone sets its own before its first
# `migrate`: the stored areas and lengths (`AdminArea.area_m2`, `FiberLink.length_m`) are
# generated columns whose expression takes the SRID when the migration creates them.
SIMPUL_ANALYSIS_SRID = env.int("SIMPUL_ANALYSIS_SRID", default=32749)
if not (32701 <= SIMPUL_ANALYSIS_SRID <= 32760 or 32601 <= SIMPUL_ANALYSIS_SRID <= 32660):
    raise ImproperlyConfigured(
        f"SIMPUL_ANALYSIS_SRID must be a WGS 84 / UTM zone (EPSG:326xx or 327xx) so that "
        f"distances and areas are in metres; got {SIMPUL_ANALYSIS_SRID}."
    )

# Default modelled coverage radius of a hotspot, by placement, in metres.
SIMPUL_HOTSPOT_RADIUS_M = {
    "indoor": env.int("SIMPUL_HOTSPOT_RADIUS_INDOOR_M", default=30),
    "outdoor": env.int("SIMPUL_HOTSPOT_RADIUS_OUTDOOR_M", default=100),
}
for _placement, _radius in SIMPUL_HOTSPOT_RADIUS_M.items():
    if not 1 <= _radius <= 5000:
        raise ImproperlyConfigured(
            f"The default {_placement} hotspot radius must be between 1 and 5000 m; got {_radius}."
        )

# Base-map tiles for every map. Empty: no base map (boundaries and layers still show).
SIMPUL_TILE_URL = env.str(
    "SIMPUL_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
SIMPUL_TILE_ATTRIBUTION = env.str(
    "SIMPUL_TILE_ATTRIBUTION", default="&copy; OpenStreetMap contributors"
)

# --- Content-Security-Policy (django-csp; the policy and its reasons are in core/csp.py) ---
# Inline scripts run only with the request's nonce; images may come from the tile host.
CONTENT_SECURITY_POLICY = content_security_policy(SIMPUL_TILE_URL)

# --- REST API (see docs/api.md) -----------------------------------------------------------
# Anonymous requests are throttled per client address; an empty rate switches throttling off
# (e.g. for a benchmark). Rates look like "300/min", "20/s", "10000/day".
SIMPUL_API_ANON_RATE = env.str("SIMPUL_API_ANON_RATE", default="300/min").strip() or None
if SIMPUL_API_ANON_RATE is not None:
    _num, _, _period = SIMPUL_API_ANON_RATE.partition("/")
    if not (_num.isdigit() and int(_num) > 0 and _period[:1] in ("s", "m", "h", "d")):
        raise ImproperlyConfigured(
            f"SIMPUL_API_ANON_RATE must look like 300/min, 20/s, 5000/hour or 10000/day "
            f"(or be empty for no limit); got {SIMPUL_API_ANON_RATE!r}."
        )
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Token first, so that an anonymous write gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.RegistryPermission"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PagePagination",
    "PAGE_SIZE": 100,
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    # Citizen reports (inventory/api/throttles.py; "5/10m" is five per ten minutes).
    "DEFAULT_THROTTLE_RATES": {"anon": SIMPUL_API_ANON_RATE, "reports": "5/10m",
                               "reports-hotspot": "20/h"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Simpul API",
    "DESCRIPTION": (
        "Registry of a city's public digital infrastructure: free-wifi hotspots, public "
        "facilities, fiber nodes and links, administrative areas. Lists are RFC 7946 GeoJSON "
        "FeatureCollections (longitude, latitude; WGS 84). Anonymous clients read published "
        "data and are throttled; editors write with a session or a token "
        "(`POST /api/auth/login/`, then `Authorization: Token <token>`; it expires). "
        "The read-only OGC API - Features service is at /ogc/."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging: every record to the console, one JSON object a line ---------------------------
# Server errors (django.request, 5xx) are logged with their traceback. SIMPUL_LOG_FORMAT=text
# gives plain lines for a developer's terminal.
SIMPUL_LOG_FORMAT = env.str("SIMPUL_LOG_FORMAT", default="json")
SIMPUL_LOG_LEVEL = env.str("SIMPUL_LOG_LEVEL", default="INFO").upper()
if SIMPUL_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(
        f"SIMPUL_LOG_FORMAT must be json or text, not {SIMPUL_LOG_FORMAT!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": SIMPUL_LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": SIMPUL_LOG_LEVEL},
    # Django's own loggers write through the same handler (and not through its defaults,
    # which print only with DEBUG and mail admins).
    "loggers": {
        "django": {"handlers": ["console"], "level": SIMPUL_LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # django-axes: lockouts are warnings; its start-up and per-attempt lines are not.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
