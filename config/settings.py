"""Simpul settings, read from the environment (and an optional `.env` file) and validated.

Development defaults apply only when DEBUG is true; in production SECRET_KEY and
ALLOWED_HOSTS are required and start-up fails with a clear message when they are missing.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Local development settings written by scripts/setup.sh; real environment variables win.
env_file = Path(env.str("SIMPUL_ENV_FILE", default=str(BASE_DIR / ".env")))
if env_file.exists():
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

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (required when DEBUG is false)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

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
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "geo",
    "inventory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
            ],
        },
    },
]

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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

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
# (metres). UTM 49S covers Jawa Timur; a city in another zone sets its own.
SIMPUL_STORAGE_SRID = 4326
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

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Simpul API",
    "DESCRIPTION": "Registry of a city's public digital infrastructure.",
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
