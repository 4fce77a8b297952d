"""Areas written one at a time (`save_area`, `delete_area`) and point assets following
changed desa/kelurahan boundaries, through `save_area` and `load_areas`.

Layout, metres from ORIGIN: Barat 35.76.01.1001 is x 0–1000, Timur 35.76.01.1002 is
x 1000–2000, both y 0–1000; their kecamatan, kota and provinsi are derived (dissolved).
"""

import json

import pytest
import shapely
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from geo.constants import DERIVED_SOURCE
from geo.coverage.services import compute_coverage
from geo.models import AdminArea
from geo.services import (
    AreaInUse,
    AreaLoadError,
    AssetsOutsideAreas,
    delete_area,
    save_area,
)
from inventory.models import Facility, FiberNode, Hotspot
from tests.factories import (
    ORIGIN,
    lonlat,
    make_area,
    make_facility,
    make_hotspot,
    make_node,
    save_utm_area,
    square,
    strip,
    to_storage,
)

pytestmark = pytest.mark.django_db


def utm_area(area) -> float:
    return area.geom.transform(32749, clone=True).area


#: How the refusals name each kind of point asset (its verbose name).
ASSET_NOUNS = {Hotspot: "Hotspot wifi", Facility: "Fasilitas publik",
               FiberNode: "Node serat optik"}


def outside(asset, dx, dy) -> str:
    lon, lat = lonlat(dx, dy)
    return (f"{ASSET_NOUNS[type(asset)]} {asset.pk} “{asset.name}” (bujur {lon:.6f}, "
            f"lintang {lat:.6f}) akan berada di luar semua desa/kelurahan; pindahkan atau "
            "hapus terlebih dahulu.")


@pytest.fixture
def editor(db):
    return User.objects.create_user("ani", password="x")


# --- save_area -----------------------------------------------------------------------------


def test_save_area_creates_the_parents_and_dissolves_them(kelurahan):
    barat = kelurahan["barat"]
    assert (barat.level, barat.kind, barat.parent.code) == (4, "kelurahan", "35.76.01")
    assert barat.area_m2 == pytest.approx(1_000_000, abs=1)
    for code, kind in (("35.76.01", "kecamatan"), ("35.76", "kota"), ("35", "provinsi")):
        parent = AdminArea.objects.get(code=code)
        assert (parent.kind, parent.source) == (kind, DERIVED_SOURCE)
        assert (parent.population, parent.population_year) == (4000, 2023)
        assert parent.area_m2 == pytest.approx(2_000_000, abs=1)
        assert utm_area(parent) == pytest.approx(2_000_000, abs=1)
    assert AdminArea.objects.get(code="35").name == "Jawa Timur"
    history = AdminArea.history.filter(code="35.76.01").order_by("history_id")
    assert [(h.history_type, h.population, h.history_change_reason) for h in history] == [
        ("+", None, "save_area 35.76.01.1001"),
        ("~", 1000, "save_area 35.76.01.1001"),
        ("~", 4000, "save_area 35.76.01.1002"),
    ]


def test_save_area_updates_by_code_and_takes_shapely_geometry(kelurahan, editor):
    wgs = shapely.from_wkb(bytes(to_storage(strip(-500, 1000)).wkb))
    barat = save_area(code="3576011001", name="Barat Raya", geom=wgs, population=1500,
                      population_year=2024, population_source="Dukcapil", user=editor)
    assert (barat.code, barat.name, barat.population, barat.population_year) == (
        "35.76.01.1001", "Barat Raya", 1500, 2024)
    assert barat.area_m2 == pytest.approx(1_500_000, abs=1)
    kecamatan = AdminArea.objects.get(code="35.76.01")
    assert kecamatan.area_m2 == pytest.approx(2_500_000, abs=1)
    assert (kecamatan.population, kecamatan.population_year) == (4500, 2024)
    assert kecamatan.population_source == "Dukcapil"  # max() of BPS and Dukcapil
    last = AdminArea.history.filter(code="35.76.01.1001").latest("history_id")
    assert (last.history_type, last.name, last.history_user, last.history_change_reason) == (
        "~", "Barat Raya", editor, "save_area 35.76.01.1001")


def test_saving_the_same_area_again_changes_nothing(kelurahan):
    before = dict(AdminArea.objects.values_list("code", "last_updated"))
    history = AdminArea.history.count()
    save_utm_area("35.76.01.1001", strip(0, 1000), "Barat", 1000)
    assert dict(AdminArea.objects.values_list("code", "last_updated")) == before
    assert AdminArea.history.count() == history


