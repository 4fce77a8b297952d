"""Claims: supported, not supported, partly supported; the date changes the verdict; API."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command

from fixtures.claims import load_demo_claims
from geo.choices import ClaimScope, Comparator, Verdict
from geo.models import AdminArea, Claim
from geo.scoring.claims import verify_claim
from tests.api_support import client_for
from tests.factories import make_facility, make_hotspot

pytestmark = pytest.mark.django_db
claim_permissions = importlib.import_module("geo.migrations.0005_claim_permissions")


@pytest.fixture
def users(role_users):
    """One user per role, with the claim permissions (a transactional test may flush them)."""
    claim_permissions.grant(apps, None)
    return role_users

DAY = datetime.date(2025, 6, 1)


def claim(metric="hotspots_active", *, area="35.76", scope=ClaimScope.AREA, comparator="gte",
          value=1.0, refers_to=DAY, params=None):
    return Claim.objects.create(text="klaim", metric=metric, params=params or {}, scope=scope,
                                area=AdminArea.objects.get(code=area), comparator=comparator,
                                value=value, refers_to=refers_to)


def test_supported_claim(two_kelurahan):
    make_hotspot(500, 500)
    make_hotspot(1500, 500)
    result = verify_claim(claim(scope=ClaimScope.EVERY_KELURAHAN), compute_missing=True)
    assert (result.verdict, result.passed, result.total) == (Verdict.SUPPORTED, 2, 2)
    assert result.evidence["failing_areas"] == []
    assert result.gaps == {"type": "FeatureCollection", "features": []}


def test_claim_that_fails(two_kelurahan):
    make_hotspot(500, 500)
    make_hotspot(600, 500)
    result = verify_claim(claim(area="35.76.01", value=3), compute_missing=True)
    assert (result.verdict, result.measured) == (Verdict.NOT_SUPPORTED, 2.0)
    assert result.summary == "tidak didukung data: terukur 2.00"


def test_partly_supported_claim_names_the_failing_kelurahan(two_kelurahan):
    make_hotspot(500, 500)
    result = verify_claim(claim(scope=ClaimScope.EVERY_KELURAHAN), compute_missing=True)
    assert (result.verdict, result.passed, result.total) == (Verdict.PARTLY_SUPPORTED, 1, 2)
    assert result.summary == "didukung sebagian: 1 dari 2 kelurahan memenuhi"
    assert result.evidence["failing_areas"] == ["35.76.01.1002"]
    assert [f["properties"] for f in result.gaps["features"]] == [
        {"kind": "failing_area", "code": "35.76.01.1002", "name": "Timur"}]
    assert [(a["code"], a["value"], a["passes"]) for a in result.areas] == [
        ("35.76.01.1001", 1.0, True), ("35.76.01.1002", 0.0, False)]


def test_the_as_of_date_changes_the_verdict(two_kelurahan):
    make_hotspot(500, 500, installed_on=datetime.date(2020, 1, 1))
    make_hotspot(1500, 500, installed_on=datetime.date(2022, 3, 1), status="down")
    installed = claim("hotspots_installed", value=2, refers_to=datetime.date(2021, 11, 10))
    before = verify_claim(installed, compute_missing=True)
    assert (before.as_of, before.verdict, before.measured) == (
        datetime.date(2021, 11, 10), Verdict.NOT_SUPPORTED, 1.0)
    assert [h["reason"] for h in before.evidence["hotspots_not_counted"]] == [
        "installed later (2022-03-01)"]
    after = verify_claim(installed, datetime.date(2023, 1, 1), compute_missing=True)
    assert (after.verdict, after.measured) == (Verdict.SUPPORTED, 2.0)
    assert after.evidence["hotspots_by_status"] == {"active": 1, "down": 1}


def test_facility_claim_lists_the_facilities_that_fail(two_kelurahan):
    make_hotspot(500, 500, coverage_radius_m=100)
    make_facility(520, 500, name="SD Dekat", facility_type="sekolah_sd",
                  is_government_office=False)
    make_facility(1500, 500, name="SD Jauh", facility_type="sekolah_sd",
                  is_government_office=False)
    result = verify_claim(compute_missing=True, claim=claim("facility_pct", value=100,
                                params={"flag": "in_coverage", "categories": ["sekolah_sd"]}))
    assert (result.verdict, result.measured) == (Verdict.NOT_SUPPORTED, 50.0)
    assert [f["name"] for f in result.evidence["facilities_failing"]] == ["SD Jauh"]
    assert [f["properties"]["kind"] for f in result.gaps["features"]] == ["failing_facility"]


def test_verify_claims_command(two_kelurahan, capsys):
    make_hotspot(500, 500)
    claim(scope=ClaimScope.EVERY_KELURAHAN)
    call_command("verify_claims")
    out = capsys.readouterr().out
    assert "didukung sebagian: 1 dari 2 kelurahan memenuhi" in out
    assert "tidak memenuhi: Timur" in out


def test_verification_api_and_claim_permissions(two_kelurahan, users):
    make_hotspot(500, 500)
    partly = claim(scope=ClaimScope.EVERY_KELURAHAN)
    anonymous = client_for(None)
    response = anonymous.get(f"/api/claims/{partly.pk}/verification/")
    assert response.status_code == 404  # no coverage run yet, and a GET never makes one
    assessor = client_for(users["assessor"])
    assert assessor.get(f"/api/claims/{partly.pk}/verification/").status_code == 404
    assert assessor.post("/api/coverage/runs/", {"as_of": "2025-06-01"},
                         format="json").status_code == 201
    data = assessor.get(f"/api/claims/{partly.pk}/verification/").json()
    assert (data["verdict"], data["passed"], data["total"]) == ("partly_supported", 1, 2)
    assert anonymous.get(f"/api/claims/{partly.pk}/verification/").status_code == 200
    new = {"text": "Semua kelurahan punya wifi", "refers_to": "2025-06-01",
           "metric": "hotspots_active", "scope": "every_kelurahan", "area": "35.76",
           "comparator": "gte", "value": 1}
    assert anonymous.post("/api/claims/", new, format="json").status_code == 401
    assert client_for(users["user"]).post("/api/claims/", new,
                                          format="json").status_code == 403
    assert client_for(users["editor"]).post("/api/claims/", new,
                                            format="json").status_code == 403
    created = assessor.post("/api/claims/", new, format="json")
    assert created.status_code == 201
    assert Claim.objects.get(pk=created.json()["id"]).created_by == users["assessor"]
    bad = assessor.post("/api/claims/", {**new, "metric": "facility_pct",
                                         "params": {"flag": "wifi", "categories": ["all"]}},
                        format="json")
    assert bad.status_code == 400
    assert bad.json() == {"params": [
        "flag 'wifi' is not one of in_coverage, connected, reaches_data_centre, redundant, "
        "any_connectivity"]}


def test_demo_claims_are_idempotent(two_kelurahan):
    assert load_demo_claims() == (5, 0)
    assert load_demo_claims() == (0, 0)
    Claim.objects.filter(key="mojokerto-2021-158-wifi").update(value=100)
    assert load_demo_claims() == (0, 1)
    assert Claim.objects.get(key="mojokerto-2021-158-wifi").comparator == Comparator.GTE


def test_demo_claims_on_the_demo_data():
    call_command("load_demo")
    results = {c.key: verify_claim(c, compute_missing=True) for c in Claim.objects.all()}
    installed = results["mojokerto-2021-158-wifi"]
    assert (installed.verdict, installed.measured) == (Verdict.NOT_SUPPORTED, 129.0)
    every = results["mojokerto-2021-wifi-every-kelurahan"]
    assert (every.verdict, every.passed, every.total) == (Verdict.SUPPORTED, 18, 18)
    network = results["mojokerto-2021-network-whole-city"]
    assert (network.verdict, network.passed, network.total) == (
        Verdict.PARTLY_SUPPORTED, 12, 18)
    opd = results["mojokerto-2021-opd-spbe"]
    assert (opd.verdict, opd.measured) == (Verdict.NOT_SUPPORTED, 81.25)
    assert len(opd.evidence["facilities_failing"]) == 3
