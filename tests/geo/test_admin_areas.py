"""Areas in the Django admin: every save and delete goes through `save_area` / `delete_area`.

Layout, metres from ORIGIN: Barat 35.76.01.1001 is x 0–1000 (1,000 people), Timur
35.76.01.1002 is x 1000–2000 (3,000 people), both y 0–1000; their kecamatan, kota and
provinsi are derived (dissolved), as `load_areas` makes them.
"""

import pytest
import shapely
from django.contrib.admin.models import DELETION, LogEntry
from django.test import Client

from geo.constants import DERIVED_SOURCE
from geo.models import AdminArea
from inventory.models import Hotspot
from tests.factories import lonlat, make_hotspot, strip, to_storage

pytestmark = pytest.mark.django_db


def boundary(x0: float, x1: float) -> str:
    """`strip(x0, x1)` as the admin's map widget posts it: an EWKT MultiPolygon."""
    return to_storage(shapely.MultiPolygon([strip(x0, x1)])).ewkt


@pytest.fixture
def editor(role_users):
    user = role_users["editor"]
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def browser(editor):
    client = Client()
    client.force_login(editor)
    return client


def change_url(area) -> str:
    return f"/admin/geo/adminarea/{area.pk}/change/"


def form_data(response) -> dict:
    """The POST body of an admin form as it was rendered (unchanged values)."""
    data = {}
    for field in response.context["adminform"].form:
        value = field.value()
        data[field.html_name] = "" if value is None else str(value)
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_new_boundary_dissolves_the_parents_and_moves_a_hotspot(kelurahan, editor, browser):
    hotspot = make_hotspot(1100, 500, name="Taman Timur")
    assert hotspot.area.code == "35.76.01.1002"
    barat = kelurahan["barat"]
    opened = browser.get(change_url(barat))
    assert opened.status_code == 200
    data = form_data(opened)
    assert "code" not in data  # read-only once the area exists

    response = browser.post(change_url(barat), {**data, "geom": boundary(-500, 1200)})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == "/admin/geo/adminarea/"
    barat.refresh_from_db()
    assert barat.area_m2 == pytest.approx(1_700_000, abs=1)
    # The kecamatan, kota and provinsi are the union again: x -500–2000, 2.5 km² (within
    # 2 m²: the top edges, straight in lon/lat, cross at a point that is not a UTM corner).
    for code in ("35.76.01", "35.76", "35"):
        parent = AdminArea.objects.get(code=code)
        assert (parent.source, parent.population) == (DERIVED_SOURCE, 4000)
        assert parent.area_m2 == pytest.approx(2_500_000, abs=2)
    last = AdminArea.history.filter(code="35.76.01").latest("history_id")
    assert (last.history_user, last.history_change_reason) == (
        editor, "save_area 35.76.01.1001")
    # Covered by both kelurahan now, the hotspot goes to the lowest code.
    hotspot.refresh_from_db()
    assert hotspot.area == barat
    moved = Hotspot.history.filter(id=hotspot.pk).latest("history_id")
    assert (moved.area_id, moved.history_user, moved.history_change_reason) == (
        barat.pk, editor, "save_area 35.76.01.1001: desa/kelurahan re-assigned")
    # The form's rehearsal of the save was rolled back: one move, one history row.
    assert Hotspot.history.filter(id=hotspot.pk).count() == 2


def test_a_boundary_leaving_a_hotspot_outside_is_a_form_error(kelurahan, browser):
    hotspot = make_hotspot(900, 500, name="Taman Barat")
    barat = kelurahan["barat"]
    data = form_data(browser.get(change_url(barat)))
    history = (AdminArea.history.count(), Hotspot.history.count())

    response = browser.post(change_url(barat), {**data, "name": "Barat Kecil",
                                                 "geom": boundary(0, 800)})

    assert response.status_code == 200
    lon, lat = lonlat(900, 500)
    assert response.context["adminform"].form.errors == {"geom": [
        f"Hotspot wifi {hotspot.pk} “Taman Barat” (bujur {lon:.6f}, lintang {lat:.6f}) akan "
        "berada di luar semua desa/kelurahan; pindahkan atau hapus terlebih dahulu."]}
    after = AdminArea.objects.get(pk=barat.pk)
    assert (after.name, after.geom, after.area_m2) == ("Barat", barat.geom, barat.area_m2)
    assert (AdminArea.history.count(), Hotspot.history.count()) == history
    assert Hotspot.objects.get().area_id == barat.pk