def test_a_kept_boundary_keeps_its_repaired_mark(kelurahan):
    AdminArea.objects.filter(code="35.76.01.1001").update(geom_repaired=True)
    barat = AdminArea.objects.get(code="35.76.01.1001")
    assert save_area(code=barat.code, name="Barat Baru", geom=barat.geom, population=1000,
                     population_year=2023, population_source="BPS").geom_repaired is True
    assert save_utm_area("35.76.01.1001", strip(0, 900), "Barat Baru", 1000).geom_repaired is False


def test_save_area_reports_a_bad_code_and_an_invalid_geometry(db):
    with pytest.raises(AreaLoadError) as raised:
        save_utm_area("35.7.1", strip(0, 1000), "X")
    assert raised.value.errors == [
        "'35.7.1' is not a Kemendagri area code (expected e.g. 35, 35.76, 35.76.01 or "
        "35.76.01.1003)."]
    bowtie = shapely.Polygon([(0, 0), (1000, 1000), (1000, 0), (0, 1000)])
    with pytest.raises(AreaLoadError) as raised:
        save_utm_area("35.76.01.1001", shapely.affinity.translate(bowtie, *ORIGIN), "X")
    assert raised.value.errors[0].startswith(
        "Feature 1 (code 35.76.01.1001): invalid geometry: Self-intersection[")
    assert AdminArea.objects.count() == 0


# --- point assets follow the boundaries -----------------------------------------------------


def test_a_wider_boundary_takes_the_asset_it_now_covers_lowest_code_first(kelurahan, editor):
    hotspot = make_hotspot(1100, 500, name="Taman Timur")
    facility = make_facility(1500, 500, name="Kantor Timur")
    node = make_node(500, 500, name="ODP Barat")
    stamp = hotspot.last_updated
    assert (hotspot.area.code, facility.area.code, node.area.code) == (
        "35.76.01.1002", "35.76.01.1002", "35.76.01.1001")

    save_utm_area("35.76.01.1001", strip(0, 1200), "Barat", 1000, user=editor)

    hotspot.refresh_from_db()
    assert hotspot.area.code == "35.76.01.1001"  # covered by both: the lowest code wins
    assert hotspot.last_updated > stamp
    assert Facility.objects.get().area.code == "35.76.01.1002"
    assert FiberNode.objects.get().area.code == "35.76.01.1001"
    rows = Hotspot.history.filter(id=hotspot.pk).order_by("history_id")
    assert [(h.history_type, h.area_id, h.history_user, h.history_change_reason)
            for h in rows] == [
        ("+", kelurahan["timur"].pk, None, None),
        ("~", kelurahan["barat"].pk, editor,
         "save_area 35.76.01.1001: desa/kelurahan re-assigned"),
    ]
    assert Facility.history.count() == FiberNode.history.count() == 1


def test_a_smaller_boundary_hands_the_asset_to_the_neighbour(kelurahan):
    hotspot = make_hotspot(1100, 500, name="Taman Timur")
    save_utm_area("35.76.01.1001", strip(0, 1200), "Barat", 1000)
    save_utm_area("35.76.01.1001", strip(0, 1000), "Barat", 1000)
    hotspot.refresh_from_db()
    assert hotspot.area.code == "35.76.01.1002"
    assert [h.area_id for h in Hotspot.history.filter(id=hotspot.pk).order_by("history_id")] == [
        kelurahan["timur"].pk, kelurahan["barat"].pk, kelurahan["timur"].pk]


def test_a_boundary_leaving_assets_outside_is_refused_and_nothing_is_written(kelurahan):
    hotspot = make_hotspot(900, 500, name="Taman Barat")
    facility = make_facility(850, 100, name="Kantor Barat")
    make_hotspot(300, 300, name="Tetap")
    before = list(AdminArea.objects.values_list("code", "geom", "area_m2", "last_updated"))
    history = (AdminArea.history.count(), Hotspot.history.count(), Facility.history.count())

    with pytest.raises(AssetsOutsideAreas) as raised:
        save_utm_area("35.76.01.1001", strip(0, 800), "Barat", 1000)

    assert raised.value.errors == [outside(facility, 850, 100), outside(hotspot, 900, 500)]
    assert list(AdminArea.objects.values_list("code", "geom", "area_m2", "last_updated")) == (
        before)
    assert (AdminArea.history.count(), Hotspot.history.count(),
            Facility.history.count()) == history
    assert Hotspot.objects.get(pk=hotspot.pk).area.code == "35.76.01.1001"


def test_a_new_desa_with_a_lower_code_takes_the_assets_it_covers(kelurahan):
    hotspot = make_hotspot(1500, 500)
    save_utm_area("35.76.01.1000", strip(1400, 1600), "Tengah", 200)
    hotspot.refresh_from_db()
    assert hotspot.area.code == "35.76.01.1000"


