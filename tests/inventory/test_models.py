"""Registry models: point-in-polygon assignment, defaults, measured lengths, constraints."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from inventory.models import Hotspot
from tests.factories import make_hotspot, make_link, make_node

pytestmark = pytest.mark.django_db


def test_hotspot_is_assigned_to_the_kelurahan_it_stands_in(two_kelurahan):
    west, east = two_kelurahan
    assert make_hotspot(500, 500).area == west
    assert make_hotspot(1500, 500).area == east


def test_point_on_a_shared_border_goes_to_the_lowest_code(two_kelurahan):
    west, _ = two_kelurahan
    assert make_hotspot(1000, 500).area == west


def test_moving_a_hotspot_reassigns_its_kelurahan(two_kelurahan):
    west, east = two_kelurahan
    hotspot = make_hotspot(500, 500)
    from tests.factories import point, to_storage

    hotspot.geom = to_storage(point(1700, 300))
    hotspot.save()
    hotspot.refresh_from_db()
    assert hotspot.area == east


def test_point_outside_every_area_is_refused_with_its_coordinates(two_kelurahan):
    with pytest.raises(ValidationError) as raised:
        make_hotspot(5000, 500)
    assert raised.value.message_dict["geom"] == [
        "Lokasi (lintang -7.465694, bujur 112.468061) berada di luar semua desa/kelurahan "
        "yang dimuat."
    ]
    assert Hotspot.objects.count() == 0


@pytest.mark.parametrize(("placement", "radius"), [("indoor", 30), ("outdoor", 100)])
def test_default_radius_follows_placement(two_kelurahan, placement, radius):
    assert make_hotspot(500, 500, placement=placement).coverage_radius_m == radius


def test_explicit_radius_is_kept(two_kelurahan):
    assert make_hotspot(500, 500, coverage_radius_m=55).coverage_radius_m == 55


def test_fiber_link_length_is_measured_in_metres(two_kelurahan):
    a, b = make_node(100, 100, name="A"), make_node(400, 500, name="B")
    link = make_link(a, b)
    assert link.length_m == pytest.approx(500.0, abs=0.01)  # 300-400-500 triangle


def test_database_refuses_dates_out_of_order(two_kelurahan):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_hotspot(500, 500, installed_on=datetime.date(2022, 1, 1),
                     decommissioned_on=datetime.date(2021, 1, 1))


def test_database_refuses_a_span_from_a_node_to_itself(two_kelurahan):
    a = make_node(100, 100)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_link(a, a)


def test_database_refuses_duplicate_external_ids_but_allows_blank(two_kelurahan):
    make_hotspot(100, 100, external_id="")
    make_hotspot(200, 100, external_id="")
    make_hotspot(300, 100, external_id="DK-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_hotspot(400, 100, external_id="DK-1")


def test_in_service_as_of_a_date(two_kelurahan):
    make_hotspot(100, 100, name="old", installed_on=datetime.date(2019, 5, 1),
                 decommissioned_on=datetime.date(2021, 6, 1))
    make_hotspot(200, 100, name="new", installed_on=datetime.date(2022, 1, 1))
    names = lambda d: sorted(Hotspot.objects.in_service(d).values_list("name", flat=True))  # noqa: E731
    assert names(datetime.date(2020, 1, 1)) == ["old"]
    assert names(datetime.date(2021, 6, 1)) == []
    assert names(datetime.date(2023, 1, 1)) == ["new"]


def test_nearest_orders_by_geodesic_distance_across_borders(two_kelurahan):
    make_hotspot(900, 500, name="west")
    make_hotspot(1150, 500, name="east")
    make_hotspot(1500, 500, name="far")
    from django.contrib.gis.geos import Point

    from tests.factories import lonlat

    result = list(Hotspot.objects.nearest(Point(*lonlat(1050, 500), srid=4326), limit=2))
    assert [h.name for h in result] == ["east", "west"]
    assert result[0].distance_m == pytest.approx(100, abs=0.5)
    assert result[1].distance_m == pytest.approx(150, abs=0.5)
