"""`load_demo`: the Kota Mojokerto demo, its counts and its idempotence."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from core.choices import AreaLevel
from fixtures.demo import BOUNDARY_SOURCE, build_demo
from fixtures.demo import KELURAHAN_FILE as MOJOKERTO
from geo.models import AdminArea
from inventory.models import Facility, FiberLink, FiberNode, Hotspot

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_demo_areas_have_real_codes_names_and_population(demo):
    assert AdminArea.objects.at_level(AreaLevel.DESA_KELURAHAN).count() == 18
    assert sorted(
        AdminArea.objects.at_level(AreaLevel.KECAMATAN).values_list("code", "name", "population")
    ) == [("35.76.01", "Prajuritkulon", 43194), ("35.76.02", "Magersari", 60439),
          ("35.76.03", "Kranggan", 38152)]
    kota = AdminArea.objects.get(code="35.76")
    assert (kota.name, kota.population) == ("Kota Mojokerto", 141785)
    assert AdminArea.objects.get(code="35.76.02.1010").population == 20406  # Wates
    assert AdminArea.objects.leaves().filter(source=BOUNDARY_SOURCE).count() == 18


def test_demo_uses_the_real_boundaries_shipped_in_fixtures_data(demo):
    leaves = AdminArea.objects.leaves()
    # 20.2009 km² is the sum of the 18 real polygons in UTM 49S (fixtures/README.md).
    assert sum(a.area_m2 for a in leaves) / 1e6 == pytest.approx(20.2009, abs=1e-3)
    assert AdminArea.objects.get(code="35.76.01.1003").area_m2 / 1e6 == pytest.approx(
        0.4384, abs=1e-4)  # Mentikan
    for office in Facility.objects.filter(facility_type="kantor_kelurahan"):
        assert office.name == f"Kantor Kelurahan {office.area.name}"


def test_demo_has_158_hotspots_in_every_kelurahan(demo):
    assert Hotspot.objects.count() == 158
    assert Hotspot.objects.filter(source="demo").count() == 158
    assert AdminArea.objects.leaves().filter(hotspots__isnull=True).count() == 0


def test_demo_facilities_and_fiber(demo):
    puskesmas = Facility.objects.filter(facility_type="puskesmas")
    assert sorted(puskesmas.values_list("name", flat=True)) == [
        "Puskesmas Blooto", "Puskesmas Gedongan", "Puskesmas Kedundung", "Puskesmas Kranggan",
        "Puskesmas Mentikan", "Puskesmas Wates"]
    assert Facility.objects.filter(facility_type="kantor_kelurahan").count() == 18
    assert Facility.objects.filter(facility_type="kantor_kecamatan").count() == 3
    dc = FiberNode.objects.get(node_type="data_centre")
    mpp = Facility.objects.get(facility_type="mal_pelayanan_publik")
    assert mpp.address == "Jl. Gajah Mada 145, Kota Mojokerto" and mpp.fiber_node == dc
    offices = Facility.objects.filter(is_government_office=True)
    assert offices.filter(fiber_node__isnull=True).count() == 7  # 3 OPD + 4 kelurahan offices
    assert FiberLink.objects.count() == 35
    assert FiberLink.objects.filter(status="planned").count() == 1


def test_install_dates_make_2021_differ_from_today(demo):
    in_2021 = Hotspot.objects.in_service(datetime.date(2021, 11, 10)).exclude(status="planned")
    today = Hotspot.objects.in_service(datetime.date(2026, 1, 1)).exclude(status="planned")
    assert (in_2021.count(), today.count()) == (129, 151)
    years = {d.year for d in Hotspot.objects.exclude(installed_on=None)
             .values_list("installed_on", flat=True)}
    assert min(years) == 2019 and max(years) == 2024


def test_load_demo_twice_changes_nothing(demo, capsys):
    ids = sorted(Hotspot.objects.values_list("id", flat=True))
    history = Hotspot.history.count()
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "hotspot wifi: 0 created, 0 updated, 158 unchanged, 0 deleted." in out
    assert sorted(Hotspot.objects.values_list("id", flat=True)) == ids
    assert Hotspot.history.count() == history


def test_generator_is_deterministic():
    first, second = build_demo(), build_demo()
    assert [h["geom"].wkt for h in first.hotspots] == [h["geom"].wkt for h in second.hotspots]
    assert [h["installed_on"] for h in first.hotspots] == [
        h["installed_on"] for h in second.hotspots]


def test_demo_refuses_to_replace_real_boundaries():
    call_command("load_areas", MOJOKERTO, "--level",
                 "kelurahan", "--name-field", "kelurahan", stdout=open("/dev/null", "w"))
    with pytest.raises(CommandError) as raised:
        call_command("load_demo")
    assert str(raised.value) == (
        "Kota Mojokerto's kelurahan are already loaded from 'mojokerto_kelurahan.geojson'; the "
        "demo would replace them with its own copy. Load the demo into an empty database."
    )
    assert Hotspot.objects.count() == 0
