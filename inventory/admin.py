"""Admin of the registry: every layer on an offline map, with change history; the "Impor"
page and export links on the layer changelists; the moderation queue of citizen reports.

Change forms refuse a save when the record changed since the form was opened (another
editor, an import or the API saved it meanwhile), instead of silently overwriting it.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.admin import OfflineGeoAdminMixin, VersionedAdminForm

from .api.views.io import is_editor, run_upload
from .choices import ReportStatus
from .io.exporters import FORMATS, exportable
from .io.readers import SUPPORTED
from .models import Facility, FiberLink, FiberNode, Hotspot, HotspotReport
from .services import moderate


class ImportForm(forms.Form):
    """Upload form of the admin import page."""

    file = forms.FileField(label=_("Berkas"), help_text=SUPPORTED)
    dry_run = forms.BooleanField(
        label=_("Uji coba saja (tidak menyimpan)"), required=False, initial=True
    )
    update = forms.BooleanField(
        label=_("Perbarui data yang sudah ada (menurut ID eksternal)"), required=False
    )
    layer = forms.CharField(
        label=_("Layer/sheet"), required=False,
        help_text=_("Untuk GeoPackage, KML atau XLSX dengan beberapa layer/sheet."),
    )
    crs = forms.CharField(
        label=_("CRS koordinat"), required=False,
        help_text=_("Bila berkas tidak menyatakannya, mis. EPSG:32749."),
    )


class ImportExportAdminMixin:
    """Adds `<changelist>/impor/` and export links to a registry ModelAdmin."""

    io_layer: str = ""
    change_list_template = "admin/inventory/io_change_list.html"

    def get_urls(self):
        """The import page before the model's own URLs."""
        opts = self.model._meta
        return [
            path("impor/", self.admin_site.admin_view(self.import_view),
                 name=f"{opts.app_label}_{opts.model_name}_import"),
        ] + super().get_urls()

    def export_links(self):
        """(label, URL) of every format this layer can be downloaded in."""
        return [
            (fmt.upper(), reverse("inventory-io:export", args=[self.io_layer, fmt]))
            for fmt in FORMATS if exportable(self.io_layer, fmt)
        ]

    def changelist_view(self, request, extra_context=None):
        """The changelist, with the import button and export links."""
        opts = self.model._meta
        extra = {
            "io_can_import": is_editor(request.user, self.model),
            "io_import_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_import"),
            "io_export_links": self.export_links(),
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def import_view(self, request):
        """Upload a file, check it (dry run) or import it, and show the report."""
        if not is_editor(request.user, self.model):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            report = run_upload(
                self.io_layer, data["file"], user=request.user, dry_run=data["dry_run"],
                update=data["update"], source_layer=data["layer"], crs=data["crs"],
            )
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("Impor %(name)s") % {"name": opts.verbose_name_plural},
            "form": form,
            "report": report,
            "report_text": report.as_text(limit=500) if report else "",
            "docs_hint": "docs/import-export.md",
            "export_links": self.export_links(),
        }
        return TemplateResponse(request, "admin/inventory/io_import.html", context,
                                status=400 if report is not None and not report.ok else 200)


class AssetAdmin(OfflineGeoAdminMixin, SimpleHistoryAdmin):
    """Common admin options of registry records."""

    form = VersionedAdminForm

    search_fields = ("name", "external_id")
    readonly_fields = ("created", "last_updated")
    list_per_page = 50


class PointAssetAdmin(AssetAdmin):
    """Point assets show the desa/kelurahan found for their location."""

    readonly_fields = ("area", "created", "last_updated")
    list_select_related = ("area",)


@admin.register(Hotspot)
class HotspotAdmin(ImportExportAdminMixin, PointAssetAdmin):
    """Free-wifi hotspots."""

    io_layer = "hotspots"

    list_display = ("name", "status", "operator", "site_type", "area", "installed_on",
                    "last_verified_on")
    list_filter = ("status", "operator", "site_type", "placement", "backhaul", "is_free",
                   "area__parent")
    search_fields = ("name", "ssid", "external_id")
    raw_id_fields = ("host_facility",)


@admin.register(Facility)
class FacilityAdmin(ImportExportAdminMixin, PointAssetAdmin):
    """Public-service facilities."""

    io_layer = "facilities"

    list_display = ("name", "facility_type", "is_government_office", "connectivity", "area",
                    "fiber_node")
    list_filter = ("facility_type", "is_government_office", "connectivity", "area__parent")
    list_select_related = ("area", "fiber_node")
    raw_id_fields = ("fiber_node",)


