#!/usr/bin/env bash
# Set up everything Simpul needs on a Debian 12 / Ubuntu 24.04 machine, idempotently:
# system packages, the virtualenv, a reachable PostgreSQL with PostGIS, and a .env file.
#
#   scripts/setup.sh app    # what `make run` needs
#   scripts/setup.sh test   # the same plus the browser and tools the test suite needs
#
# Database choice, in order: $DATABASE_URL if set; else the server on 127.0.0.1:5432 if it
# answers; else a private cluster under .pgdata/ (started here, ignored by git).
set -euo pipefail

MODE="${1:-app}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STAMPS="$ROOT/.stamps"
mkdir -p "$STAMPS"
PYTHON="${PYTHON:-python3}"
# The PostgreSQL major version: one already installed, else the distribution's default
# (15 on Debian 12, 16 on Ubuntu 24.04).
PG_VERSION="${PG_VERSION:-$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n1)}"
PRIVATE_PORT="${SIMPUL_PRIVATE_PG_PORT:-54329}"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] error:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@";
  else die "need root (or sudo) to run: $*"; fi
}

# --- 1. System packages -------------------------------------------------------------------
if [ -z "$PG_VERSION" ]; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  PG_VERSION="$(apt-cache depends postgresql | sed -n 's/.*Depends: postgresql-\([0-9]*\)$/\1/p' | head -n1)"
  [ -n "$PG_VERSION" ] || die "cannot find a PostgreSQL package for this distribution"
fi
# gdal-bin: GeoDjango's GDAL and ogrinfo; pango and a font: PDF evidence reports (WeasyPrint).
APT_PACKAGES=("postgresql-$PG_VERSION" "postgresql-$PG_VERSION-postgis-3" gdal-bin
              libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
"$PYTHON" -m venv --help >/dev/null 2>&1 || APT_PACKAGES+=(python3-venv)
if [ "$MODE" = test ]; then
  # chromium: browser tests (Playwright drives /usr/bin/chromium); wrk: load benchmarks;
  # gettext: compilemessages.
  APT_PACKAGES+=(chromium wrk gettext)
fi
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing system packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# --- 2. Virtualenv and Python requirements -------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  log "creating virtualenv .venv"
  "$PYTHON" -m venv .venv
fi
# Production needs only the application (requirements.txt); the test suite, lint and the
# benchmarks need requirements-dev.txt, which pins the application too. Both carry hashes,
# so pip installs nothing that differs from what was pinned.
if [ "$MODE" = test ]; then REQUIREMENTS=requirements-dev.txt; else REQUIREMENTS=requirements.txt; fi
req_hash="$(cat "$REQUIREMENTS" | sha256sum | cut -c1-16)"
if [ ! -f "$STAMPS/requirements-$req_hash" ]; then
  log "installing Python requirements ($REQUIREMENTS)"
  .venv/bin/pip install -q --require-hashes -r "$REQUIREMENTS"
  rm -f "$STAMPS"/requirements-* && touch "$STAMPS/requirements-$req_hash"
fi

# --- 3. Database --------------------------------------------------------------------------
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"

start_private_cluster() {
  # A cluster owned by the postgres system user (initdb refuses root). It lives under the
  # repo unless that folder is not reachable by postgres (e.g. a checkout under /root).
  local data="${SIMPUL_PGDATA:-$ROOT/.pgdata}"
  local runas=()
  if [ "$(id -u)" = 0 ]; then
    runas=(runuser -u postgres --)
    mkdir -p "$data"
    chown postgres: "$data"
    if ! runuser -u postgres -- test -w "$data"; then
      data="/var/lib/postgresql/simpul-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
      mkdir -p "$data" && chown postgres: "$data"
    fi
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating a private PostgreSQL cluster in $data"
    "${runas[@]}" "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PRIVATE_PORT"; then
    log "starting the private cluster on 127.0.0.1:$PRIVATE_PORT"
    "${runas[@]}" "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $PRIVATE_PORT -k $data -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  DATABASE_URL="postgis://postgres@127.0.0.1:$PRIVATE_PORT/simpul"
}

if [ -f .env ] && [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' .env | tail -n1)"
fi
if [ -n "${DATABASE_URL:-}" ] && [[ "$DATABASE_URL" == *":$PRIVATE_PORT/"* ]]; then
  start_private_cluster
elif [ -z "${DATABASE_URL:-}" ]; then
  if [ -z "${SIMPUL_FORCE_PRIVATE_DB:-}" ] && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p 5432; then
    DATABASE_URL="postgis://postgres@127.0.0.1:5432/simpul"
  else
    start_private_cluster
  fi
fi
export DATABASE_URL

# Create the database and the PostGIS extension if missing (Django's test runner creates
# its own test database and enables PostGIS there itself).
.venv/bin/python - <<'PY'
import os, sys
from urllib.parse import urlparse, unquote
import psycopg2
url = urlparse(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
kw = dict(host=unquote(url.hostname or ""), port=url.port or 5432,
          user=unquote(url.username or ""), password=unquote(url.password or ""))
try:
    conn = psycopg2.connect(dbname="postgres", **kw)
except psycopg2.OperationalError as exc:
    sys.exit(f"[setup] error: cannot connect to {url.hostname}:{url.port}: {exc}")
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if not cur.fetchone():
        cur.execute(f'CREATE DATABASE "{name}"')
        print(f"[setup] created database {name}")
conn.close()
conn = psycopg2.connect(dbname=name, **kw)
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
conn.close()
PY

# --- 4. Local configuration ---------------------------------------------------------------
if [ ! -f .env ]; then
  log "writing .env (development settings; not for production)"
  cat > .env <<EOF
# Development settings written by scripts/setup.sh. Not for production.
DEBUG=true
DATABASE_URL=$DATABASE_URL
EOF
elif ! grep -q "^DATABASE_URL=$DATABASE_URL\$" .env; then
  sed -i '/^DATABASE_URL=/d' .env && echo "DATABASE_URL=$DATABASE_URL" >> .env
fi
log "database: $DATABASE_URL"
