"""Coverage runs from the database: hand-computed areas, dates, aggregation, storage, API."""

import datetime
import json
import math

import pytest
import shapely
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from geo.coverage import analysis
from geo.coverage.services import compute_coverage
from geo.models import AreaCoverage
from tests.factories import (
    make_area,
    make_facility,
    make_hotspot,
    make_link,
    make_node,
    point,
    square,
    to_storage,
)

pytestmark = pytest.mark.django_db

# A 64-gon inscribed in a circle of radius r has area 32 r² sin(2π/64).
POLYGON_FACTOR = 32 * math.sin(2 * math.pi / 64)
TODAY = datetime.date(2025, 6, 1)


def circle_m2(radius):
    return POLYGON_FACTOR * radius**2


def result(run, code):
    return AreaCoverage.objects.get(run=run, area__code=code)


def test_one_hotspot_in_the_middle_of_a_square(two_kelurahan):
    make_hotspot(500, 500, coverage_radius_m=100)
    run = compute_coverage(TODAY)
    west = result(run, "35.76.01.1001")
    assert west.area_m2 == pytest.approx(1e6, abs=1)
    assert west.covered_m2 == pytest.approx(math.pi * 100**2, rel=0.005)
    assert west.covered_m2 == pytest.approx(circle_m2(100), abs=1)
    assert west.covered_pct == pytest.approx(100 * circle_m2(100) / 1e6, abs=1e-4)
    assert west.covered_population == pytest.approx(1000 * circle_m2(100) / 1e6, abs=1e-3)
    assert (west.hotspots_active, west.hotspots_total) == (1, 1)
    assert west.hotspots_per_km2 == pytest.approx(1.0)
    assert west.hotspots_per_10k == pytest.approx(10.0)
    assert result(run, "35.76.01.1002").covered_m2 == 0


def test_circle_across_a_border_is_split_between_the_areas(two_kelurahan):
    make_hotspot(1000, 500, coverage_radius_m=100)
    run = compute_coverage(TODAY)
    west, east = result(run, "35.76.01.1001"), result(run, "35.76.01.1002")
    assert west.covered_m2 == pytest.approx(circle_m2(100) / 2, abs=1)
    assert east.covered_m2 == pytest.approx(circle_m2(100) / 2, abs=1)
    assert (west.hotspots_active, east.hotspots_active) == (1, 0)  # point on border: lowest code


def test_parent_levels_sum_their_children_and_recompute_percentages(two_kelurahan):
    make_hotspot(500, 500, coverage_radius_m=100)
    make_hotspot(1500, 500, coverage_radius_m=200)
    run = compute_coverage(TODAY)
    kecamatan = result(run, "35.76.01")
    assert kecamatan.level == 3
    assert kecamatan.area_m2 == pytest.approx(2e6, abs=2)
    assert kecamatan.covered_m2 == pytest.approx(circle_m2(100) + circle_m2(200), abs=2)
    assert kecamatan.covered_pct == pytest.approx(
        100 * (circle_m2(100) + circle_m2(200)) / 2e6, abs=1e-4)
    people = 1000 * circle_m2(100) / 1e6 + 3000 * circle_m2(200) / 1e6
    assert kecamatan.population == 4000
    assert kecamatan.covered_population == pytest.approx(people, abs=1e-3)
    assert kecamatan.covered_population_pct == pytest.approx(100 * people / 4000, abs=1e-4)
    assert (kecamatan.leaf_count, kecamatan.leaves_with_hotspot) == (2, 2)
    assert result(run, "35").area_m2 == pytest.approx(2e6, abs=2)


def test_decommissioned_and_not_yet_installed_hotspots_are_ignored(two_kelurahan):
    make_hotspot(300, 300, installed_on=datetime.date(2019, 1, 1),
                 decommissioned_on=datetime.date(2021, 1, 1))
    make_hotspot(700, 700, installed_on=datetime.date(2022, 1, 1))
    make_hotspot(500, 200, status="down")
    assert result(compute_coverage(datetime.date(2020, 6, 1)), "35.76.01.1001").hotspots_active == 1
    mid = result(compute_coverage(datetime.date(2021, 6, 1)), "35.76.01.1001")
    assert (mid.hotspots_active, mid.hotspots_total, mid.hotspots_down, mid.covered_m2) == (
        0, 1, 1, 0)
    assert result(compute_coverage(TODAY), "35.76.01.1001").hotspots_active == 1


def test_surveyed_polygon_replaces_the_circle(two_kelurahan):
    survey = to_storage(shapely.box(*point(400, 400).coords[0], *point(700, 500).coords[0]))
    make_hotspot(500, 450, coverage_radius_m=100, coverage_area=survey)
    assert result(compute_coverage(TODAY), "35.76.01.1001").covered_m2 == pytest.approx(
        300 * 100, abs=0.5)


