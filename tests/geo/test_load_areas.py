"""`load_areas`: real boundaries, idempotence, derived parents, and every kind of bad file."""

import json

import geopandas as gpd
import pytest
import shapely
from django.core.management import CommandError, call_command

from core.choices import AreaLevel
from fixtures.demo import KELURAHAN_FILE as MOJOKERTO
from geo.constants import DERIVED_SOURCE
from geo.models import AdminArea

pytestmark = pytest.mark.django_db

MOJOKERTO_ARGS = ["--level", "kelurahan", "--name-field", "kelurahan",
                  "--population-field", "penduduk_2023", "--population-year", "2023"]


def load(*args):
    call_command("load_areas", *[str(a) for a in args], stdout=open("/dev/null", "w"))


def write_geojson(path, features):
    """Write features [(properties, shapely geometry or None)] as a GeoJSON file."""
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props,
             "geometry": shapely.geometry.mapping(geom) if geom is not None else None}
            for props, geom in features
        ],
    }))
    return path


SQUARE = shapely.box(112.40, -7.50, 112.41, -7.49)
BOWTIE = shapely.Polygon([(112.40, -7.50), (112.41, -7.49), (112.41, -7.50), (112.40, -7.49)])


def test_loads_the_real_mojokerto_kelurahan_with_derived_parents():
    load(MOJOKERTO, *MOJOKERTO_ARGS)

    assert AdminArea.objects.leaves().count() == 18
    mentikan = AdminArea.objects.get(code="35.76.01.1003")
    assert (mentikan.name, mentikan.kind, mentikan.population) == ("Mentikan", "kelurahan", 6387)
    assert mentikan.area_m2 == pytest.approx(438_400, abs=60)  # README: 0.4384 km²
    assert mentikan.parent.code == "35.76.01"
    kecamatan = AdminArea.objects.at_level(AreaLevel.KECAMATAN)
    assert {(k.code, k.name, k.population) for k in kecamatan} == {
        ("35.76.01", "Prajuritkulon", 43194),
        ("35.76.02", "Magersari", 60439),
        ("35.76.03", "Kranggan", 38152),
    }
    assert all(k.source == DERIVED_SOURCE for k in kecamatan)
    kota = AdminArea.objects.get(code="35.76")
    assert (kota.name, kota.kind, kota.population) == ("Kota Mojokerto", "kota", 141785)
    # The union of the 18 polygons: 20.2009 km² summed, minus overlaps, plus nothing.
    leaves_total = sum(a.area_m2 for a in AdminArea.objects.leaves())
    assert leaves_total == pytest.approx(20_200_900, abs=200)
    assert kota.area_m2 == pytest.approx(leaves_total, rel=0.001)
    assert AdminArea.objects.get(code="35").name == "Jawa Timur"


def test_loading_twice_changes_nothing(capsys):
    load(MOJOKERTO, *MOJOKERTO_ARGS)
    stamps = dict(AdminArea.objects.values_list("code", "last_updated"))
    call_command("load_areas", MOJOKERTO, *MOJOKERTO_ARGS)
    out = capsys.readouterr().out
    assert "0 created, 0 updated, 18 unchanged; 0 parent areas created" in out
    assert dict(AdminArea.objects.values_list("code", "last_updated")) == stamps


def test_changed_population_updates_only_that_area(tmp_path, capsys):
    load(MOJOKERTO, *MOJOKERTO_ARGS)
    first = AdminArea.history.count()
    frame = gpd.read_file(MOJOKERTO)
    frame.loc[frame["kode"] == "35.76.01.1003", "penduduk_2023"] = 7000
    changed = tmp_path / "mojokerto_kelurahan.geojson"  # the same name: the same source
    frame.to_file(changed, driver="GeoJSON")
    call_command("load_areas", changed, *MOJOKERTO_ARGS)
    assert "0 created, 1 updated, 17 unchanged; 0 parent areas created, 3 dissolved" in (
        capsys.readouterr().out)
    assert AdminArea.objects.get(code="35.76.01.1003").population == 7000
    assert AdminArea.objects.get(code="35.76.01").population == 43194 - 6387 + 7000
    # Only the population was summed again: the other kecamatan did not change.
    changed = AdminArea.history.order_by("history_id")[first:]
    assert sorted((h.code, h.history_type) for h in changed) == [
        ("35", "~"), ("35.76", "~"), ("35.76.01", "~"), ("35.76.01.1003", "~")]


