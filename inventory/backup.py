"""Backup and restore of the whole database with PostgreSQL's own tools.

`pg_dump --format=custom` keeps every table, constraint, index and the PostGIS geometry
exactly; `pg_restore` loads it into an empty database.
"""

import os
import shutil
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """pg_dump or pg_restore failed, or the target is not suitable."""


def _connection_env(alias: str = "default", database: str | None = None) -> tuple[dict, str]:
    """Environment variables for libpq tools, and the database name."""
    params = connections[alias].settings_dict
    env = dict(os.environ)
    for key, value in (("PGHOST", params.get("HOST")), ("PGPORT", params.get("PORT")),
                       ("PGUSER", params.get("USER")), ("PGPASSWORD", params.get("PASSWORD"))):
        if value:
            env[key] = str(value)
    return env, database or params["NAME"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the postgresql-client package.")
    return path


def backup(path: Path, *, alias: str = "default", database: str | None = None) -> Path:
    """Dump the database to `path` (custom format), readable by its owner only (mode 600),
    and return the path.

    The file is opened with mode 600 before pg_dump writes a byte into it (and an existing
    file is set to 600 first), so the dump, with every user's password hash, is never
    readable by others; a failed dump leaves no file behind.
    """
    env, name = _connection_env(alias, database)
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        result = subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", name],
            env=env, stdout=fd, stderr=subprocess.PIPE, text=True,
        )
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)
    if result.returncode != 0:
        path.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return path


def restore(path: Path, *, database: str, alias: str = "default", create: bool = False) -> None:
    """Restore a dump into `database`, which must be empty (or is created with `create`)."""
    if not Path(path).is_file():
        raise BackupError(f"Backup file not found: {path}")
    env, _ = _connection_env(alias)
    if create:
        result = subprocess.run([_tool("createdb"), database], env=env, capture_output=True,
                                text=True)
        if result.returncode != 0:
            raise BackupError(f"createdb failed: {result.stderr.strip()}")
    tables = subprocess.run(
        [_tool("psql"), "-XAtc",
         "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
         "AND tablename <> 'spatial_ref_sys'", database],
        env=env, capture_output=True, text=True,
    )
    if tables.returncode != 0:
        raise BackupError(f"Cannot connect to database {database!r}: {tables.stderr.strip()}")
    if tables.stdout.strip() != "0":
        raise BackupError(
            f"Database {database!r} is not empty ({tables.stdout.strip()} tables): restore "
            "only into an empty database."
        )
    result = subprocess.run(
        [_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
         "--dbname", database, str(path)],
        env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
