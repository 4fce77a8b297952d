"""Fixtures of the registry tests.

`layers`: two 1 km kelurahan side by side (west .1001 and east .1002, metres from ORIGIN);
hotspots h1 (500, 500) west, h2 (1500, 500) east, h3 (800, 200) west decommissioned,
h4 (1200, 800) east not free; facilities f1 west, f2 east; nodes n1 (100, 100) west,
n2 (1900, 100) east, n3 (400, 100) west; links l1 n1-n2 (sensitive), l2 n1-n3.
"""

import datetime

import pytest

from tests.factories import make_facility, make_hotspot, make_link, make_node


@pytest.fixture
def layers(two_kelurahan):
    """The registry described in the module docstring."""
    h = {
        "h1": make_hotspot(500, 500, name="Taman Barat", notes="Kunci di pos satpam",
                           external_id="DK-1"),
        "h2": make_hotspot(1500, 500, name="Kantor Timur", operator="Telkom",
                           site_type="kantor_kelurahan", status="down",
                           installed_on=datetime.date(2022, 6, 1)),
        "h3": make_hotspot(800, 200, name="Lama", status="decommissioned",
                           installed_on=datetime.date(2019, 1, 1),
                           decommissioned_on=datetime.date(2021, 1, 1)),
        "h4": make_hotspot(1200, 800, name="Kafe Berbayar", is_free=False),
    }
    f = {
        "f1": make_facility(300, 300, name="Kantor Kelurahan Barat"),
        "f2": make_facility(1700, 700, name="SD Timur", facility_type="sekolah_sd",
                            is_government_office=False, address="Jl. Timur 1"),
    }
    n = {
        "n1": make_node(100, 100, name="POP Barat", node_type="pop"),
        "n2": make_node(1900, 100, name="ODP Timur"),
        "n3": make_node(400, 100, name="ODP Barat", is_sensitive=True, owner="Pemkot"),
    }
    links = {
        "l1": make_link(n["n1"], n["n2"], name="Trunk", fibre_count=24, capacity_gbps=10,
                        is_sensitive=True, notes="Jalur rahasia"),
        "l2": make_link(n["n1"], n["n3"], name="Feeder", fibre_count=12, deployment="aerial"),
    }
    return {**h, **f, **n, **links}