@admin.register(FiberNode)
class FiberNodeAdmin(ImportExportAdminMixin, PointAssetAdmin):
    """Fiber nodes."""

    io_layer = "fiber-nodes"

    list_display = ("name", "node_type", "status", "area", "installed_on")
    list_filter = ("node_type", "status", "is_sensitive")


@admin.register(FiberLink)
class FiberLinkAdmin(ImportExportAdminMixin, AssetAdmin):
    """Fiber spans."""

    io_layer = "fiber-links"

    list_display = ("name", "status", "deployment", "fibre_count", "length_m", "installed_on")
    list_filter = ("status", "deployment", "is_sensitive")
    list_select_related = ("start_node", "end_node")
    raw_id_fields = ("start_node", "end_node")
    readonly_fields = ("length_m", "created", "last_updated")



def format_duration(delta) -> str:
    """A response time as "2 h 05 m" (or "–" when not moderated)."""
    if delta is None:
        return "–"
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours:02d} h"
    return f"{hours} h {minutes:02d} m"


def _moderate_action(status: ReportStatus, label):
    def action(modeladmin, request, queryset):
        with transaction.atomic():
            reports = list(queryset.select_for_update(of=("self",)))
            for report in reports:
                moderate(report, request.user, status=status)
        modeladmin.message_user(
            request,
            ngettext("%(n)d laporan ditandai %(status)s.", "%(n)d laporan ditandai %(status)s.",
                     len(reports)) % {"n": len(reports), "status": status.label},
            messages.SUCCESS,
        )

    action.__name__ = f"mark_{status.value}"
    return admin.action(description=label, permissions=["change"])(action)


class ModerationForm(forms.ModelForm):
    """The editable part of a report: status and the editor's note."""

    class Meta:
        model = HotspotReport
        fields = ("status", "moderator_note")

    def clean_status(self):
        """A report that has been handled cannot go back to "new"."""
        status = self.cleaned_data["status"]
        if status == ReportStatus.NEW and self.initial.get("status") != ReportStatus.NEW:
            raise forms.ValidationError(
                _("Laporan yang sudah ditanggapi tidak dapat kembali berstatus baru."))
        return status


@admin.register(HotspotReport)
class HotspotReportAdmin(admin.ModelAdmin):
    """Citizen reports, newest first, with how long the first response took."""

    form = ModerationForm
    list_display = ("created", "hotspot", "kind", "status", "short_note", "distance_m",
                    "response_time", "moderated_by")
    list_filter = ("status", "kind", "created")
    list_select_related = ("hotspot", "moderated_by")
    search_fields = ("hotspot__name", "note", "moderator_note")
    date_hierarchy = "created"
    list_per_page = 50
    fields = ("hotspot", "kind", "note", "reporter_location", "distance_m", "created",
              "status", "moderator_note", "moderated_at", "moderated_by", "resolved_at",
              "response_time")
    readonly_fields = ("hotspot", "kind", "note", "reporter_location", "distance_m",
                       "created", "moderated_at", "moderated_by", "resolved_at",
                       "response_time")
    actions = [
        _moderate_action(ReportStatus.CONFIRMED, _("Konfirmasi laporan terpilih")),
        _moderate_action(ReportStatus.RESOLVED, _("Tandai selesai")),
        _moderate_action(ReportStatus.REJECTED, _("Tolak laporan terpilih")),
    ]

    def get_queryset(self, request):
        """Annotate the response time so that the column sorts in the database."""
        return super().get_queryset(request).annotate(
            response=F("moderated_at") - F("created"))

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("keterangan"))
    def short_note(self, obj):
        return obj.note if len(obj.note) <= 60 else f"{obj.note[:59]}…"

    @admin.display(description=_("lokasi pelapor"))
    def reporter_location(self, obj):
        return f"{obj.location.y:.4f}, {obj.location.x:.4f}" if obj.location else "–"

    @admin.display(description=_("waktu tanggap"), ordering="response")
    def response_time(self, obj):
        return format_duration(obj.response_time)

    def save_model(self, request, obj, form, change):
        """Save the editor's status and note through `moderate`, which stamps who and when."""
        if not change:
            return super().save_model(request, obj, form, change)
        if form.has_changed():
            stored = HotspotReport.objects.get(pk=obj.pk)
            status = obj.status if "status" in form.changed_data else None
            note = obj.moderator_note if "moderator_note" in form.changed_data else None
            obj.status = stored.status
            moderate(obj, request.user, status=status, moderator_note=note)