@pytest.mark.parametrize("first, second", [
    (("35.76.01.1002", 1, "Timur"), ("35.76.01.1001", 0, "Barat")),
    (("35.76.01.1001", 0, "Barat"), ("35.76.01.1002", 1, "Timur")),
])
def test_on_a_shared_border_the_reassignment_agrees_with_leaf_for_point(db, first, second):
    # The hotspot stands on the corner the two squares share, so both cover it; it is
    # assigned when it is made (`leaf_for_point`), then again by the reassignment when the
    # second square is saved. Either order, the lowest code wins.
    save_utm_area(first[0], square(first[1], 0), first[2])
    hotspot = make_hotspot(1000, 0, name="Tugu")
    assert hotspot.area.code == first[0]
    save_utm_area(second[0], square(second[1], 0), second[2])

    hotspot.refresh_from_db()
    assert AdminArea.objects.leaf_for_point(hotspot.geom).code == "35.76.01.1001"
    assert hotspot.area.code == "35.76.01.1001"


# --- delete_area ---------------------------------------------------------------------------


def test_delete_is_refused_while_assets_or_children_remain(two_kelurahan):
    make_hotspot(100, 100), make_hotspot(200, 200), make_facility(300, 300)
    make_node(400, 400)
    barat, _ = two_kelurahan
    with pytest.raises(AreaInUse) as raised:
        delete_area(barat)
    assert str(raised.value) == (
        "Kelurahan Barat (35.76.01.1001) masih memiliki 1 fasilitas, 2 hotspot, 1 node serat "
        "optik; pindahkan atau hapus terlebih dahulu.")
    with pytest.raises(AreaInUse) as raised:
        delete_area(AdminArea.objects.get(code="35.76"))
    assert str(raised.value) == (
        "Kota Area 35.76 (35.76) masih memiliki 1 kecamatan; pindahkan atau hapus terlebih "
        "dahulu.")
    with pytest.raises(AreaInUse) as raised:
        delete_area(AdminArea.objects.get(code="35.76.01"))
    assert str(raised.value) == (
        "Kecamatan Area 35.76.01 (35.76.01) masih memiliki 2 kelurahan; pindahkan atau hapus "
        "terlebih dahulu.")
    assert AdminArea.objects.count() == 5


def test_refusals_are_in_english_on_request(two_kelurahan):
    hotspot = make_hotspot(100, 100, name="Taman")
    make_hotspot(200, 200), make_facility(300, 300)
    with translation.override("en"):
        with pytest.raises(AreaInUse) as in_use:
            delete_area(two_kelurahan[0])
        with pytest.raises(AreaInUse) as has_children:
            delete_area(AdminArea.objects.get(code="35.76.01"))
        with pytest.raises(AssetsOutsideAreas) as left_outside:
            save_area(code="35.76.01.1001", name="Barat", geom=to_storage(strip(150, 1000)))
    assert str(in_use.value) == (
        "Kelurahan Barat (35.76.01.1001) still has 1 facility, 2 hotspots; move or delete "
        "them first.")
    assert str(has_children.value) == (
        "District Area 35.76.01 (35.76.01) still has 2 kelurahan; move or delete them first.")
    lon, lat = lonlat(100, 100)
    assert left_outside.value.errors == [
        f"Wifi hotspot {hotspot.pk} “Taman” (lon {lon:.6f}, lat {lat:.6f}) would lie outside "
        "every desa/kelurahan; move or delete it first."]


def test_delete_is_refused_while_stored_results_refer_to_the_area(two_kelurahan):
    compute_coverage()
    with pytest.raises(AreaInUse) as raised:
        delete_area(two_kelurahan[1])
    assert str(raised.value) == (
        "Kelurahan Timur (35.76.01.1002) masih memiliki 1 hasil cakupan, 1 wilayah tanpa "
        "wifi; pindahkan atau hapus terlebih dahulu.")
    with translation.override("en"), pytest.raises(AreaInUse) as raised:
        delete_area(two_kelurahan[1])
    assert str(raised.value) == (
        "Kelurahan Timur (35.76.01.1002) still has 1 coverage result, 1 white zone; "
        "move or delete them first.")


def test_deleting_an_empty_desa_dissolves_its_parents_again(kelurahan, editor):
    timur = kelurahan["timur"]
    delete_area(timur, user=editor)
    assert not AdminArea.objects.filter(code="35.76.01.1002").exists()
    for code in ("35.76.01", "35.76", "35"):
        parent = AdminArea.objects.get(code=code)
        assert parent.population == 1000
        assert parent.area_m2 == pytest.approx(1_000_000, abs=1)
    deleted = AdminArea.history.filter(code="35.76.01.1002").latest("history_id")
    assert (deleted.history_type, deleted.history_user) == ("-", editor)
    last = AdminArea.history.filter(code="35.76.01").latest("history_id")
    assert (last.history_type, last.population, last.history_user,
            last.history_change_reason) == ("~", 1000, editor, "delete_area 35.76.01.1002")


