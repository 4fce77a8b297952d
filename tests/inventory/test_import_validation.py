"""`RowValidator.validate_chunk` (column-wise) gives exactly what `validate` (row by row)
gives: the same typed values, references, geometries and messages, for every test file
and for a chunk built to hit each way a cell can be refused or accepted."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import shapely

from inventory.io.readers import RawRow, open_reader
from inventory.io.schema import get_layer
from inventory.io.validation import RowValidator

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
FILES = [
    ("hotspots", "hotspots_errors.csv"),
    ("hotspots", "hotspots_semicolon_bom.csv"),
    ("hotspots", "hotspots_utm.geojson"),
    ("hotspots", "hotspots_google_earth.kml"),
    ("fiber-links", "fiber_links.csv"),
    ("fiber-links", "fiber_links_errors.csv"),
]
HEADER = ["external_id", "name", "operator", "site_type", "status", "placement",
          "bandwidth_mbps", "installed_on", "decommissioned_on", "is_free", "lat", "lon"]
GOOD = ["H-1", "Taman", "Diskominfo", "taman", "active", "outdoor", "10", "2021-02-01", "",
        "ya", "-7.47", "112.43"]


def both_ways(layer, make_reader, crs=None):
    """(rows, issues) by `validate` one row at a time, and by `validate_chunk`."""
    results = []
    for chunked in (False, True):
        reader = make_reader()
        validator = RowValidator(get_layer(layer), reader.columns, row_label=reader.row_label,
                                 tabular=reader.tabular, crs=crs)
        rows = []
        for chunk in reader.chunks(1000):
            if chunked:
                rows += validator.validate_chunk(chunk)
            else:
                rows += [r for r in map(validator.validate, chunk) if r is not None]
        results.append(([_plain(r) for r in rows], [str(i) for i in validator.issues]))
        reader.close()
    return results


def _plain(row):
    return (row.number, row.values, row.references,
            None if row.geometry is None else row.geometry.wkt)


class ListReader:
    """A reader over rows given in the test (the shape `open_reader` returns)."""

    row_label, tabular, crs = "Row", True, None

    def __init__(self, rows, columns=HEADER):
        self.columns, self.rows = columns, rows

    def chunks(self, size):
        yield [RawRow(n, dict(zip(self.columns, r, strict=True)))
               for n, r in enumerate(self.rows, start=2)]

    def close(self):
        pass


@pytest.mark.parametrize(("layer", "name"), FILES)
def test_every_test_file_validates_the_same_both_ways(layer, name):
    by_row, by_chunk = both_ways(layer, lambda: open_reader(DATA / name))
    assert by_chunk == by_row
    assert by_row[0] or by_row[1]  # the file gave rows or issues to compare


def test_tricky_cells_validate_the_same_both_ways(monkeypatch):
    def variant(**changes):
        row = dict(zip(HEADER, GOOD, strict=True))
        row.update(changes)
        return [row[h] for h in HEADER]

    rows = [
        variant(),
        variant(external_id="H-2", lat="-7,4712", lon="112,4301"),  # decimal comma
        variant(external_id="H-3", lat=" -7.4713 ", name="  Spasi  "),  # padded cells
        variant(external_id="H-4", site_type="Taman / ruang publik", status="AKTIF"),
        variant(external_id="H-5", status="on"),  # unknown choice
        variant(external_id="H-6", operator=""),  # required, empty
        variant(external_id="H-7", bandwidth_mbps="fast"),
        variant(external_id="H-8", installed_on="31/02/2021"),
        variant(external_id="H-9", installed_on="01/03/2021"),  # DD/MM/YYYY
        variant(external_id="H-10", lat="-95"),
        variant(external_id="H-11", lat="112.43", lon="-7.47"),  # swapped
        variant(external_id="H-12", lat="", lon="nan"),
        variant(external_id="H-13", decommissioned_on="2020-01-01"),  # before installed_on
        variant(external_id="H-14", is_free="mungkin"),
        variant(external_id="H-15", name="x" * 250),  # too long
        variant(external_id="H-16", bandwidth_mbps="1.000,5", is_free="tidak"),
        variant(external_id="H-17", lat="inf"),
    ]
    by_row, by_chunk = both_ways("hotspots", lambda: ListReader(rows))
    assert by_chunk == by_row
    accepted = {number for number, *_ in by_row[0]}
    assert accepted == {2, 3, 4, 5, 10, 17}
    assert len(by_row[1]) == 12  # row 13 has two: latitude empty, longitude not a number
    values = {number: v for number, v, _, _ in by_row[0]}
    assert values[4]["name"] == "Spasi"
    assert values[5]["site_type"] == "taman" and values[5]["status"] == "active"
    assert values[10]["installed_on"] == datetime.date(2021, 3, 1)
    assert values[17]["bandwidth_mbps"] == Decimal("1000.5")
    assert values[17]["is_free"] is False
    geometry = {number: g for number, _, _, g in by_row[0]}
    assert shapely.from_wkt(geometry[3]).coords[0] == pytest.approx((112.4301, -7.4712))


def test_declared_crs_reprojects_the_same_both_ways():
    # UTM 49S easting/northing of a point in Kota Mojokerto, given in the lat/lon columns.
    rows = [["U-1", "Utm", "Diskominfo", "taman", "active", "outdoor", "", "", "", "ya",
             "9174000", "657000"]]
    by_row, by_chunk = both_ways("hotspots", lambda: ListReader(rows), crs="EPSG:32749")
    assert by_chunk == by_row
    lon, lat = shapely.from_wkt(by_row[0][0][3]).coords[0]
    assert (round(lon, 4), round(lat, 4)) == (112.4228, -7.4704)  # as gdaltransform gives