def test_a_derived_parent_keeps_its_dissolved_boundary(kelurahan, browser):
    kecamatan = AdminArea.objects.get(code="35.76.01")
    data = form_data(browser.get(change_url(kecamatan)))

    response = browser.post(change_url(kecamatan), {**data, "geom": boundary(0, 500)})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"source": [
        "Batas dan penduduk wilayah turunan adalah gabungan dan jumlah wilayah di bawahnya: "
        "ubahlah wilayah di bawahnya, atau isi sumber lain agar wilayah ini memakai batas "
        "dan penduduknya sendiri."]}

    response = browser.post(change_url(kecamatan), {**data, "name": "Prajuritkulon"})
    assert response.status_code == 302
    kecamatan.refresh_from_db()
    assert (kecamatan.name, kecamatan.source, kecamatan.population) == (
        "Prajuritkulon", DERIVED_SOURCE, 4000)
    assert kecamatan.area_m2 == pytest.approx(2_000_000, abs=1)


def test_adding_a_kelurahan_by_plain_code_creates_and_dissolves(kelurahan, browser):
    data = form_data(browser.get("/admin/geo/adminarea/add/"))
    body = {**data, "code": "3576011003", "name": "Selatan", "geom": boundary(2000, 3000),
            "population": "2000", "population_year": "2023", "population_source": "BPS",
            "source": "SK Wali Kota 1/2025"}

    response = browser.post("/admin/geo/adminarea/add/", body)

    assert response.status_code == 302, response.context["adminform"].form.errors
    selatan = AdminArea.objects.get(code="35.76.01.1003")
    assert (selatan.kind, selatan.parent.code, selatan.source) == (
        "kelurahan", "35.76.01", "SK Wali Kota 1/2025")
    kecamatan = AdminArea.objects.get(code="35.76.01")
    assert kecamatan.population == 6000
    assert kecamatan.area_m2 == pytest.approx(3_000_000, abs=1)

    again = browser.post("/admin/geo/adminarea/add/", {**body, "code": "35.76.01.1003"})
    assert again.status_code == 200
    assert again.context["adminform"].form.errors == {
        "code": ["Wilayah administrasi dengan Kode Kemendagri telah ada."]}
    bad = browser.post("/admin/geo/adminarea/add/", {**body, "code": "35.7.1"})
    assert bad.context["adminform"].form.errors == {
        "code": ["35.7.1 bukan kode wilayah Kemendagri (mis. 35.76 atau 35.76.01.1003)."]}
    assert AdminArea.objects.filter(code__startswith="35.76.01.").count() == 3


def test_a_blocked_delete_shows_the_reason_and_deletes_nothing(kelurahan, browser):
    make_hotspot(500, 500, name="Taman Barat")
    barat = kelurahan["barat"]
    delete_url = f"/admin/geo/adminarea/{barat.pk}/delete/"
    reason = ("Kelurahan Barat (35.76.01.1001) masih memiliki 1 hotspot; pindahkan atau hapus "
              "terlebih dahulu.")

    opened = browser.get(delete_url, follow=True)
    assert opened.redirect_chain == [(change_url(barat), 302)]
    assert messages_of(opened) == [reason]

    confirmed = browser.post(delete_url, {"post": "yes"}, follow=True)
    assert confirmed.redirect_chain == [(change_url(barat), 302)]
    assert messages_of(confirmed) == [reason]
    assert AdminArea.objects.filter(pk=barat.pk).exists()
    assert Hotspot.objects.get().area_id == barat.pk
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()

    english = browser.post(f"/en{delete_url}", {"post": "yes"}, follow=True)
    assert messages_of(english) == [
        "Kelurahan Barat (35.76.01.1001) still has 1 hotspot; move or delete them first."]


def test_deleting_an_empty_kelurahan_dissolves_its_parents(kelurahan, editor, browser):
    timur = kelurahan["timur"]
    delete_url = f"/admin/geo/adminarea/{timur.pk}/delete/"
    assert browser.get(delete_url).status_code == 200  # Django's confirmation page

    response = browser.post(delete_url, {"post": "yes"})

    assert response.status_code == 302
    assert not AdminArea.objects.filter(code="35.76.01.1002").exists()
    kecamatan = AdminArea.objects.get(code="35.76.01")
    assert kecamatan.population == 1000
    assert kecamatan.area_m2 == pytest.approx(1_000_000, abs=1)
    deleted = AdminArea.history.filter(code="35.76.01.1002").latest("history_id")
    assert (deleted.history_type, deleted.history_user) == ("-", editor)
    last = AdminArea.history.filter(code="35.76.01").latest("history_id")
    assert (last.history_user, last.history_change_reason) == (
        editor, "delete_area 35.76.01.1002")


def test_there_is_no_bulk_delete(kelurahan, browser):
    changelist = browser.get("/admin/geo/adminarea/")
    assert changelist.status_code == 200
    assert changelist.context["action_form"] is None
    response = browser.post("/admin/geo/adminarea/", {
        "action": "delete_selected", "_selected_action": [kelurahan["timur"].pk],
        "post": "yes"})
    assert response.status_code == 200
    assert AdminArea.objects.count() == 5
