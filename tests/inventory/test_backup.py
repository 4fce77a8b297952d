"""Backup and restore: a restore into an empty database has every table identical."""

import os
import stat
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from inventory.backup import BackupError, _connection_env, backup


def table_checksums(database: str) -> dict[str, str]:
    """md5 of every public table's rows in a stable order, per table."""
    env, _ = _connection_env()
    tables = subprocess.run(
        ["psql", "-XAtc", "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
         "ORDER BY 1", database], env=env, capture_output=True, text=True, check=True,
    ).stdout.split()
    sums = {}
    for table in tables:
        sql = (f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY "
               f"t::text)), '') FROM {table} t")
        sums[table] = subprocess.run(["psql", "-XAtc", sql, database], env=env,
                                     capture_output=True, text=True, check=True).stdout.strip()
    return sums


@pytest.fixture
def restored_database():
    """A database name beside the test database's, dropped before and after."""
    env, _ = _connection_env()
    name = f"{connection.settings_dict['NAME']}_restored"
    subprocess.run(["dropdb", "--if-exists", name], env=env, check=True)
    yield name
    subprocess.run(["dropdb", "--if-exists", name], env=env, check=True)


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_reproduces_every_table(tmp_path, restored_database):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("compute_coverage", "--as-of", "2021-11-10", stdout=open("/dev/null", "w"))
    dump = tmp_path / "simpul.dump"
    call_command("backup_db", str(dump), stdout=open("/dev/null", "w"))
    call_command("restore_db", str(dump), "--database", restored_database, "--create",
                 stdout=open("/dev/null", "w"))
    original = table_checksums(connection.settings_dict["NAME"])
    assert original["inventory_hotspot"].startswith("158:")
    assert original["inventory_historicalhotspot"].startswith("158:")
    assert table_checksums(restored_database) == original


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    dump = tmp_path / "simpul.dump"
    call_command("backup_db", str(dump), stdout=open("/dev/null", "w"))
    name = connection.settings_dict["NAME"]
    with pytest.raises(CommandError, match=f"Database '{name}' is not empty"):
        call_command("restore_db", str(dump), "--database", name)


def test_missing_backup_file(tmp_path):
    with pytest.raises(CommandError, match="Backup file not found: "):
        call_command("restore_db", str(tmp_path / "none.dump"), "--database", "unused")


@pytest.mark.django_db(transaction=True)
def test_backup_file_is_readable_by_its_owner_only(tmp_path):
    dump = tmp_path / "simpul.dump"
    dump.write_bytes(b"old")
    dump.chmod(0o644)  # an earlier file that others could read
    call_command("backup_db", str(dump), stdout=open("/dev/null", "w"))
    assert stat.S_IMODE(os.stat(dump).st_mode) == 0o600
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format


def test_failed_backup_leaves_no_file(tmp_path):
    dump = tmp_path / "simpul.dump"
    with pytest.raises(BackupError, match="pg_dump failed: .*simpul_no_such_database"):
        backup(dump, database="simpul_no_such_database")
    assert not dump.exists()
