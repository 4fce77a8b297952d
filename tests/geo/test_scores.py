"""Score runs on hand-made areas: explanation, aggregation from counts, storage, command, API."""

import datetime
import json
import math

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from geo.models import AreaScore
from geo.scoring.methodology import load_methodology, parse_methodology
from geo.scoring.services import area_results, compare_runs, compute_scores, make_snapshot
from tests.factories import make_facility, make_hotspot, make_link, make_node

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 1)
CIRCLE_100 = 32 * math.sin(2 * math.pi / 64) * 100**2  # 64-gon of radius 100 m, in m²


def indicator(ident, metric, target, weight, **extra):
    return {"id": ident, "name": {"id": ident, "en": ident}, "metric": metric, "unit": "%",
            "direction": "higher", "target": target, "weight": weight,
            "rule": {"type": "linear"}, "reference": "test", **extra}


TEST_METHODOLOGY = parse_methodology({
    "id": "test", "version": "1", "name": {"id": "Uji", "en": "Test"},
    "dimensions": [{"id": "living", "name": {"id": "Hidup", "en": "Living"}, "indicators": [
        indicator("A", "wifi_area_pct", 10, 0.5),
        indicator("B", "hotspots_per_10k", 10, 0.5),
    ]}],
}, source="test.yaml", sha256="0" * 64)


def score_of(run, code, dimension="living"):
    return AreaScore.objects.get(run=run, area__code=code, dimension=dimension)


def test_scores_explain_every_indicator(two_kelurahan):
    make_hotspot(500, 500, coverage_radius_m=100)
    run = compute_scores(DAY, methodology=TEST_METHODOLOGY)
    west = score_of(run, "35.76.01.1001")
    area_pct = 100 * CIRCLE_100 / 1e6
    first, second = west.indicators
    assert first["id"] == "A"
    assert first["value"] == pytest.approx(area_pct, abs=1e-4)
    assert (first["target"], first["weight"]) == (10.0, 0.5)
    assert first["sub_score"] == pytest.approx(10 * area_pct, abs=1e-3)
    assert first["contribution"] == pytest.approx(5 * area_pct, abs=1e-3)
    assert (second["value"], second["sub_score"], second["contribution"]) == (10.0, 100.0, 50.0)
    assert second["inputs"] == {"hotspots_active": 1, "population": 1000.0}
    assert west.score == pytest.approx(5 * area_pct + 50, abs=1e-3)
    assert score_of(run, "35.76.01.1002").score == 0.0


def test_parent_scores_come_from_summed_counts_not_averaged_scores(two_kelurahan):
    make_hotspot(500, 500, coverage_radius_m=100)
    run = compute_scores(DAY, methodology=TEST_METHODOLOGY)
    kecamatan = score_of(run, "35.76.01")
    area_pct = 100 * CIRCLE_100 / 2e6
    per_10k = 1e4 * 1 / 4000  # one hotspot for 1,000 + 3,000 people
    assert kecamatan.indicators[0]["value"] == pytest.approx(area_pct, abs=1e-4)
    assert kecamatan.indicators[1]["value"] == per_10k
    assert kecamatan.score == pytest.approx(0.5 * 10 * area_pct + 0.5 * 10 * per_10k, abs=1e-3)
    average = (score_of(run, "35.76.01.1001").score + score_of(run, "35.76.01.1002").score) / 2
    assert kecamatan.score != pytest.approx(average, abs=1)
    assert score_of(run, "35.76").score == pytest.approx(kecamatan.score)


def test_run_records_coverage_run_methodology_and_inputs(two_kelurahan):
    make_hotspot(500, 500, coverage_radius_m=100)
    coverage = make_snapshot(DAY)
    methodology = load_methodology()
    run = compute_scores(DAY, methodology=methodology)
    assert run.coverage_run == coverage
    assert (run.methodology_id, run.methodology_version) == ("simpul-default", "1.0.0")
    assert run.methodology_sha256 == methodology.sha256
    assert run.inputs["data_hash"] == coverage.data_hash
    assert run.inputs["coverage_run"] == coverage.pk
    assert run.scores.count() == 5 * 2  # 2 kelurahan, kecamatan, kota, provinsi × 2 dimensions
    again = compute_scores(DAY, methodology=methodology)
    assert again.results_sha256 == run.results_sha256


