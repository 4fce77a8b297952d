"""Choice classes of the inventory app.

Fiber values follow the Open Fibre Data Standard (OFDS) where it has a codelist, so that an
export to OFDS maps them directly (see `OFDS_*` in constants.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HotspotStatus(models.TextChoices):
    """Operational status of a free-wifi hotspot."""

    PLANNED = "planned", _("Direncanakan")
    ACTIVE = "active", _("Aktif")
    MAINTENANCE = "maintenance", _("Dalam perawatan")
    DOWN = "down", _("Mati / gangguan")
    DECOMMISSIONED = "decommissioned", _("Tidak dipakai lagi")


class SiteType(models.TextChoices):
    """Kind of site where a hotspot stands."""

    KANTOR_KELURAHAN = "kantor_kelurahan", _("Kantor kelurahan")
    KANTOR_KECAMATAN = "kantor_kecamatan", _("Kantor kecamatan")
    KANTOR_OPD = "kantor_opd", _("Kantor OPD")
    TAMAN = "taman", _("Taman / ruang publik")
    SEKOLAH = "sekolah", _("Sekolah")
    PUSKESMAS = "puskesmas", _("Puskesmas")
    PASAR = "pasar", _("Pasar")
    TEMPAT_IBADAH = "tempat_ibadah", _("Tempat ibadah")
    JALAN = "jalan", _("Jalan / area publik")
    BALAI_WARGA = "balai_warga", _("Balai RW / pos warga")
    TRANSPORTASI = "transportasi", _("Terminal / stasiun")
    LAINNYA = "lainnya", _("Lainnya")


class Placement(models.TextChoices):
    """Whether the access point serves indoors or outdoors (sets its default radius)."""

    INDOOR = "indoor", _("Dalam ruangan")
    OUTDOOR = "outdoor", _("Luar ruangan")


class Backhaul(models.TextChoices):
    """How the hotspot reaches the internet."""

    FIBER = "fiber", _("Serat optik")
    WIRELESS = "wireless", _("Radio / nirkabel")
    CELLULAR = "cellular", _("Seluler")
    UNKNOWN = "unknown", _("Tidak diketahui")


class FiberStatus(models.TextChoices):
    """Status of a fiber node or span (OFDS `status` codelist)."""

    PLANNED = "planned", _("Direncanakan")
    UNDER_CONSTRUCTION = "underConstruction", _("Dalam pembangunan")
    OPERATIONAL = "operational", _("Beroperasi")
    INACTIVE = "inactive", _("Tidak aktif")
    DECOMMISSIONED = "decommissioned", _("Tidak dipakai lagi")


class FiberNodeType(models.TextChoices):
    """Role of a point in the fiber network."""

    DATA_CENTRE = "data_centre", _("Pusat data")
    POP = "pop", _("Point of presence (POP)")
    ODC = "odc", _("Optical distribution cabinet (ODC)")
    ODP = "odp", _("Optical distribution point (ODP)")
    SPLICE_CLOSURE = "splice_closure", _("Splice closure")
    BUILDING_ENTRY = "building_entry", _("Titik masuk gedung")


class Deployment(models.TextChoices):
    """How a fiber span is laid."""

    UNDERGROUND = "underground", _("Tanam langsung")
    DUCT = "duct", _("Dalam duct")
    AERIAL = "aerial", _("Udara (tiang)")


class FacilityType(models.TextChoices):
    """Kind of public-service facility."""

    KANTOR_OPD = "kantor_opd", _("Kantor OPD")
    KANTOR_KECAMATAN = "kantor_kecamatan", _("Kantor kecamatan")
    KANTOR_KELURAHAN = "kantor_kelurahan", _("Kantor kelurahan")
    MAL_PELAYANAN_PUBLIK = "mal_pelayanan_publik", _("Mal pelayanan publik")
    SEKOLAH_SD = "sekolah_sd", _("Sekolah dasar (SD)")
    SEKOLAH_SMP = "sekolah_smp", _("Sekolah menengah pertama (SMP)")
    SEKOLAH_SMA = "sekolah_sma", _("Sekolah menengah atas (SMA/SMK)")
    PUSKESMAS = "puskesmas", _("Puskesmas")
    RUMAH_SAKIT = "rumah_sakit", _("Rumah sakit")
    PERPUSTAKAAN = "perpustakaan", _("Perpustakaan")
    PASAR = "pasar", _("Pasar")
    TAMAN = "taman", _("Taman / ruang publik")
    LAINNYA = "lainnya", _("Lainnya")


class Connectivity(models.TextChoices):
    """How a facility is connected to the internet or the government network."""

    FIBER = "fiber", _("Serat optik")
    WIRELESS = "wireless", _("Radio / nirkabel")
    CELLULAR = "cellular", _("Seluler")
    NONE = "none", _("Tidak terhubung")
    UNKNOWN = "unknown", _("Tidak diketahui")


class ReportKind(models.TextChoices):
    """What a citizen reports about a hotspot."""

    NOT_WORKING = "not_working", _("Tidak berfungsi")
    SLOW = "slow", _("Lambat")
    NOT_FOUND = "not_found", _("Tidak ditemukan di sini")
    WRONG_LOCATION = "wrong_location", _("Lokasi salah")
    OTHER = "other", _("Lainnya")


class ReportStatus(models.TextChoices):
    """Where a citizen report stands in the editors' moderation queue."""

    NEW = "new", _("Baru")
    CONFIRMED = "confirmed", _("Dikonfirmasi")
    RESOLVED = "resolved", _("Selesai")
    REJECTED = "rejected", _("Ditolak")
