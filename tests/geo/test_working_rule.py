"""One rule for "a working hotspot on a date", and every consumer agreeing with it.

The table below is every combination that matters: status now and in the past (status
periods with effective dates), free or paid, known or unknown installation date, installed
or decommissioned around the date. Each consumer — the queryset, a coverage run, live
coverage, the nearest endpoint, the area summary, the count claim, the OSM export — must
count exactly the hotspots the table says.
"""

import datetime
import json

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from geo.coverage import live
from geo.coverage.services import compute_coverage
from geo.models import AreaCoverage, Claim
from geo.scoring.claims import verify_claim
from geo.services.summary import area_summary
from inventory.io.exporters import export_layer
from inventory.models import Hotspot, HotspotStatusPeriod
from inventory.querysets import nearest_free_hotspots
from tests.factories import lonlat, make_hotspot

pytestmark = pytest.mark.django_db

PAST = datetime.date(2024, 6, 1)
CHANGED = datetime.date(2025, 1, 1)  # effective date of the status changes below

#: name: (fields, status change effective on CHANGED or None, working on PAST, working today,
#:        counted as installed on PAST)
TABLE = {
    "A active since 2020": ({}, None, True, True, True),
    "B down since 2025": ({}, "down", True, False, True),
    "C repaired in 2025": ({"status": "down"}, "active", False, True, True),
    "D paid": ({"is_free": False}, None, False, False, False),
    "E install date unknown": ({"installed_on": None}, None, False, True, False),
    "F installed 2025": ({"installed_on": datetime.date(2025, 3, 1)}, None, False, True, False),
    "G decommissioned 2025": ({"status": "decommissioned", "decommissioned_on": CHANGED}, None,
                              True, False, True),
    "H planned": ({"status": "planned", "installed_on": None}, None, False, False, False),
    "I in maintenance": ({"status": "maintenance"}, None, False, False, True),
}


@pytest.fixture
def table(two_kelurahan):
    """The hotspots of TABLE, 100 m apart along the west kelurahan (radius 30 m)."""
    made = {}
    for number, (name, (fields, change, *_)) in enumerate(TABLE.items()):
        hotspot = make_hotspot(100 + 100 * number, 500, name=name, coverage_radius_m=30,
                               **fields)
        if change:
            hotspot.status = change
            hotspot.status_effective_on = CHANGED
            hotspot.save()
        made[name] = hotspot
    return made


def expected(column: int) -> set[str]:
    """The names the table marks in `column`."""
    return {name for name, row in TABLE.items() if row[column]}


WORKING_PAST, WORKING_TODAY, INSTALLED_PAST = 2, 3, 4


def test_the_queryset_follows_the_table(table):
    assert set(Hotspot.objects.working(PAST).values_list("name", flat=True)) == expected(
        WORKING_PAST)
    assert set(Hotspot.objects.working().values_list("name", flat=True)) == expected(
        WORKING_TODAY)
    assert set(Hotspot.objects.filter(is_free=True).install_date_unknown(PAST)
               .values_list("name", flat=True)) == {"E install date unknown",
                                                    "H planned"}
    assert Hotspot.objects.install_date_unknown().count() == 0  # they count today


def test_status_periods_record_each_change_with_its_date(table):
    periods = HotspotStatusPeriod.objects.filter(hotspot=table["C repaired in 2025"])
    assert list(periods.values_list("status", "effective_from")) == [
        ("down", None), ("active", CHANGED)]
    decommissioned = HotspotStatusPeriod.objects.filter(hotspot=table["G decommissioned 2025"])
    assert list(decommissioned.values_list("status", "effective_from")) == [
        ("active", None), ("decommissioned", CHANGED)]


def test_a_coverage_run_counts_the_working_ones_and_reports_unknown_install_dates(table):
    run = compute_coverage(PAST)
    west = AreaCoverage.objects.get(run=run, area__code="35.76.01.1001")
    assert west.hotspots_active == len(expected(WORKING_PAST)) == 3
    assert west.hotspots_install_unknown == 2  # E and H (free, no install date)
    assert run.input_counts["hotspots_active"] == 3
    assert run.input_counts["hotspots_install_unknown"] == 2
    # Three disjoint 64-gons of radius 30 m.
    assert west.covered_m2 == pytest.approx(3 * 32 * 30**2 * 0.0980171403, rel=1e-6)


def test_live_coverage_counts_the_working_ones_today(table):
    run = live.live_run()
    west = AreaCoverage.objects.get(run=run, area__code="35.76.01.1001")
    assert west.hotspots_active == len(expected(WORKING_TODAY)) == 4
    assert west.hotspots_install_unknown == 0


def test_the_nearest_endpoint_follows_the_table(table):
    point = Point(*lonlat(0, 500), srid=4326)
    for on, column in ((PAST, WORKING_PAST), (timezone.localdate(), WORKING_TODAY)):
        rows = nearest_free_hotspots(point, 50, today=on)
        assert {row["name"] for row in rows} == expected(column), on


def test_the_area_summary_follows_the_table(table, two_kelurahan):
    west, _ = two_kelurahan
    for on, column in ((PAST, WORKING_PAST), (timezone.localdate(), WORKING_TODAY)):
        summary = area_summary(west.parent, on)
        assert summary["counts"]["hotspots_active_free"] == len(expected(column)), on


def test_the_count_claim_counts_free_hotspots_installed_on_its_date(table, two_kelurahan):
    west, _ = two_kelurahan
    claim = Claim.objects.create(area=west.parent, metric="hotspots_installed",
                                 comparator="gte", value=5, refers_to=PAST,
                                 text="5 titik wifi gratis")
    verification = verify_claim(claim)
    assert verification.as_of == PAST
    assert verification.measured == len(expected(INSTALLED_PAST)) == 5
    assert verification.areas[0]["inputs"] == {"installed": 5, "working_on_date": 3,
                                               "install_date_unknown": 2}
    assert verification.verdict == "supported"


def test_the_osm_export_lists_the_working_ones(table, tmp_path):
    for on, column in ((PAST, WORKING_PAST), (timezone.localdate(), WORKING_TODAY)):
        dest = tmp_path / f"{on}.osm"
        count = export_layer("hotspots", "osm", dest, as_of=on)
        assert count == len(expected(column)), on


def test_a_status_change_cannot_be_dated_in_the_future_or_before_the_latest(table):
    from django.core.exceptions import ValidationError

    hotspot = table["B down since 2025"]
    hotspot.status = "active"
    hotspot.status_effective_on = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as future:
        hotspot.save()
    assert future.value.message_dict == {
        "status_effective_on": ["Tanggal berlaku status tidak boleh di masa depan."]}
    hotspot.status_effective_on = datetime.date(2024, 12, 31)
    with pytest.raises(ValidationError) as early:
        hotspot.save()
    assert early.value.message_dict == {"status_effective_on": [
        "Tanggal berlaku status tidak boleh sebelum perubahan status terakhir (2025-01-01)."]}


def test_the_api_back_dates_a_status_change(table, role_users):
    from tests.api_support import client_for, if_match

    editor = client_for(role_users["editor"])
    url = f"/api/hotspots/{table['A active since 2020'].pk}/"
    response = editor.patch(url, json.dumps({"properties": {
        "status": "down", "status_effective_on": "2024-01-01"}}),
        content_type="application/json", **if_match(editor, url))
    assert response.status_code == 200, response.json()
    assert "status_effective_on" not in response.json()["properties"]
    names = set(Hotspot.objects.working(PAST).values_list("name", flat=True))
    assert names == expected(WORKING_PAST) - {"A active since 2020"}
