"""Constants of the inventory app."""

from .choices import FacilityType

# Facility types that are government offices (used as the default of is_government_office).
GOVERNMENT_OFFICE_TYPES = frozenset(
    {
        FacilityType.KANTOR_OPD,
        FacilityType.KANTOR_KECAMATAN,
        FacilityType.KANTOR_KELURAHAN,
        FacilityType.MAL_PELAYANAN_PUBLIK,
    }
)
