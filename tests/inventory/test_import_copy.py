"""Writes of the importer: a COPY the database refuses undoes the whole import,
and the connection stays usable."""

import psycopg2
import pytest
import shapely
from django.db import connection

from inventory.io.importer import import_file
from inventory.models import Hotspot
from tests.factories import lonlat

pytestmark = pytest.mark.django_db


def hotspot_file(path, count):
    """A CSV of `count` hotspots 100 m apart in the west kelurahan."""
    lines = ["external_id,name,operator,site_type,lat,lon"]
    for i in range(count):
        lon, lat = lonlat(100 + 100 * i, 500)
        lines.append(f"H-{i},Taman {i},Diskominfo,taman,{lat},{lon}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_copy_refused_by_the_database_writes_nothing(two_kelurahan, tmp_path, settings):
    # A radius the database refuses (CHECK 1..5000) that no file check looks at: the
    # default radius comes from the settings. Three chunks of two rows.
    settings.SIMPUL_HOTSPOT_RADIUS_M = {"indoor": 9999, "outdoor": 9999}
    path = hotspot_file(tmp_path / "h.csv", 6)
    with pytest.raises(psycopg2.errors.CheckViolation, match="radius_range"):
        import_file("hotspots", path, chunk_size=2)
    assert Hotspot.objects.count() == 0
    assert Hotspot.history.count() == 0
    with connection.cursor() as cursor:  # the transaction was rolled back cleanly
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_chunks_written_in_the_background_all_arrive(two_kelurahan, tmp_path):
    path = hotspot_file(tmp_path / "h.csv", 7)
    report = import_file("hotspots", path, chunk_size=2)
    assert (report.ok, report.created) == (True, 7)
    names = list(Hotspot.objects.order_by("pk").values_list("name", flat=True))
    assert names == [f"Taman {i}" for i in range(7)]
    assert Hotspot.history.filter(history_type="+").count() == 7


def test_geometries_are_encoded_with_the_fields_srid():
    from django.contrib.gis.db.models import PointField

    from inventory.io.copy import encoder

    point = shapely.Point(657000.0, 9174000.0)
    for srid in (4326, 32749):
        (encoded,) = encoder(PointField(srid=srid))([point])
        decoded = shapely.from_wkb(encoded)
        assert (shapely.get_srid(decoded), decoded.x, decoded.y) == (srid, 657000.0, 9174000.0)
    assert encoder(PointField(srid=4326))([None]) == ["\\N"]