def test_white_zones_are_stored_largest_first_with_population(two_kelurahan):
    make_hotspot(500, 500, coverage_radius_m=100)
    make_hotspot(1500, 500, coverage_radius_m=400)
    run = compute_coverage(TODAY, min_white_zone_m2=5000)
    zones = list(run.white_zones.select_related("area"))
    assert [z.area.code for z in zones] == ["35.76.01.1001", "35.76.01.1002"]
    assert zones[0].rank == 1
    assert zones[0].area_m2 == pytest.approx(1e6 - circle_m2(100), abs=1)
    assert zones[0].population == pytest.approx(1000 * (1e6 - circle_m2(100)) / 1e6, abs=1e-3)
    assert zones[1].area_m2 == pytest.approx(1e6 - circle_m2(400), abs=1)


def test_facilities_nearest_hotspot_and_fiber_reach(two_kelurahan):
    hotspot = make_hotspot(500, 500, coverage_radius_m=100)
    dc = make_node(100, 100, name="DC", node_type="data_centre")
    a, b = make_node(300, 100, name="A"), make_node(300, 300, name="B")
    make_link(dc, a), make_link(a, b), make_link(b, dc)
    spur = make_node(1500, 100, name="Spur")
    make_link(a, spur, name="spur link")
    make_facility(500, 560, name="Kantor A", fiber_node=a)
    make_facility(1500, 100, name="Kantor Spur", fiber_node=spur)
    make_facility(1800, 800, name="Kantor Lepas")
    run = compute_coverage(TODAY)
    access = {f.facility.name: f for f in run.facilities.select_related("facility")}
    assert access["Kantor A"].nearest_hotspot_id == hotspot.id
    assert access["Kantor A"].nearest_hotspot_m == pytest.approx(60, abs=0.01)
    assert access["Kantor A"].in_coverage and not access["Kantor Spur"].in_coverage
    assert (access["Kantor A"].reaches_data_centre, access["Kantor A"].redundant) == (True, True)
    assert (access["Kantor Spur"].reaches_data_centre, access["Kantor Spur"].redundant) == (
        True, False)
    assert not access["Kantor Lepas"].connected
    bridges = run.fiber["bridges"]
    assert [(b["government_offices_cut"], b["length_m"]) for b in bridges] == [
        (1, pytest.approx(1200, abs=0.01))]
    offices = result(run, "35.76.01").facilities["government_offices"]
    assert offices == {"total": 3, "in_coverage": 1, "connected": 2, "reaches_data_centre": 2,
                       "redundant": 1, "any_connectivity": 2}
    assert run.fiber["total_route_m"] == pytest.approx(200 + 200 + math.hypot(200, 200) + 1200,
                                                       abs=0.01)


def test_run_records_parameters_and_a_reproducible_hash(two_kelurahan):
    make_hotspot(500, 500)
    first, second = compute_coverage(TODAY), compute_coverage(TODAY)
    assert first.data_hash == second.data_hash and len(first.data_hash) == 64
    assert first.parameters["circle_quad_segs"] == analysis.QUAD_SEGS
    assert first.input_counts["hotspots_active"] == 1
    make_hotspot(600, 600)
    assert compute_coverage(TODAY).data_hash != first.data_hash


def test_command_prints_a_table_and_json(two_kelurahan, capsys):
    make_hotspot(500, 500, coverage_radius_m=100)
    call_command("compute_coverage", "--as-of", "2025-06-01")
    out = capsys.readouterr().out
    assert ("35.76.01.1001  Barat                  1.000       3.1      1000         31     3.1 "
            "    1    0  10.00     0/0") in out
    call_command("compute_coverage", "--as-of", "2025-06-01", "--json", "--area", "35.76.01")
    data = json.loads(capsys.readouterr().out)
    assert data["run"]["as_of"] == "2025-06-01" and data["run"]["scope"] == "35.76.01"
    assert [a["code"] for a in data["areas"]] == ["35.76.01", "35.76.01.1001", "35.76.01.1002"]


def test_command_errors(two_kelurahan):
    with pytest.raises(CommandError, match="--as-of '2025-13-01' is not a date in the form "
                                           "YYYY-MM-DD."):
        call_command("compute_coverage", "--as-of", "2025-13-01")
    with pytest.raises(CommandError, match="No area with code '35.99' is loaded."):
        call_command("compute_coverage", "--area", "35.99")