def test_the_same_boundaries_from_another_file_record_that_file(tmp_path, capsys):
    load(MOJOKERTO, *MOJOKERTO_ARGS)
    first = AdminArea.history.count()
    copy = tmp_path / "kelurahan_2025.geojson"
    copy.write_bytes(MOJOKERTO.read_bytes())
    call_command("load_areas", copy, *MOJOKERTO_ARGS)
    assert ("0 created, 18 updated, 0 unchanged; 0 parent areas created, 0 dissolved from "
            "their children; 0 point assets moved") in capsys.readouterr().out
    assert set(AdminArea.objects.leaves().values_list("source", flat=True)) == {
        "kelurahan_2025.geojson"}
    changed = AdminArea.history.order_by("history_id")[first:]
    assert {h.level for h in changed} == {4} and len(changed) == 18  # no parent rewritten


def test_dry_run_writes_nothing(capsys):
    call_command("load_areas", MOJOKERTO, *MOJOKERTO_ARGS,
                 "--dry-run")
    assert "Would load 18 areas" in capsys.readouterr().out
    assert AdminArea.objects.count() == 0


def test_loads_all_of_jawa_timur(shared_data):
    load(shared_data / "jatim_desa.gpkg", "--layer", "desa_kelurahan", "--level",
         "desa_kelurahan")
    counts = dict(
        (level, AdminArea.objects.at_level(level).count()) for level in AreaLevel.values
    )
    assert counts == {1: 1, 2: 38, 3: 666, 4: 8494}
    assert AdminArea.objects.get(code="35.76").name == "Kota Mojokerto"
    assert AdminArea.objects.get(code="35.78").name == "Kota Surabaya"


def test_missing_code_field_names_the_available_fields(tmp_path):
    path = write_geojson(tmp_path / "a.geojson", [({"id": "35.76.01.1003", "nama": "A"}, SQUARE)])
    with pytest.raises(CommandError) as raised:
        load(path, "--level", "kelurahan")
    assert str(raised.value) == (
        "Nothing was loaded.\nField 'kode' not found; the file's fields are: id, nama."
    )


def test_invalid_geometry_is_named_and_nothing_is_written(tmp_path):
    path = write_geojson(tmp_path / "a.geojson", [
        ({"kode": "35.76.01.1003", "nama": "Good"}, SQUARE),
        ({"kode": "35.76.01.1004", "nama": "Bowtie"}, BOWTIE),
    ])
    with pytest.raises(CommandError) as raised:
        load(path, "--level", "kelurahan")
    assert "Feature 2 (kode 35.76.01.1004): invalid geometry: Self-intersection[" in str(
        raised.value)
    assert "Use --make-valid to repair it." in str(raised.value)
    assert AdminArea.objects.count() == 0


def test_make_valid_repairs_and_reports(tmp_path, capsys):
    path = write_geojson(tmp_path / "a.geojson", [
        ({"kode": "35.76.01.1003", "nama": "Square"}, SQUARE),
        ({"kode": "35.76.01.1004", "nama": "Bowtie"}, BOWTIE),
    ])
    call_command("load_areas", path, "--level", "kelurahan", "--make-valid")
    assert "Repaired 1 invalid geometries with make_valid: 35.76.01.1004" in capsys.readouterr().out
    square = AdminArea.objects.get(code="35.76.01.1003")
    bowtie = AdminArea.objects.get(code="35.76.01.1004")
    assert (square.geom_repaired, bowtie.geom_repaired) == (False, True)
    assert bowtie.geom.valid and len(bowtie.geom) == 2  # two triangles
    assert bowtie.area_m2 / square.area_m2 == pytest.approx(0.5, abs=1e-4)


