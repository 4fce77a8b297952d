"""Evidence packs: identical numbers from the same data, files and hashes, report and pages."""

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client

from geo.choices import ClaimScope
from geo.models import AdminArea, Claim
from geo.scoring.claims import verify_claims
from geo.scoring.evidence import build_pack, render_report, report_context, svg_map
from geo.scoring.services import compute_scores, make_snapshot
from tests.factories import make_facility, make_hotspot

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 1)
FILES = ["areas.geojson", "claims.json", "manifest.json", "report.html", "results.json",
         "scores.csv", "white_zones.geojson"]


@pytest.fixture
def city(two_kelurahan):
    make_hotspot(500, 500, coverage_radius_m=100)
    make_facility(1500, 500, name="SD Jauh", facility_type="sekolah_sd",
                  is_government_office=False)
    Claim.objects.create(text="Wifi di setiap kelurahan", metric="hotspots_active",
                         scope=ClaimScope.EVERY_KELURAHAN, comparator="gte", value=1,
                         area=AdminArea.objects.get(code="35.76"), refers_to=DAY)
    return two_kelurahan


def test_the_same_data_gives_identical_files(city):
    make_snapshot(DAY)
    first = build_pack(DAY, pdf=False)
    make_snapshot(DAY)  # a second coverage run and score run of the same data
    second = build_pack(DAY, pdf=False)
    assert first.score_run.coverage_run_id != second.score_run.coverage_run_id
    for name in ["results.json", "scores.csv", "areas.geojson", "white_zones.geojson",
                 "claims.json"]:
        assert first.files[name] == second.files[name], name


def test_pack_files_and_manifest(city):
    make_snapshot(DAY)
    pack = build_pack(DAY, pdf=False)
    archive = zipfile.ZipFile(io.BytesIO(pack.zip_bytes()))
    assert sorted(archive.namelist()) == FILES
    manifest = json.loads(archive.read("manifest.json"))
    for name in FILES:
        if name != "manifest.json":
            assert manifest["files"][name] == hashlib.sha256(archive.read(name)).hexdigest()
    assert manifest["methodology"]["id"] == "simpul-default"
    assert manifest["coverage"]["data_hash"] == pack.score_run.coverage_run.data_hash
    assert manifest["coverage"]["parameters"]["min_white_zone_m2"] == 5000.0
    assert manifest["code_version"]
    rows = archive.read("scores.csv").decode().splitlines()
    assert rows[0].startswith("code,name,level,dimension,dimension_score,indicator")
    assert len(rows) == 1 + 5 * 11  # 5 areas × 11 indicators
    claims = json.loads(archive.read("claims.json"))
    assert claims[0]["verdict"] == "partly_supported"
    geojson = json.loads(archive.read("areas.geojson"))
    assert [f["properties"]["code"] for f in geojson["features"]] == [
        "35", "35.76", "35.76.01", "35.76.01.1001", "35.76.01.1002"]


def test_pack_with_a_comparison_and_a_pdf(city):
    pytest.importorskip("weasyprint")
    make_snapshot(DAY)
    make_snapshot(datetime.date(2019, 6, 1))
    pack = build_pack(DAY, compare_with=datetime.date(2019, 6, 1))
    assert pack.files["report.pdf"].startswith(b"%PDF-")
    comparison = json.loads(pack.files["comparison.json"])
    assert comparison["before"]["as_of"] == "2019-06-01"
    assert comparison["registry_changes"]["hotspots"]["installed"] == 1


def test_report_renders_scores_claims_and_maps(city):
    run = compute_scores(DAY)
    html = render_report(report_context(run, verify_claims(None, DAY)))
    assert "<h2>Area 35.76 (35.76)</h2>" in html
    assert "<strong>SL5</strong>" in html
    assert "didukung sebagian: 1 dari 2 kelurahan memenuhi" in html
    assert "Tidak memenuhi: Timur" in html
    assert html.count("<svg") == 2  # the overview and the claim's gap map


def test_svg_map_keeps_proportions():
    from django.contrib.gis.geos import Polygon

    from tests.factories import square, to_storage
    wide = to_storage(square(0, 0, 1000).union(square(1, 0, 1000)))
    svg = svg_map([([wide], "outline")], width=210)
    assert 'width="210" height="110"' in svg
    assert svg_map([([Polygon()], "outline")]) == ""


def test_assessor_page_and_report_page(city, role_users):
    client = Client()
    response = client.get("/penilai/", {"as_of": "2025-06-01"})
    assert response.status_code == 404  # no stored run, and a GET never makes one
    assert "Belum ada skor tersimpan untuk tanggal dan metodologi ini." in (
        response.content.decode())
    client.force_login(role_users["assessor"])
    assert client.get("/penilai/", {"as_of": "2025-06-01"}).status_code == 404
    make_snapshot(DAY)
    make_snapshot(datetime.date(2019, 6, 1))
    response = client.get("/penilai/", {"as_of": "2025-06-01", "compare_with": "2019-06-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Klaim dan putusan" in page
    assert "/api/evidence/?as_of=2025-06-01&amp;methodology=simpul-default-v1" in page
    assert "Perbandingan 2019-06-01 → 2025-06-01" in page
    report = client.get("/penilai/laporan/", {"as_of": "2025-06-01"})
    assert report.status_code == 200
    assert "Laporan bukti penilaian" in report.content.decode()
    assert client.get("/penilai/", {"as_of": "2021-13-45"}).status_code == 400


def test_evidence_api_and_command(city, tmp_path):
    make_snapshot(DAY)
    response = Client().get("/api/evidence/", {"as_of": "2025-06-01"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="simpul-evidence-simpul-default-2025-06-01.zip"')
    assert "report.html" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    output = tmp_path / "pack.zip"
    call_command("evidence_pack", "--as-of", "2025-06-01", "--no-pdf", "-o", str(output))
    assert sorted(zipfile.ZipFile(output).namelist()) == FILES
