"""Settings fail fast, with a clear message, on a bad configuration."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOOD = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "simpul.example.org",
        "DATABASE_URL": "postgis://postgres@127.0.0.1:5432/simpul"}


def clean_environment() -> dict:
    """The test process's environment without any setting Simpul reads."""
    return {k: v for k, v in os.environ.items()
            if k not in GOOD and not k.startswith(("SIMPUL_", "SECURE_", "DJANGO_"))}


def import_settings(**overrides):
    """Import config.settings in a fresh interpreter with only these variables set."""
    env = clean_environment()
    env.update({k: v for k, v in {**GOOD, **overrides}.items() if v is not None})
    # An empty working copy of .env must not leak in: run from a folder without one.
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"],
        cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT), "SIMPUL_ENV_FILE": "/nonexistent"},
        capture_output=True, text=True,
    )


def test_good_production_configuration_imports():
    result = import_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['simpul.example.org']"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"SECRET_KEY": None},
     "SECRET_KEY is not set. Set it in the environment (required when DEBUG is false)."),
    ({"ALLOWED_HOSTS": None},
     "ALLOWED_HOSTS is not set. Give a comma-separated list of host names (required when "
     "DEBUG is false)."),
    ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'."),
    ({"DATABASE_URL": "sqlite:///db.sqlite3"},
     "DATABASE_URL must use the postgis:// scheme: PostgreSQL with PostGIS is the only "
     "supported database (got engine 'django.db.backends.sqlite3')."),
    ({"SIMPUL_ANALYSIS_SRID": "4326"},
     "SIMPUL_ANALYSIS_SRID must be a WGS 84 / UTM zone (EPSG:326xx or 327xx) so that "
     "distances and areas are in metres; got 4326."),
    ({"SIMPUL_HOTSPOT_RADIUS_OUTDOOR_M": "0"},
     "The default outdoor hotspot radius must be between 1 and 5000 m; got 0."),
])
def test_bad_configuration_fails_with_a_clear_message(overrides, message):
    result = import_settings(**overrides)
    assert result.returncode != 0
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr


def test_development_defaults_only_with_debug():
    result = import_settings(DEBUG="true", SECRET_KEY=None, ALLOWED_HOSTS=None)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True ['localhost', '127.0.0.1', '[::1]', 'testserver']"


def test_production_configuration_passes_check_deploy():
    env = clean_environment()
    env.update(GOOD, SECRET_KEY="k3P!x9-" + "production-grade-secret-key-with-entropy" * 2,
               SIMPUL_ENV_FILE="/nonexistent", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_production_security_settings():
    code = ("import config.settings as s; print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
            "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_REFERRER_POLICY)")
    env = {**clean_environment(), **GOOD, "SIMPUL_ENV_FILE": "/nonexistent",
           "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True).stdout.strip()
    assert out == "True True True 31536000 strict-origin-when-cross-origin"


# --- Production entry points and the development .env (issue #14, item 10) ------------------
@pytest.fixture
def checkout_with_dev_env(tmp_path):
    """A copy of config/ beside a development `.env` as scripts/setup.sh writes it (the apps
    are imported from the real checkout)."""
    shutil.copytree(ROOT / "config", tmp_path / "config",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / ".env").write_text(
        "# Development settings written by scripts/setup.sh. Not for production.\n"
        "DEBUG=true\nDATABASE_URL=postgis://postgres@127.0.0.1:5432/simpul\n")
    return tmp_path


def run_in(folder: Path, code: str, **variables) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter in `folder` with only `variables` of Simpul's."""
    env = {**clean_environment(), "PYTHONPATH": f"{folder}:{ROOT}", **variables}
    return subprocess.run([sys.executable, "-c", code], cwd=folder, env=env,
                          capture_output=True, text=True)


def test_development_reads_the_development_env(checkout_with_dev_env):
    result = run_in(checkout_with_dev_env, "import config.settings as s; print(s.DEBUG)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_wsgi_entry_point_ignores_the_development_env(checkout_with_dev_env):
    result = run_in(checkout_with_dev_env, "import config.wsgi")
    assert result.returncode == 1
    assert ("django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set. Set it in "
            "the environment (required when DEBUG is false).") in result.stderr


def test_the_wsgi_entry_point_starts_with_a_production_environment(checkout_with_dev_env):
    result = run_in(checkout_with_dev_env,
                    "import config.wsgi; from django.conf import settings as s; "
                    "print(s.DJANGO_ENV, s.DEBUG, s.ALLOWED_HOSTS)", **GOOD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "production False ['simpul.example.org']"


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_production_refuses_debug(checkout_with_dev_env, module):
    result = run_in(checkout_with_dev_env, f"import {module}", **{**GOOD, "DEBUG": "true"})
    assert result.returncode == 1
    assert ("ImproperlyConfigured: DEBUG=true is refused when DJANGO_ENV is production (the "
            "WSGI/ASGI entry points).") in result.stderr


@pytest.mark.parametrize("key", [
    "django-insecure-development-only-key-never-use-in-production",
    "django-insecure-another-generated-one",
])
def test_the_development_key_is_refused_without_debug(key):
    result = import_settings(SECRET_KEY=key)
    assert result.returncode == 1
    assert ("ImproperlyConfigured: SECRET_KEY is the published development key; set a secret "
            "one of your own (required when DEBUG is false).") in result.stderr


def test_production_reads_an_env_file_named_explicitly(checkout_with_dev_env):
    production = checkout_with_dev_env / "production.env"
    production.write_text("SECRET_KEY=" + "p" * 50 + "\nALLOWED_HOSTS=simpul.example.org\n")
    result = run_in(checkout_with_dev_env,
                    "import config.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)",
                    DJANGO_ENV="production", SIMPUL_ENV_FILE=str(production))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['simpul.example.org']"


def test_an_unknown_django_env_is_refused():
    result = import_settings(DJANGO_ENV="staging")
    assert result.returncode == 1
    assert ("ImproperlyConfigured: DJANGO_ENV must be development or production, not "
            "'staging'.") in result.stderr
