"""Citizen reports: public submission, spam and rate limits, moderation, counts, privacy."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone
from pyproj import Geod
from rest_framework.test import APIClient

from inventory.admin import format_duration
from inventory.api.throttles import ReportClientThrottle, client_hash
from inventory.choices import ReportKind, ReportStatus
from inventory.models import HotspotReport
from inventory.services import confirmed_outage_ids, moderate
from tests.api_support import client_for
from tests.factories import lonlat, make_hotspot

pytestmark = pytest.mark.django_db
reports_migration = importlib.import_module("inventory.migrations.0003_hotspot_reports")


@pytest.fixture
def hotspot(two_kelurahan):
    return make_hotspot(500, 500, name="Taman Kota")


@pytest.fixture
def roles(role_users):
    """The role users, with the report permissions of migration 0003 granted again."""
    reports_migration.grant(apps, None)
    return role_users


def api_post(hotspot, body, ip="10.0.0.1", **extra):
    return APIClient(REMOTE_ADDR=ip).post(f"/api/hotspots/{hotspot.pk}/reports/", body,
                                          format="json", **extra)


def make_report(hotspot, kind=ReportKind.NOT_WORKING, status=ReportStatus.NEW, **fields):
    report = HotspotReport.objects.create(hotspot=hotspot, kind=kind, **fields)
    if status != ReportStatus.NEW:
        moderate(report, None, status=status)
    return report


# --- Submitting -----------------------------------------------------------------------------

def test_anonymous_report_through_the_api(hotspot):
    lon, lat = lonlat(500, 800)  # 300 m north of the hotspot
    response = api_post(hotspot, {"kind": "not_working", "note": "Tidak bisa konek sejak pagi",
                                  "lat": lat, "lon": lon})
    assert response.status_code == 201, response.content
    report = HotspotReport.objects.get()
    assert response.json() == {"id": report.pk, "status": "new",
                               "message": "Terima kasih, laporan Anda sudah kami terima."}
    assert (report.hotspot, report.kind, report.status) == (hotspot, "not_working", "new")
    assert report.note == "Tidak bisa konek sejak pagi"
    # The location is kept to 4 decimals (≈ 11 m) and measured on the spheroid.
    assert (report.location.x, report.location.y) == (round(lon, 4), round(lat, 4))
    _, _, expected = Geod(ellps="WGS84").inv(hotspot.geom.x, hotspot.geom.y,
                                             round(lon, 4), round(lat, 4))
    assert report.distance_m == pytest.approx(expected, abs=0.01)
    assert report.distance_m == pytest.approx(300, abs=12)
    assert (report.moderated_at, report.moderated_by, report.resolved_at) == (None, None, None)


def test_page_form_without_javascript_redirects_with_a_message(hotspot):
    response = Client(REMOTE_ADDR="10.0.0.2").post(
        f"/api/hotspots/{hotspot.pk}/reports/form/",
        {"kind": "slow", "note": "", "lat": "", "lon": "", "website": ""}, follow=False)
    assert response.status_code == 302
    assert response["Location"] == f"/hotspot/{hotspot.pk}/#lapor"
    report = HotspotReport.objects.get()
    assert (report.kind, report.note, report.location, report.distance_m) == ("slow", "", None,
                                                                              None)
    messages = list(response.wsgi_request._messages)
    assert [(m.message, m.tags) for m in messages] == [
        ("Terima kasih, laporan Anda sudah kami terima.", "report success")]


def test_page_form_returns_to_a_local_next_only(hotspot):
    client = Client(REMOTE_ADDR="10.0.0.3")
    url = f"/api/hotspots/{hotspot.pk}/reports/form/"
    response = client.post(url, {"kind": "other", "next": "/en/?hotspot=1"})
    assert response["Location"] == "/en/?hotspot=1"
    response = client.post(url, {"kind": "other", "next": "https://evil.example/"})
    assert response["Location"] == f"/hotspot/{hotspot.pk}/#lapor"


def test_page_form_answers_json_to_scripts(hotspot):
    client = Client(REMOTE_ADDR="10.0.0.4")
    url = f"/api/hotspots/{hotspot.pk}/reports/form/"
    response = client.post(url, {"kind": "not_found"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    assert response.json() == {"message": "Terima kasih, laporan Anda sudah kami terima."}
    response = client.post(url, {"kind": "broken"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "message": "Laporan belum dapat dikirim.",
        "errors": {"kind": ["Masukkan pilihan yang valid. broken bukan salah satu dari pilihan "
                            "yang tersedia."]},
    }
    assert HotspotReport.objects.count() == 1


def test_page_form_is_protected_by_csrf(hotspot):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.5")
    response = client.post(f"/api/hotspots/{hotspot.pk}/reports/form/", {"kind": "slow"})
    assert response.status_code == 403
    assert HotspotReport.objects.count() == 0


def test_page_form_accepts_only_post(hotspot):
    response = Client().get(f"/api/hotspots/{hotspot.pk}/reports/form/")
    assert response.status_code == 405


def test_unknown_hotspot_is_404(hotspot):
    assert api_post(hotspot, {"kind": "slow"}).status_code == 201
    response = APIClient().post("/api/hotspots/999999/reports/", {"kind": "slow"},
                                format="json")
    assert response.status_code == 404


# --- Spam, size and location rules ------------------------------------------------------------

def test_honeypot_refuses_without_saving(hotspot):
    response = api_post(hotspot, {"kind": "other", "note": "Promo!", "website": "http://spam"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Laporan ditolak."]}
    response = Client(REMOTE_ADDR="10.0.0.9").post(
        f"/api/hotspots/{hotspot.pk}/reports/form/",
        {"kind": "other", "website": "http://spam"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"__all__": ["Laporan ditolak."]}
    assert HotspotReport.objects.count() == 0


def test_oversize_note_is_400_naming_the_field(hotspot):
    response = api_post(hotspot, {"kind": "slow", "note": "x" * 501})
    assert response.status_code == 400
    assert response.json() == {"note": ["Isi bidang ini tidak boleh melebihi 500 karakter."]}
    assert api_post(hotspot, {"kind": "slow", "note": "x" * 500}).status_code == 201
    assert len(HotspotReport.objects.get().note) == 500


def test_large_body_is_refused_before_parsing(hotspot):
    response = api_post(hotspot, {"kind": "slow", "note": "x" * 9000})
    assert response.status_code == 413
    assert response.json() == {"detail": "Laporan terlalu besar (maksimal 8 KB)."}
    response = Client(REMOTE_ADDR="10.0.0.7").post(
        f"/api/hotspots/{hotspot.pk}/reports/form/", {"kind": "slow", "note": "x" * 9000},
        HTTP_ACCEPT="application/json")
    assert response.status_code == 413
    assert HotspotReport.objects.count() == 0


def test_location_needs_both_coordinates_and_must_be_near(hotspot):
    lon, lat = lonlat(500, 800)
    response = api_post(hotspot, {"kind": "wrong_location", "lat": lat})
    assert response.status_code == 400
    assert response.json() == {
        "lon": ["Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."]}
    far_lon, far_lat = lonlat(500, 6500)  # 6 km north
    response = api_post(hotspot, {"kind": "wrong_location", "lat": far_lat, "lon": far_lon})
    assert response.status_code == 400
    assert response.json() == {"lat": ["Lokasi Anda 6.0 km dari hotspot; maksimal 5 km."]}
    response = api_post(hotspot, {"kind": "wrong_location", "lat": 91, "lon": lon})
    assert response.status_code == 400
    assert list(response.json()) == ["lat"]
    assert HotspotReport.objects.count() == 0


# --- Rate limits --------------------------------------------------------------------------------

def test_rate_limit_per_client_is_429_after_the_fifth(hotspot, two_kelurahan):
    other = make_hotspot(700, 700, name="Balai RW")
    codes = [api_post(hotspot, {"kind": "slow"}, ip="10.1.1.1").status_code for _ in range(5)]
    assert codes == [201] * 5
    response = api_post(other, {"kind": "slow"}, ip="10.1.1.1")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    # The page form shares the same budget.
    form = Client(REMOTE_ADDR="10.1.1.1").post(
        f"/api/hotspots/{hotspot.pk}/reports/form/", {"kind": "slow"},
        HTTP_ACCEPT="application/json")
    assert form.status_code == 429
    assert form.json() == {"message": "Terlalu banyak laporan. Coba lagi dalam 10 menit."}
    assert api_post(hotspot, {"kind": "slow"}, ip="10.1.1.2").status_code == 201
    assert HotspotReport.objects.count() == 6


def test_rate_limit_per_hotspot_is_20_per_hour(hotspot):
    codes = [api_post(hotspot, {"kind": "not_working"}, ip=f"10.2.0.{i}").status_code
             for i in range(21)]
    assert codes == [201] * 20 + [429]
    assert HotspotReport.objects.count() == 20


def test_rate_limit_keeps_no_address_in_the_cache_keys(hotspot):
    api_post(hotspot, {"kind": "slow"}, ip="192.0.2.77")
    keys = list(cache._cache)
    assert keys and not any("192.0.2.77" in key for key in keys)
    assert any(client_hash("192.0.2.77") in key for key in keys)
    assert client_hash("192.0.2.77") != client_hash("192.0.2.78")


def test_rates_may_be_a_multiple_of_the_period():
    throttle = ReportClientThrottle()
    assert throttle.parse_rate("5/10m") == (5, 600)
    assert throttle.parse_rate("20/h") == (20, 3600)
    assert throttle.parse_rate("300/min") == (300, 60)
    with pytest.raises(ValueError, match="Invalid throttle rate 'lots'"):
        throttle.parse_rate("lots")


# --- Moderation ---------------------------------------------------------------------------------

def test_editor_moderates_through_the_api(hotspot, roles):
    report = make_report(hotspot, note="Mati total")
    editor = client_for(roles["editor"])
    listing = editor.get("/api/reports/?status=new")
    assert listing.status_code == 200
    body = listing.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["id"], row["hotspot_name"], row["note"], row["status"],
            row["response_time_s"]) == (report.pk, "Taman Kota", "Mati total", "new", None)

    response = editor.patch(f"/api/reports/{report.pk}/",
                            {"status": "confirmed", "moderator_note": "Dicek petugas"},
                            format="json")
    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert (report.status, report.moderated_by, report.moderator_note) == (
        "confirmed", roles["editor"], "Dicek petugas")
    first_response = report.moderated_at
    assert first_response is not None and report.resolved_at is None
    assert response.json()["response_time_s"] == round(
        (first_response - report.created).total_seconds(), 1)
    assert response.json()["moderated_by"] == "u-editor"

    response = editor.patch(f"/api/reports/{report.pk}/", {"status": "resolved"}, format="json")
    report.refresh_from_db()
    assert (report.status, report.moderated_at) == ("resolved", first_response)
    assert report.resolved_at >= first_response

    response = editor.patch(f"/api/reports/{report.pk}/", {"status": "new"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"status": [
        "Laporan yang sudah ditanggapi tidak dapat kembali berstatus baru."]}
    # Only status and the editor's note change: the citizen's words stay.
    editor.patch(f"/api/reports/{report.pk}/", {"note": "ganti", "kind": "slow"}, format="json")
    report.refresh_from_db()
    assert (report.note, report.kind) == ("Mati total", "not_working")


@pytest.mark.parametrize(("role", "get", "patch"), [
    ("anonymous", 401, 401),
    ("user", 403, 403),
    ("assessor", 200, 403),
    ("editor", 200, 200),
    ("admin", 200, 200),
])
def test_moderation_permissions(hotspot, roles, role, get, patch):
    report = make_report(hotspot)
    api = client_for(roles[role])
    assert api.get("/api/reports/").status_code == get
    response = api.patch(f"/api/reports/{report.pk}/", {"status": "rejected"}, format="json")
    assert response.status_code == patch
    report.refresh_from_db()
    assert report.status == ("rejected" if patch == 200 else "new")


def test_moderation_queue_in_the_admin(hotspot, roles):
    editor = roles["editor"]
    editor.is_staff = True
    editor.save()
    first, second = make_report(hotspot), make_report(hotspot, kind=ReportKind.SLOW)
    client = Client()
    client.force_login(editor)
    changelist = client.get("/admin/inventory/hotspotreport/?status__exact=new")
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 2
    response = client.post("/admin/inventory/hotspotreport/", {
        "action": "mark_confirmed", "_selected_action": [first.pk, second.pk]})
    assert response.status_code == 302
    for report in (first, second):
        report.refresh_from_db()
        assert (report.status, report.moderated_by) == ("confirmed", editor)
    assert client.get("/admin/inventory/hotspotreport/add/").status_code == 403


def test_response_time_column():
    assert format_duration(None) == "–"
    assert format_duration(datetime.timedelta(hours=2, minutes=5, seconds=59)) == "2 h 05 m"
    assert format_duration(datetime.timedelta(days=3, hours=4)) == "3 d 04 h"


# --- What others read: counts and outages ----------------------------------------------------

def test_public_counts_never_show_notes(hotspot):
    make_report(hotspot, note="Nomor saya 0812-3456-7890")
    make_report(hotspot, kind=ReportKind.SLOW, status=ReportStatus.CONFIRMED)
    make_report(hotspot, kind=ReportKind.OTHER, status=ReportStatus.REJECTED, note="spam")
    response = APIClient().get(f"/api/hotspots/{hotspot.pk}/reports/")
    assert response.status_code == 200
    assert response.json() == {
        "hotspot": hotspot.pk,
        "total": 3,
        "by_status": {"new": 1, "confirmed": 1, "resolved": 0, "rejected": 1},
        "by_kind": {"not_working": 1, "slow": 1, "not_found": 0, "wrong_location": 0,
                    "other": 0},
        "confirmed_outage": False,
    }
    assert b"0812" not in response.content and b"spam" not in response.content
    receipt = api_post(hotspot, {"kind": "slow", "note": "lambat"})
    assert b"0812" not in receipt.content and b"lambat" not in receipt.content


def test_confirmed_outage_ids(hotspot, two_kelurahan):
    slow = make_hotspot(600, 600, name="Lambat")
    fixed = make_hotspot(700, 700, name="Sudah diperbaiki")
    unconfirmed = make_hotspot(800, 800, name="Belum dicek")
    make_report(hotspot, status=ReportStatus.CONFIRMED)
    make_report(hotspot, status=ReportStatus.CONFIRMED)
    make_report(slow, kind=ReportKind.SLOW, status=ReportStatus.CONFIRMED)
    make_report(fixed, status=ReportStatus.RESOLVED)
    make_report(unconfirmed)
    make_report(unconfirmed, status=ReportStatus.REJECTED)
    assert confirmed_outage_ids() == {hotspot.pk}
    assert APIClient().get(f"/api/hotspots/{hotspot.pk}/reports/").json()["confirmed_outage"]


# --- Personal data ------------------------------------------------------------------------------

def test_no_personal_data_is_stored(hotspot):
    fields = {field.name for field in HotspotReport._meta.get_fields()}
    assert fields == {"id", "hotspot", "kind", "note", "location", "distance_m", "status",
                      "moderated_at", "moderated_by", "resolved_at", "moderator_note",
                      "created", "last_updated"}
    api_post(hotspot, {"kind": "slow"}, ip="198.51.100.23",
             HTTP_USER_AGENT="Mozilla/5.0 (Test)")
    stored = HotspotReport.objects.values().get()
    assert not any("198.51.100.23" in str(value) or "Mozilla" in str(value)
                   for value in stored.values())


def test_location_rounding_keeps_about_eleven_metres(hotspot):
    report = HotspotReport.objects.create(hotspot=hotspot, kind=ReportKind.SLOW,
                                          location=Point(112.4312345, -7.4712345, srid=4326))
    assert (report.location.x, report.location.y) == (112.4312, -7.4712)


# --- The template snippet -----------------------------------------------------------------------

def test_report_form_snippet(hotspot):
    request = RequestFactory().get(f"/hotspot/{hotspot.pk}/")
    request.user = User()
    html = render_to_string("reports/report_form.html", {"hotspot": hotspot}, request=request)
    assert f'action="/api/hotspots/{hotspot.pk}/reports/form/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'name="next" value="/hotspot/{hotspot.pk}/#lapor"' in html
    for kind in ReportKind:
        assert f'value="{kind.value}"' in html
        assert str(kind.label) in html
    assert 'name="website"' in html and 'tabindex="-1"' in html
    assert 'maxlength="500"' in html


def test_moderate_sets_resolution_dates():
    report = HotspotReport(status=ReportStatus.CONFIRMED, moderated_at=None)
    report.save = lambda **kwargs: None
    now = timezone.now()
    moderate(report, None, status=ReportStatus.RESOLVED, now=now)
    assert (report.status, report.resolved_at, report.moderated_at) == ("resolved", now, now)
    later = now + datetime.timedelta(hours=1)
    moderate(report, None, status=ReportStatus.CONFIRMED, now=later)
    assert (report.status, report.resolved_at, report.moderated_at) == ("confirmed", None, now)