def test_deleting_the_last_child_leaves_an_empty_derived_parent(kelurahan):
    delete_area(kelurahan["timur"])
    delete_area(AdminArea.objects.get(code="35.76.01.1001"))
    kecamatan = AdminArea.objects.get(code="35.76.01")
    assert kecamatan.geom.empty and kecamatan.area_m2 == 0
    assert (kecamatan.population, kecamatan.population_year) == (None, None)


def test_a_parent_with_its_own_boundary_is_not_dissolved(db):
    make_area("35.76.01.1001", square(0, 0), name="Barat", population=1000)
    make_area("35.76.01.1002", square(1, 0), name="Timur", population=3000)
    delete_area(AdminArea.objects.get(code="35.76.01.1002"))
    kecamatan = AdminArea.objects.get(code="35.76.01")  # made by the factory, not derived
    assert kecamatan.population is None
    assert utm_area(kecamatan) == pytest.approx(1_000_000, abs=1)


# --- load_areas ----------------------------------------------------------------------------


def write_kelurahan(path, west_x1):
    """Barat x 0–west_x1 and Timur x west_x1–2000 as a GeoJSON file."""
    features = [
        {"type": "Feature", "properties": {"kode": code, "nama": name},
         "geometry": json.loads(to_storage(geom).geojson)}
        for code, name, geom in (("35.76.01.1001", "Barat", strip(0, west_x1)),
                                 ("35.76.01.1002", "Timur", strip(west_x1, 2000)))
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def run_load(path, *args, capsys):
    call_command("load_areas", str(path), "--level", "kelurahan", *args)
    return capsys.readouterr().out


def test_load_areas_again_with_a_changed_boundary_moves_the_assets(tmp_path, capsys):
    run_load(write_kelurahan(tmp_path / "v1.geojson", 1000), capsys=capsys)
    hotspot = make_hotspot(1100, 500, name="Taman")
    node = make_node(1900, 500)

    out = run_load(write_kelurahan(tmp_path / "v2.geojson", 1200), "--dry-run", capsys=capsys)
    assert "1 point assets moved to another desa/kelurahan." in out
    assert Hotspot.objects.get().area.code == "35.76.01.1002"

    out = run_load(write_kelurahan(tmp_path / "v2.geojson", 1200), capsys=capsys)
    assert "0 created, 2 updated, 0 unchanged" in out
    assert out.rstrip().endswith(
        "3 dissolved from their children; 1 point assets moved to another desa/kelurahan.")
    hotspot.refresh_from_db()
    assert hotspot.area.code == "35.76.01.1001"
    assert FiberNode.objects.get(pk=node.pk).area.code == "35.76.01.1002"
    last = Hotspot.history.filter(id=hotspot.pk).latest("history_id")
    assert last.history_change_reason == "load_areas v2.geojson: desa/kelurahan re-assigned"


def test_load_areas_refuses_boundaries_that_leave_an_asset_outside(tmp_path, capsys):
    run_load(write_kelurahan(tmp_path / "v1.geojson", 1000), capsys=capsys)
    hotspot = make_hotspot(1990, 500, name="Ujung")
    path = tmp_path / "v2.geojson"
    write_kelurahan(path, 1000)
    data = json.loads(path.read_text())
    data["features"][1]["geometry"] = json.loads(to_storage(strip(1000, 1900)).geojson)
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError) as raised:
        run_load(path, capsys=capsys)
    assert str(raised.value) == "Nothing was loaded.\n" + outside(hotspot, 1990, 500)
    assert AdminArea.objects.get(code="35.76.01.1002").area_m2 == pytest.approx(
        1_000_000, abs=1)


def test_a_load_without_assets_runs_no_reassignment(tmp_path, capsys):
    with CaptureQueriesContext(connection) as queries:
        run_load(write_kelurahan(tmp_path / "v1.geojson", 1000), capsys=capsys)
    assert not [q for q in queries.captured_queries if "WITH changed AS" in q["sql"]]
    make_hotspot(500, 500)
    with CaptureQueriesContext(connection) as queries:
        run_load(write_kelurahan(tmp_path / "v2.geojson", 1200), capsys=capsys)
    assert len([q for q in queries.captured_queries if "WITH changed AS" in q["sql"]]) == 1
