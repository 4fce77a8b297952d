"""Live coverage: current after every registry change, in the same transaction, and equal to
a full analysis of today; pages and the API read it."""

import json
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo.coverage import live
from geo.coverage.services import compute_coverage
from geo.models import AreaCoverage, CoverageRun
from inventory.io.importer import import_file
from tests.api_support import client_for, if_match
from tests.factories import lonlat, make_facility, make_hotspot

pytestmark = pytest.mark.django_db

CIRCLE_FACTOR = 32 * math.sin(2 * math.pi / 64)  # a 64-gon inscribed in a circle


def live_row(code: str) -> AreaCoverage:
    return AreaCoverage.objects.get(run__is_live=True, area__code=code)


FIGURES = ["area_m2", "covered_m2", "covered_pct", "population", "covered_population",
           "hotspots_total", "hotspots_active", "hotspots_down", "hotspots_install_unknown",
           "leaf_count", "leaves_with_hotspot", "facilities", "fiber_route_m"]


def figures(run) -> dict:
    rows = AreaCoverage.objects.filter(run=run).select_related("area")
    return {row.area.code: {name: getattr(row, name) for name in FIGURES} for row in rows}


def test_a_new_hotspot_is_in_live_coverage_at_once(two_kelurahan):
    assert live.live_run() is None
    make_hotspot(500, 500, coverage_radius_m=100)
    west = live_row("35.76.01.1001")
    assert west.hotspots_active == 1
    assert west.covered_m2 == pytest.approx(CIRCLE_FACTOR * 100**2, rel=1e-9)
    assert live_row("35.76.01.1002").covered_m2 == 0
    city = live_row("35.76")
    assert (city.hotspots_active, city.covered_m2) == (1, pytest.approx(west.covered_m2))
    # People are spread evenly: 1000 in the west kelurahan's 1 km².
    assert city.covered_population == pytest.approx(1000 * west.covered_m2 / 1e6)


def test_an_edit_refreshes_only_the_leaves_it_touches_and_matches_a_full_run(two_kelurahan):
    spot = make_hotspot(500, 500, coverage_radius_m=100)
    make_hotspot(1500, 500, coverage_radius_m=200)
    make_facility(960, 500, name="Kantor di perbatasan")
    run = live.live_run()
    untouched = live_row("35.76.01.1002").pk
    spot.coverage_radius_m = 150
    spot.save()
    assert live.live_run().pk == run.pk  # refreshed in place, not rebuilt
    assert live_row("35.76.01.1002").pk == untouched  # the east leaf was not touched
    assert live_row("35.76.01.1001").covered_m2 == pytest.approx(CIRCLE_FACTOR * 150**2)
    # Move it onto the border: both leaves change, and the result is a full run's.
    spot.coverage_radius_m = 100
    from tests.factories import point, to_storage

    spot.geom = to_storage(point(980, 500))
    spot.save()
    assert live_row("35.76.01.1002").pk != untouched
    refreshed = figures(live.live_run())
    full = figures(compute_coverage())
    assert refreshed.keys() == full.keys()
    for code in full:
        assert refreshed[code]["facilities"] == full[code]["facilities"], code
        for name in FIGURES:
            if name != "facilities":
                assert refreshed[code][name] == pytest.approx(full[code][name]), (code, name)


def test_delete_and_status_change_update_live_coverage(two_kelurahan):
    spot = make_hotspot(500, 500, coverage_radius_m=100)
    other = make_hotspot(200, 200, coverage_radius_m=50)
    spot.status = "down"
    spot.save()
    west = live_row("35.76.01.1001")
    assert (west.hotspots_active, west.hotspots_down) == (1, 1)
    assert west.covered_m2 == pytest.approx(CIRCLE_FACTOR * 50**2)
    other.delete()
    assert live_row("35.76.01.1001").covered_m2 == 0
    assert live_row("35.76").hotspots_active == 0


def test_an_import_refreshes_live_coverage_once(two_kelurahan, tmp_path):
    lines = ["name,operator,site_type,latitude,longitude,coverage_radius_m"]
    for i in range(20):
        lon, lat = lonlat(100 + 40 * i, 300)
        lines.append(f"Titik {i},Diskominfo,taman,{lat:.7f},{lon:.7f},10")
    path = tmp_path / "hotspots.csv"
    path.write_text("\n".join(lines) + "\n")
    live.rebuild()
    runs_before = CoverageRun.objects.count()
    report = import_file("hotspots", path)
    assert report.ok, report.errors
    assert CoverageRun.objects.count() == runs_before
    west = live_row("35.76.01.1001")
    assert west.hotspots_active == 20
    assert west.covered_m2 == pytest.approx(20 * CIRCLE_FACTOR * 10**2, rel=1e-6)


def test_the_api_and_the_page_read_the_new_figure_after_an_edit(two_kelurahan, role_users):
    spot = make_hotspot(500, 500, coverage_radius_m=100)
    editor = client_for(role_users["editor"])
    public = client_for(None)

    def west_api():
        rows = public.get("/api/coverage/", {"area": "35.76.01.1001"}).json()["results"]
        return rows[0]

    assert west_api()["hotspots_active"] == 1
    url = f"/api/hotspots/{spot.pk}/"
    response = editor.patch(url, json.dumps({"properties": {"status": "down"}}),
                            content_type="application/json", **if_match(editor, url))
    assert response.status_code == 200
    assert west_api()["hotspots_active"] == 0
    assert west_api()["covered_m2"] == 0
    page = public.get("/wilayah/35.76.01.1001/")
    assert page.status_code == 200
    assert "0,0%" in page.content.decode() or "0.0%" in page.content.decode()


def test_a_failed_write_leaves_live_coverage_as_it_was(two_kelurahan):
    from django.db import transaction

    make_hotspot(500, 500, coverage_radius_m=100)
    before = live_row("35.76.01.1001").covered_m2
    with pytest.raises(RuntimeError), transaction.atomic():
        make_hotspot(1500, 500, coverage_radius_m=100)
        raise RuntimeError("the rest of the change failed")
    assert live_row("35.76.01.1001").covered_m2 == before
    assert live_row("35.76").hotspots_active == 1


def test_one_edit_refresh_is_a_bounded_number_of_queries(two_kelurahan):
    spot = make_hotspot(500, 500, coverage_radius_m=100)
    spot.coverage_radius_m = 120
    with CaptureQueriesContext(connection) as queries:
        spot.save()
    assert len(queries) < 40


def test_the_daily_command_rebuilds_live_coverage(two_kelurahan, capsys):
    from django.core.management import call_command

    make_hotspot(500, 500, coverage_radius_m=100)
    first = live.live_run().pk
    call_command("refresh_live_coverage")
    assert live.live_run().pk != first
    assert capsys.readouterr().out.endswith("1 working hotspots, 2 desa/kelurahan.\n")
