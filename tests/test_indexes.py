"""Every geometry column that queries filter on has exactly one GiST index."""

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
