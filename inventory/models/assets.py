"""The registry: free-wifi hotspots, fiber nodes and links, public-service facilities.

Every point asset stands in a desa/kelurahan, found by point-in-polygon in PostGIS when it
is saved; a point outside every loaded area is refused. Fiber names follow the Open Fibre
Data Standard (Node, Span) so the OFDS export maps fields directly.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.functions import LengthM
from core.models import BaseModel, History
from geo.models import AdminArea

from ..choices import (
    Backhaul,
    Connectivity,
    Deployment,
    FacilityType,
    FiberNodeType,
    FiberStatus,
    HotspotStatus,
    Placement,
    SiteType,
)
from ..constants import GOVERNMENT_OFFICE_TYPES
from ..querysets import HotspotQuerySet, InServiceQuerySet, PointAssetQuerySet
from ..signals import assets_changed, assets_changing
from .status import StatusSource, check_effective_date, record_status_changes


def _dates_in_order():
    return models.CheckConstraint(
        condition=models.Q(installed_on__isnull=True)
        | models.Q(decommissioned_on__isnull=True)
        | models.Q(decommissioned_on__gte=models.F("installed_on")),
        name="%(app_label)s_%(class)s_dates_in_order",
    )


def _unique_external_id():
    return models.UniqueConstraint(
        fields=["external_id"],
        condition=~models.Q(external_id=""),
        name="%(app_label)s_%(class)s_unique_external_id",
    )


class Asset(BaseModel):
    """Abstract base of registry records: identity, provenance and service dates."""

    name = models.CharField(_("nama"), max_length=200)
    external_id = models.CharField(
        _("ID eksternal"),
        max_length=100,
        blank=True,
        help_text=_("ID di sistem asal; unik bila diisi. Dipakai untuk memperbarui lewat impor."),
    )
    source = models.CharField(
        _("sumber data"),
        max_length=200,
        blank=True,
        help_text=_("Asal catatan, mis. 'demo' untuk data sintetis atau nama berkas impor."),
    )
    installed_on = models.DateField(_("mulai beroperasi"), null=True, blank=True)
    decommissioned_on = models.DateField(_("berhenti beroperasi"), null=True, blank=True)
    notes = models.TextField(_("catatan internal"), blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def clean(self):
        """Refuse a decommissioning date before the installation date."""
        super().clean()
        if self.installed_on and self.decommissioned_on:
            if self.decommissioned_on < self.installed_on:
                raise ValidationError(
                    {"decommissioned_on": _("Tanggal berhenti tidak boleh sebelum tanggal mulai.")}
                )


class PointAsset(Asset):
    """Abstract base of point assets: a location and the desa/kelurahan it stands in."""

    # The named GistIndex in Meta is the only spatial index (not GeoDjango's default too).
    geom = models.PointField(_("lokasi"), srid=4326, spatial_index=False)
    area = models.ForeignKey(
        AdminArea,
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        editable=False,
    )

    class Meta:
        abstract = True

    def assign_area(self):
        """Set `area` to the desa/kelurahan covering the point, or raise ValidationError."""
        area = AdminArea.objects.leaf_for_point(self.geom) if self.geom else None
        if area is None:
            if not self.geom:
                raise ValidationError({"geom": _("Lokasi wajib diisi.")})
            raise ValidationError(
                {
                    "geom": _(
                        "Lokasi (lintang %(lat).6f, bujur %(lon).6f) berada di luar semua "
                        "desa/kelurahan yang dimuat."
                    )
                    % {"lat": self.geom.y, "lon": self.geom.x}
                }
            )
        self.area = area

    def derive_values(self):
        """Fill what follows from the record's other values; subclasses add their own."""
        self.assign_area()

    def clean(self):
        """Validate dates, then derive: the desa/kelurahan of the point, and the rest."""
        super().clean()
        self.derive_values()

    def save(self, *args, **kwargs):
        """Save after deriving (raises ValidationError outside every desa/kelurahan)."""
        self.derive_values()
        super().save(*args, **kwargs)