def test_a_second_methodology_scores_without_code_changes(two_kelurahan):
    make_hotspot(500, 500, coverage_radius_m=100)
    default = compute_scores(DAY)
    strict = compute_scores(DAY, methodology=load_methodology("rkci-strict-v1"))
    assert strict.coverage_run == default.coverage_run
    assert [i["id"] for i in score_of(strict, "35.76", "smart_living").indicators] == [
        "SL1", "SL2", "SL3", "SL4", "SL6"]
    # SL3, hotspots per 10,000: 2.5 is below the strict baseline of 5, and 1/6 of 15.
    assert score_of(strict, "35.76", "smart_living").indicators[2]["sub_score"] == 0.0
    assert score_of(default, "35.76", "smart_living").indicators[2]["sub_score"] == \
        pytest.approx(100 * 2.5 / 15)


def test_government_offices_fiber_and_any_connectivity(two_kelurahan):
    centre = make_node(100, 100, node_type="data_centre")
    office = make_node(300, 300)
    make_link(centre, office)
    make_facility(300, 300, fiber_node=office, connectivity="unknown")
    make_facility(1300, 300, connectivity="wireless")
    make_facility(1500, 300, facility_type="sekolah_sd", is_government_office=False,
                  connectivity="none")
    run = compute_scores(DAY)
    government = {i["id"]: i for i in score_of(run, "35.76", "smart_government").indicators}
    assert (government["SG1"]["numerator"], government["SG1"]["denominator"]) == (1, 2)
    assert (government["SG2"]["value"], government["SG2"]["level"]) == (50.0, 2)
    # any connectivity: the fiber office, the wireless office, not the school.
    assert (government["SG4"]["numerator"], government["SG4"]["denominator"]) == (2, 3)
    coverage = run.coverage_run.areas.get(area__code="35.76.01.1002").facilities
    assert coverage["all"] == {"total": 2, "in_coverage": 0, "connected": 0,
                               "reaches_data_centre": 0, "redundant": 0, "any_connectivity": 1}


def test_comparison_of_two_dates_says_what_changed(two_kelurahan):
    make_hotspot(500, 500, coverage_radius_m=100, installed_on=datetime.date(2020, 1, 1))
    make_hotspot(1500, 500, coverage_radius_m=100, installed_on=datetime.date(2022, 3, 1),
                 name="Baru")
    before = compute_scores(datetime.date(2021, 1, 1), methodology=TEST_METHODOLOGY)
    after = compute_scores(datetime.date(2023, 1, 1), methodology=TEST_METHODOLOGY)
    comparison = compare_runs(after, before, area_code="35.76.01")
    kecamatan = comparison.areas[0]
    assert kecamatan["code"] == "35.76.01"
    change = kecamatan["dimensions"]["living"]["indicators"][1]
    assert (change["value_before"], change["value_after"], change["value_delta"]) == (
        2.5, 5.0, 2.5)
    assert change["changed_inputs"] == {"hotspots_active": [1, 2]}
    assert comparison.registry["hotspots"]["installed"] == 1
    assert comparison.registry["hotspots"]["installed_list"][0]["name"] == "Baru"


def test_compute_scores_command_prints_a_table_and_json(two_kelurahan, capsys):
    make_hotspot(500, 500, coverage_radius_m=100)
    call_command("compute_scores", "--as-of", "2025-06-01")
    out = capsys.readouterr().out
    assert "No coverage run as of 2025-06-01: computing it first." in out
    assert "35.76.01.1001  Barat" in out
    call_command("compute_scores", "--as-of", "2025-06-01", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["run"]["methodology"]["id"] == "simpul-default"
    assert [r["code"] for r in data["results"]] == [
        "35", "35.76", "35.76.01", "35.76.01.1001", "35.76.01.1002"]


def test_scores_api_by_level_and_per_area(two_kelurahan):
    make_hotspot(500, 500, coverage_radius_m=100)
    make_snapshot(DAY)
    client = APIClient()
    response = client.get("/api/scores/", {"level": "kelurahan", "as_of": "2025-06-01"})
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["results"]] == ["35.76.01.1001", "35.76.01.1002"]
    detail = client.get("/api/scores/35.76.01/", {"as_of": "2025-06-01"}).json()
    assert detail["area"]["level"] == 3
    assert list(detail["area"]["dimensions"]) == ["smart_living", "smart_government"]
    assert client.get("/api/scores/", {"as_of": "2020-01-01"}).status_code == 404
    bad = client.get("/api/scores/", {"methodology": "../../etc/passwd"})
    assert bad.status_code == 400
    results = area_results(compute_scores(DAY), level=4)
    assert [r["code"] for r in results] == ["35.76.01.1001", "35.76.01.1002"]