def test_wrong_layer_lists_the_layers(shared_data):
    with pytest.raises(CommandError) as raised:
        load(shared_data / "jatim_desa.gpkg", "--layer", "desa", "--level", "desa")
    assert str(raised.value) == (
        "Nothing was loaded.\nLayer 'desa' not found in jatim_desa.gpkg; its layers are: "
        "desa_kelurahan, kecamatan, kabupaten_kota, kecamatan_src_coarse, "
        "kabupaten_kota_src_coarse."
    )


def test_empty_file(tmp_path):
    path = write_geojson(tmp_path / "empty.geojson", [])
    with pytest.raises(CommandError) as raised:
        load(path, "--level", "kelurahan")
    assert str(raised.value) == "Nothing was loaded.\nempty.geojson has no features."


def test_not_a_spatial_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("kode,nama\n35.76.01.1003,Mentikan\n")
    with pytest.raises(CommandError) as raised:
        load(path, "--level", "kelurahan")
    assert str(raised.value) == (
        "Nothing was loaded.\nnotes.txt is not a spatial file GDAL can read (GeoJSON, "
        f"GeoPackage, Shapefile, …): '{path}' not recognized as being in a supported file "
        "format.; It might help to specify the correct driver explicitly by prefixing the file "
        "path with '<DRIVER>:', e.g. 'CSV:path'."
    )


def test_file_not_found(tmp_path):
    with pytest.raises(CommandError) as raised:
        load(tmp_path / "missing.geojson", "--level", "kelurahan")
    assert str(raised.value) == f"Nothing was loaded.\nFile not found: {tmp_path}/missing.geojson"


def test_bad_codes_levels_duplicates_and_geometry_types_are_all_reported(tmp_path):
    path = write_geojson(tmp_path / "a.geojson", [
        ({"kode": "35.76.01.1003", "nama": "A"}, SQUARE),
        ({"kode": "abc", "nama": "B"}, SQUARE),
        ({"kode": "35.76.01", "nama": "C"}, SQUARE),
        ({"kode": "35.76.01.1003", "nama": "D"}, SQUARE),
        ({"kode": "35.76.01.1005", "nama": "E"}, shapely.Point(112.4, -7.5)),
        ({"kode": "35.76.01.1006", "nama": "F"}, None),
    ])
    with pytest.raises(CommandError) as raised:
        load(path, "--level", "kelurahan")
    assert str(raised.value).splitlines()[1:] == [
        "Feature 2: field 'kode': 'abc' is not a Kemendagri area code (expected e.g. 35, "
        "35.76, 35.76.01 or 35.76.01.1003).",
        "Feature 3 (kode 35.76.01): the code is of level Kecamatan, not Desa/Kelurahan.",
        "Feature 4 (kode 35.76.01.1003): duplicate code, also feature 1.",
        "Feature 5 (kode 35.76.01.1005): geometry type Point is not a (multi)polygon.",
        "Feature 6 (kode 35.76.01.1006): no geometry.",
    ]
    assert AdminArea.objects.count() == 0


def test_every_load_is_recorded_in_the_history(tmp_path):
    load(MOJOKERTO, *MOJOKERTO_ARGS)
    mentikan = AdminArea.history.filter(code="35.76.01.1003")
    assert [(h.history_type, h.population, round(h.area_m2)) for h in mentikan] == [
        ("+", 6387, 438414)]
    assert mentikan.first().history_change_reason == "load_areas mojokerto_kelurahan.geojson"
    kecamatan = AdminArea.history.filter(code="35.76.01").order_by("history_id")
    assert [(h.history_type, h.population) for h in kecamatan] == [("+", None), ("~", 43194)]
    frame = gpd.read_file(MOJOKERTO)
    frame.loc[frame["kode"] == "35.76.01.1003", "penduduk_2023"] = 7000
    frame.to_file(tmp_path / "changed.geojson", driver="GeoJSON")
    load(tmp_path / "changed.geojson", *MOJOKERTO_ARGS)
    assert [h.population for h in mentikan.order_by("history_id")] == [6387, 7000]
