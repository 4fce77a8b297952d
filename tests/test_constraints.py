"""The database itself enforces the registry's rules: every constraint is proved with raw SQL
that bypasses Django (no model validation, no `save()`), and refused with IntegrityError
naming the constraint. A constraint added to a registry model without a case here fails
`test_every_registry_constraint_is_proved`."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from geo.models import AdminArea
from inventory.models import Facility, FiberLink, FiberNode, Hotspot
from tests.factories import make_facility, make_hotspot, make_link, make_node

pytestmark = pytest.mark.django_db

BOWTIE = "SRID=4326;POLYGON((112.40 -7.40, 112.41 -7.41, 112.41 -7.40, 112.40 -7.41, 112.40 -7.40))"
MULTI_BOWTIE = BOWTIE.replace("POLYGON((", "MULTIPOLYGON(((").replace("))", ")))")
ONE_POINT_LINE = "SRID=4326;LINESTRING(112.40 -7.40, 112.40 -7.40)"
REGISTRY = (AdminArea, Hotspot, Facility, FiberNode, FiberLink)


@pytest.fixture
def records(two_kelurahan):
    """One record of each kind, plus the area hierarchy of the two kelurahan."""
    west, east = two_kelurahan
    a, b = make_node(100, 100, name="A"), make_node(900, 100, name="B")
    return {
        "west": west.pk, "east": east.pk,
        "provinsi": AdminArea.objects.get(code="35").pk,
        "hotspot": make_hotspot(100, 100, external_id="H-1").pk,
        "hotspot2": make_hotspot(200, 200).pk,
        "facility": make_facility(100, 100, external_id="F-1").pk,
        "facility2": make_facility(200, 200).pk,
        "node": a.pk, "node2": b.pk,
        "link": make_link(a, b, external_id="L-1").pk,
        "link2": make_link(b, a).pk,
    }


def dated(table):
    return (f"UPDATE {table} SET installed_on = '2024-01-02', decommissioned_on = '2024-01-01' "
            "WHERE id = %(x)s")


#: constraint name → (SQL, record that %(x)s names, record that %(y)s names)
CASES = {
    "geo_adminarea_code_key": (
        "UPDATE geo_adminarea SET code = '35.76.01.1002' WHERE id = %(x)s", "west", None),
    "geo_adminarea_valid_geom": (
        f"UPDATE geo_adminarea SET geom = '{MULTI_BOWTIE}' WHERE id = %(x)s", "west", None),
    "geo_adminarea_code_format": (
        "UPDATE geo_adminarea SET code = '35.76.1.1001' WHERE id = %(x)s", "west", None),
    "geo_adminarea_level_range": (
        "UPDATE geo_adminarea SET level = 5 WHERE id = %(x)s", "west", None),
    "geo_adminarea_parent_by_level": (
        "UPDATE geo_adminarea SET parent_id = %(y)s WHERE id = %(x)s", "provinsi", "west"),
    "geo_adminarea_population_has_year": (
        "UPDATE geo_adminarea SET population = 10, population_year = NULL WHERE id = %(x)s",
        "west", None),
    "inventory_hotspot_dates_in_order": (dated("inventory_hotspot"), "hotspot", None),
    "inventory_hotspot_unique_external_id": (
        "UPDATE inventory_hotspot SET external_id = 'H-1' WHERE id = %(x)s", "hotspot2", None),
    "inventory_hotspot_radius_range": (
        "UPDATE inventory_hotspot SET coverage_radius_m = 5001 WHERE id = %(x)s", "hotspot", None),
    "inventory_hotspot_valid_coverage_area": (
        f"UPDATE inventory_hotspot SET coverage_area = '{BOWTIE}' WHERE id = %(x)s",
        "hotspot", None),
    "inventory_hotspot_bandwidth_positive": (
        "UPDATE inventory_hotspot SET bandwidth_mbps = 0 WHERE id = %(x)s", "hotspot", None),
    "inventory_facility_dates_in_order": (dated("inventory_facility"), "facility", None),
    "inventory_facility_unique_external_id": (
        "UPDATE inventory_facility SET external_id = 'F-1' WHERE id = %(x)s", "facility2", None),
    "inventory_facility_government_office_set": (
        "UPDATE inventory_facility SET is_government_office = NULL WHERE id = %(x)s",
        "facility", None),
    "inventory_fibernode_dates_in_order": (dated("inventory_fibernode"), "node", None),
    "inventory_fibernode_unique_external_id": (
        "UPDATE inventory_fibernode SET external_id = 'N-1' WHERE id IN (%(x)s, %(y)s)",
        "node", "node2"),
    "inventory_fiberlink_dates_in_order": (dated("inventory_fiberlink"), "link", None),
    "inventory_fiberlink_unique_external_id": (
        "UPDATE inventory_fiberlink SET external_id = 'L-1' WHERE id = %(x)s", "link2", None),
    "inventory_fiberlink_distinct_nodes": (
        "UPDATE inventory_fiberlink SET end_node_id = start_node_id WHERE id = %(x)s",
        "link", None),
    "inventory_fiberlink_valid_route": (
        f"UPDATE inventory_fiberlink SET route = '{ONE_POINT_LINE}' WHERE id = %(x)s",
        "link", None),
    "inventory_fiberlink_fibre_count_positive": (
        "UPDATE inventory_fiberlink SET fibre_count = 0 WHERE id = %(x)s", "link", None),
}


@pytest.mark.parametrize("constraint", sorted(CASES))
def test_raw_sql_breaking_a_rule_is_refused(records, constraint):
    sql, x, y = CASES[constraint]
    params = {"x": records[x], "y": records[y] if y else None}
    with pytest.raises(IntegrityError) as refused, transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, params)
    assert f'"{constraint}"' in str(refused.value)


def test_the_rules_allow_what_they_should(records):
    """Boundary values pass: radius 1 and 5000, same-day dates, several empty external IDs."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_hotspot SET coverage_radius_m = 1 WHERE id = %s",
                       [records["hotspot"]])
        cursor.execute("UPDATE inventory_hotspot SET coverage_radius_m = 5000, "
                       "installed_on = '2024-01-01', decommissioned_on = '2024-01-01' "
                       "WHERE id = %s", [records["hotspot2"]])
        cursor.execute("UPDATE inventory_hotspot SET external_id = ''")
    assert Hotspot.objects.filter(external_id="").count() == 2
    assert Hotspot.objects.get(pk=records["hotspot2"]).decommissioned_on == datetime.date(
        2024, 1, 1)


def test_every_registry_constraint_is_proved():
    names = {c.name for model in REGISTRY for c in model._meta.constraints}
    names |= {f"{model._meta.db_table}_{field.column}_key" for model in REGISTRY
              for field in model._meta.fields if field.unique and not field.primary_key}
    assert names == set(CASES)