class Facility(PointAsset):
    """A public-service facility: office, school, puskesmas, market, park, …"""

    facility_type = models.CharField(_("jenis"), max_length=30, choices=FacilityType.choices)
    # Stored as true or false; left empty (None) on a write, it follows the facility type.
    is_government_office = models.BooleanField(
        _("kantor pemerintah"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Kantor OPD, kecamatan, kelurahan atau MPP: dinilai untuk SPBE. Kosongkan untuk "
            "mengikuti jenis fasilitas."
        ),
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    fiber_node = models.ForeignKey(
        "FiberNode",
        verbose_name=_("node serat optik"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilities",
        help_text=_("Titik jaringan serat optik yang melayani fasilitas ini."),
    )
    connectivity = models.CharField(
        _("koneksi internet"),
        max_length=10,
        choices=Connectivity.choices,
        default=Connectivity.UNKNOWN,
    )

    objects = PointAssetQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["name"]
        verbose_name = _("fasilitas publik")
        verbose_name_plural = _("fasilitas publik")
        indexes = [GistIndex(fields=["geom"], name="inventory_facility_geom_gist")]
        constraints = [
            _dates_in_order(),
            _unique_external_id(),
            models.CheckConstraint(
                condition=models.Q(is_government_office__isnull=False),
                name="%(app_label)s_%(class)s_government_office_set",
            ),
        ]

    @staticmethod
    def government_office_for(facility_type: str) -> bool:
        """Whether a facility of this type is a government office (GOVERNMENT_OFFICE_TYPES)."""
        return facility_type in GOVERNMENT_OFFICE_TYPES

    def derive_values(self):
        """The area, and `is_government_office` from the facility type when left empty."""
        super().derive_values()
        if self.is_government_office is None:
            self.is_government_office = self.government_office_for(self.facility_type)


class Hotspot(PointAsset):
    """A free public wifi access point with its modelled (or surveyed) coverage."""

    ssid = models.CharField(_("SSID"), max_length=64, blank=True)
    operator = models.CharField(
        _("operator"), max_length=100, help_text=_("Mis. Diskominfo, Telkom, BAKTI.")
    )
    site_type = models.CharField(_("jenis lokasi"), max_length=20, choices=SiteType.choices)
    placement = models.CharField(
        _("penempatan"), max_length=10, choices=Placement.choices, default=Placement.OUTDOOR
    )
    coverage_radius_m = models.PositiveIntegerField(
        _("radius jangkauan (m)"),
        blank=True,
        help_text=_("Kosongkan untuk memakai nilai baku menurut penempatan."),
    )
    coverage_area = models.PolygonField(
        _("area jangkauan hasil survei"),
        srid=4326,
        null=True,
        blank=True,
        help_text=_("Bila ada, menggantikan lingkaran radius dalam analisis cakupan."),
    )
    bandwidth_mbps = models.DecimalField(
        _("bandwidth (Mbps)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    backhaul = models.CharField(
        _("backhaul"), max_length=10, choices=Backhaul.choices, default=Backhaul.UNKNOWN
    )
    status = models.CharField(
        _("status"), max_length=15, choices=HotspotStatus.choices, default=HotspotStatus.ACTIVE
    )
    is_free = models.BooleanField(_("gratis"), default=True)
    opening_hours = models.CharField(
        _("jam layanan"),
        max_length=100,
        blank=True,
        help_text=_("Format OpenStreetMap, mis. '24/7' atau 'Mo-Fr 08:00-16:00'."),
    )
    host_facility = models.ForeignKey(
        Facility,
        verbose_name=_("fasilitas tempat dipasang"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotspots",
    )
    last_verified_on = models.DateField(_("terakhir diverifikasi"), null=True, blank=True)

    objects = HotspotQuerySet.as_manager()
    history = History()

    #: Set before `save()` to record when a status change took effect (default today), by
    #: whom and why; see `inventory.models.status`.
    status_effective_on = None
    status_source = StatusSource.EDITOR
    status_note = ""
    status_user = None

    class Meta:
        ordering = ["name"]
        verbose_name = _("hotspot wifi")
        verbose_name_plural = _("hotspot wifi")
        indexes = [
            GistIndex(fields=["geom"], name="inventory_hotspot_geom_gist"),
            models.Index(fields=["status"], name="inventory_hotspot_status"),
        ]
        constraints = [
            _dates_in_order(),
            _unique_external_id(),
            models.CheckConstraint(
                condition=models.Q(coverage_radius_m__gte=1, coverage_radius_m__lte=5000),
                name="%(app_label)s_%(class)s_radius_range",
            ),
            models.CheckConstraint(
                condition=models.Q(coverage_area__isnull=True)
                | models.Q(coverage_area__isvalid=True),
                name="%(app_label)s_%(class)s_valid_coverage_area",
            ),
            models.CheckConstraint(
                condition=models.Q(bandwidth_mbps__isnull=True) | models.Q(bandwidth_mbps__gt=0),
                name="%(app_label)s_%(class)s_bandwidth_positive",
            ),
        ]

    @staticmethod
    def default_radius_for(placement: str) -> int:
        """The coverage radius of a hotspot without one (SIMPUL_HOTSPOT_RADIUS_M)."""
        return settings.SIMPUL_HOTSPOT_RADIUS_M[placement]

    def derive_values(self):
        """The area, and the default coverage radius for the placement when none is given."""
        super().derive_values()
        if self.coverage_radius_m is None:
            self.coverage_radius_m = self.default_radius_for(self.placement)

    def clean(self):
        """Validate as every point asset does, and a back-dated status change's date."""
        super().clean()
        if self.status_effective_on is not None:
            check_effective_date(self.pk, self.status_effective_on)

    def save(self, *args, **kwargs):
        """Save and, in the same transaction, record a status period if the status changed,
        then announce the change (`assets_changing` / `assets_changed`: live coverage)."""
        if self.status_effective_on is not None:
            check_effective_date(self.pk, self.status_effective_on)
        with transaction.atomic():
            before = ([answer for _receiver, answer in
                       assets_changing.send(Hotspot, ids=[self.pk])] if self.pk else [])
            super().save(*args, **kwargs)
            record_status_changes([self.pk], effective_on=self.status_effective_on,
                                  source=self.status_source, note=self.status_note,
                                  user=self.status_user)
            assets_changed.send(Hotspot, ids=[self.pk], before=before)


class FiberNode(PointAsset):
    """A point of the fiber network (OFDS Node): data centre, POP, ODC, ODP, closure, entry."""

    node_type = models.CharField(_("jenis node"), max_length=20, choices=FiberNodeType.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=FiberStatus.choices, default=FiberStatus.OPERATIONAL
    )
    owner = models.CharField(_("pemilik"), max_length=100, blank=True)
    operator = models.CharField(_("operator"), max_length=100, blank=True)
    is_sensitive = models.BooleanField(
        _("rahasia"),
        default=False,
        help_text=_("Sembunyikan jenis node dari publik."),
    )
    #: What `is_sensitive` hides from the public (inventory/sensitivity.py).
    SENSITIVE_FIELDS = ("node_type",)

    objects = PointAssetQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["name"]
        verbose_name = _("node serat optik")
        verbose_name_plural = _("node serat optik")
        indexes = [GistIndex(fields=["geom"], name="inventory_fibernode_geom_gist")]
        constraints = [_dates_in_order(), _unique_external_id()]


class FiberLink(Asset):
    """A fiber span between two nodes (OFDS Span), with its route and measured length."""

    start_node = models.ForeignKey(
        FiberNode, verbose_name=_("node awal"), on_delete=models.PROTECT, related_name="+"
    )
    end_node = models.ForeignKey(
        FiberNode, verbose_name=_("node akhir"), on_delete=models.PROTECT, related_name="+"
    )
    route = models.LineStringField(_("jalur"), srid=4326, spatial_index=False)
    # Derived by PostgreSQL from the route on every write (admin, API, import): one rule.
    length_m = models.GeneratedField(
        verbose_name=_("panjang (m)"),
        expression=LengthM("route"),
        output_field=models.FloatField(),
        db_persist=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=FiberStatus.choices, default=FiberStatus.OPERATIONAL
    )
    owner = models.CharField(_("pemilik"), max_length=100, blank=True)
    operator = models.CharField(_("operator"), max_length=100, blank=True)
    fibre_count = models.PositiveIntegerField(_("jumlah core"), null=True, blank=True)
    capacity_gbps = models.DecimalField(
        _("kapasitas (Gbps)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    deployment = models.CharField(
        _("penggelaran"), max_length=12, choices=Deployment.choices, default=Deployment.UNDERGROUND
    )
    is_sensitive = models.BooleanField(
        _("rahasia"), default=False,
        help_text=_("Sembunyikan jumlah core, kapasitas dan penggelaran dari publik."),
    )
    #: What `is_sensitive` hides from the public (inventory/sensitivity.py).
    SENSITIVE_FIELDS = ("fibre_count", "capacity_gbps", "deployment")

    objects = InServiceQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["name"]
        verbose_name = _("jalur serat optik")
        verbose_name_plural = _("jalur serat optik")
        indexes = [GistIndex(fields=["route"], name="inventory_fiberlink_route_gist")]
        constraints = [
            _dates_in_order(),
            _unique_external_id(),
            models.CheckConstraint(
                condition=~models.Q(start_node=models.F("end_node")),
                name="%(app_label)s_%(class)s_distinct_nodes",
            ),
            models.CheckConstraint(
                condition=models.Q(route__isvalid=True),
                name="%(app_label)s_%(class)s_valid_route",
            ),
            models.CheckConstraint(
                condition=models.Q(fibre_count__isnull=True) | models.Q(fibre_count__gt=0),
                name="%(app_label)s_%(class)s_fibre_count_positive",
            ),
        ]

    def clean(self):
        """Refuse a span that starts and ends at the same node."""
        super().clean()
        if self.start_node_id and self.start_node_id == self.end_node_id:
            raise ValidationError({"end_node": _("Node akhir harus berbeda dari node awal.")})
