"""Display choices of Simpul's maps: colours, icons and the zoom policy of viewport loading.

Layers are loaded by viewport from `geo.maps.views`; at low zoom points are clustered on the
server and areas are shown one level up, so a province never sends every feature at once.
"""

from django.utils.translation import gettext_lazy as _

from inventory.choices import FacilityType, FiberStatus, HotspotStatus

# --- Zoom policy ----------------------------------------------------------------------------
#: Above this many points in the requested box, a point layer is sent as grid clusters.
MAX_POINTS = 1000
#: Side of a cluster cell, in screen pixels at the requested zoom.
CLUSTER_CELL_PX = 64
#: Most polygons or lines sent for one box (largest first); the rest wait for a closer zoom.
MAX_SHAPES = 3000
#: Area level shown for a zoom: kabupaten/kota up to 8, kecamatan up to 10, then desa/kelurahan.
AREA_LEVEL_BY_MAX_ZOOM = ((8, 2), (10, 3))
LEAF_LEVEL = 4
#: Coverage circles are drawn from this zoom on (the browser draws them from the hotspots).
COVERAGE_MIN_ZOOM = 13
#: White zones smaller than this many square pixels at the requested zoom are not sent.
MIN_WHITE_ZONE_PX2 = 16
MIN_ZOOM, MAX_ZOOM = 0, 22

# --- Colours and icons ----------------------------------------------------------------------
#: Display status of a hotspot. `reported_down` (citizen reports, issue 8) overrides `active`.
REPORTED_DOWN = "reported_down"
HOTSPOT_STATUS_COLORS = {
    HotspotStatus.ACTIVE: "#1a9850",
    HotspotStatus.MAINTENANCE: "#f28e2b",
    REPORTED_DOWN: "#b2182b",
    HotspotStatus.DOWN: "#d73027",
    HotspotStatus.PLANNED: "#4575b4",
}
HOTSPOT_STATUS_LABELS = {
    HotspotStatus.ACTIVE: HotspotStatus.ACTIVE.label,
    HotspotStatus.MAINTENANCE: HotspotStatus.MAINTENANCE.label,
    REPORTED_DOWN: _("Dilaporkan mati oleh warga"),
    HotspotStatus.DOWN: HotspotStatus.DOWN.label,
    HotspotStatus.PLANNED: HotspotStatus.PLANNED.label,
}
#: Statuses shown on the public map (decommissioned hotspots are not).
PUBLIC_HOTSPOT_STATUSES = (
    HotspotStatus.ACTIVE,
    HotspotStatus.MAINTENANCE,
    HotspotStatus.DOWN,
    HotspotStatus.PLANNED,
)
FIBER_STATUS_STYLES = {
    FiberStatus.OPERATIONAL: {"color": "#6a3d9a", "dashArray": None},
    FiberStatus.UNDER_CONSTRUCTION: {"color": "#cab2d6", "dashArray": "2 6"},
    FiberStatus.PLANNED: {"color": "#9e7bbf", "dashArray": "8 6"},
    FiberStatus.INACTIVE: {"color": "#888888", "dashArray": "4 4"},
}
#: Font Awesome 6 (solid) icon and colour of each facility type.
FACILITY_ICONS = {
    FacilityType.KANTOR_OPD: ("building-columns", "#35618f"),
    FacilityType.KANTOR_KECAMATAN: ("landmark", "#35618f"),
    FacilityType.KANTOR_KELURAHAN: ("landmark-flag", "#35618f"),
    FacilityType.MAL_PELAYANAN_PUBLIK: ("city", "#35618f"),
    FacilityType.SEKOLAH_SD: ("school", "#b8860b"),
    FacilityType.SEKOLAH_SMP: ("school", "#b8860b"),
    FacilityType.SEKOLAH_SMA: ("graduation-cap", "#b8860b"),
    FacilityType.PUSKESMAS: ("house-medical", "#c0392b"),
    FacilityType.RUMAH_SAKIT: ("hospital", "#c0392b"),
    FacilityType.PERPUSTAKAAN: ("book", "#7f5539"),
    FacilityType.PASAR: ("store", "#d35400"),
    FacilityType.TAMAN: ("tree", "#2e7d32"),
    FacilityType.LAINNYA: ("location-dot", "#555555"),
}
#: Choropleth of wifi coverage (% of area): upper bounds of the classes and their colours.
COVERAGE_CLASSES = ((5, "#f7fcf5"), (10, "#c7e9c0"), (20, "#74c476"), (40, "#31a354"),
                    (100, "#006d2c"))
WHITE_ZONE_COLOR = "#e31a1c"
NO_DATA_COLOR = "#cccccc"

#: Walking directions from a point to a hotspot (opened by the visitor, never fetched by Simpul).
WALKING_DIRECTIONS_URL = (
    "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot"
    "&route={from_lat}%2C{from_lon}%3B{to_lat}%2C{to_lon}"
)