def test_api_serves_stored_runs_by_level_and_white_zones(two_kelurahan):
    make_hotspot(500, 500, coverage_radius_m=100)
    run = compute_coverage(TODAY)
    client = APIClient()
    response = client.get("/api/coverage/", {"level": "kelurahan", "as_of": "2025-06-01"})
    assert response.status_code == 200
    assert response.json()["run"]["id"] == run.id
    assert [r["code"] for r in response.json()["results"]] == ["35.76.01.1001", "35.76.01.1002"]
    zones = client.get("/api/coverage/white-zones/", {"as_of": "2025-06-01"}).json()
    assert zones["type"] == "FeatureCollection"
    assert zones["features"][0]["properties"]["rank"] == 1
    assert client.get("/api/coverage/", {"as_of": "2020-01-01"}).status_code == 404
    assert client.get("/api/coverage/", {"as_of": "2020-13-01"}).json() == {
        "as_of": "Tanggal harus berformat YYYY-MM-DD."}
    assert client.get("/api/coverage/", {"level": "rt"}).status_code == 400


def test_a_get_never_makes_a_run_and_a_permitted_post_does(two_kelurahan, role_users):
    from geo.models import CoverageRun

    snapshots = CoverageRun.objects.filter(is_live=False)
    editor = APIClient()
    editor.force_authenticate(role_users["editor"])
    response = editor.get("/api/coverage/", {"as_of": "2024-01-01"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Belum ada analisis cakupan per 2024-01-01. Buat "
                               "dengan compute_coverage --as-of 2024-01-01 atau POST "
                               "/api/coverage/runs/."}
    future = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    assert editor.get("/api/coverage/", {"as_of": future}).status_code == 400
    assert snapshots.count() == 0
    plain = APIClient()
    plain.force_authenticate(role_users["user"])
    assert plain.post("/api/coverage/runs/", {"as_of": "2024-01-01"},
                      format="json").status_code == 403
    assert editor.post("/api/coverage/runs/", {"as_of": future},
                       format="json").status_code == 400
    made = editor.post("/api/coverage/runs/", {"as_of": "2024-01-01"}, format="json")
    assert made.status_code == 201
    assert made.json()["as_of"] == "2024-01-01" and made.json()["is_live"] is False
    assert snapshots.count() == 1
    assert editor.get("/api/coverage/", {"as_of": "2024-01-01"}).json()["run"]["id"] == (
        made.json()["id"])


def test_what_if_api_picks_the_best_site(two_kelurahan):
    from tests.factories import lonlat

    make_hotspot(500, 500, coverage_radius_m=100)
    client = APIClient()
    candidates = [
        {"id": "same", "lon": lonlat(500, 500)[0], "lat": lonlat(500, 500)[1], "radius_m": 100},
        {"id": "east", "lon": lonlat(1500, 500)[0], "lat": lonlat(1500, 500)[1], "radius_m": 100},
    ]
    assert client.post("/api/coverage/what-if/", {"candidates": candidates},
                       format="json").status_code in (401, 403)
    client.force_authenticate(User.objects.create_user("editor"))
    response = client.post("/api/coverage/what-if/", {"candidates": candidates, "pick": 2},
                           format="json")
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body] == ["east"]  # the second adds nothing: greedy stops
    assert body[0]["gain_m2"] == pytest.approx(circle_m2(100), abs=1)
    assert body[0]["gain_population"] == pytest.approx(3000 * circle_m2(100) / 1e6, abs=1e-3)


def test_parent_of_unknown_scope_is_empty(db):
    make_area("35.76.01.1001", square(0, 0))
    with pytest.raises(Exception, match="No area with code"):
        compute_coverage(TODAY, area_code="35.77")


def test_known_at_reconstructs_the_registry_from_its_history(two_kelurahan):
    from django.utils import timezone

    from inventory.models import Hotspot

    kept = make_hotspot(500, 500, name="kept")
    gone = make_hotspot(1500, 500, name="gone")
    before_edits = timezone.now()
    kept.status = "down"
    kept.status_effective_on = datetime.date(2025, 1, 1)
    kept.save()
    gone.delete()
    now = compute_coverage(TODAY)
    assert now.input_counts["hotspots_active"] == 0
    past = compute_coverage(TODAY, known_at=before_edits)
    assert past.input_counts["hotspots_active"] == 2
    assert past.parameters["known_at"] == before_edits.isoformat()
    assert result(past, "35.76.01.1002").hotspots_active == 1
    assert Hotspot.history.filter(name="gone", history_type="-").count() == 1


def test_a_hotspot_decommissioned_later_was_working_before(two_kelurahan):
    make_hotspot(500, 500, status="decommissioned", installed_on=datetime.date(2019, 1, 1),
                 decommissioned_on=datetime.date(2023, 1, 1))
    before = result(compute_coverage(datetime.date(2021, 11, 10)), "35.76.01.1001")
    after = result(compute_coverage(datetime.date(2024, 1, 1)), "35.76.01.1001")
    assert (before.hotspots_total, before.hotspots_active) == (1, 1)
    assert before.covered_m2 == pytest.approx(circle_m2(100), abs=1)
    assert (after.hotspots_total, after.hotspots_active, after.covered_m2) == (0, 0, 0)
