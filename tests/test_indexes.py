"""Every geometry column that queries filter on has exactly one GiST index; history tables
are indexed only on what history queries read."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

INDEXED = {
    ("geo_adminarea", "geom"), ("geo_whitezone", "geom"), ("inventory_hotspot", "geom"),
    ("inventory_facility", "geom"), ("inventory_fibernode", "geom"),
    ("inventory_fiberlink", "route"),
}


def test_one_gist_index_per_geometry_column():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.relname, a.attname, count(*)
               FROM pg_index i
               JOIN pg_class t ON t.oid = i.indrelid
               JOIN pg_class ix ON ix.oid = i.indexrelid
               JOIN pg_am am ON am.oid = ix.relam AND am.amname = 'gist'
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
               GROUP BY 1, 2"""
        )
        counts = {(table, column): n for table, column, n in cursor.fetchall()}
    assert {key: counts.get(key) for key in INDEXED} == dict.fromkeys(INDEXED, 1)
    assert max(counts.values()) == 1


#: Columns of each history table with an index: the history row's key, the record's id (its
#: history, `known_at`), the date, the user (SET NULL when a user is deleted) and, for areas,
#: the code (the area history is looked up by code).
HISTORY_INDEXED = {
    "geo_historicaladminarea": {"history_id", "id", "history_date", "history_user_id", "code"},
    **{f"inventory_historical{model}": {"history_id", "id", "history_date", "history_user_id"}
       for model in ("hotspot", "facility", "fibernode", "fiberlink")},
}


def test_history_tables_index_only_what_history_queries_read():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.relname, a.attname
               FROM pg_index i
               JOIN pg_class t ON t.oid = i.indrelid
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
               WHERE t.relname LIKE '%%historical%%'"""
        )
        indexed: dict[str, set] = {}
        for table, column in cursor.fetchall():
            indexed.setdefault(table, set()).add(column)
    assert indexed == HISTORY_INDEXED
