"""Admin mixin: an "Impor" page and export links on the registry changelists.

Mix `ImportExportAdminMixin` into a ModelAdmin and name its layer:

    class HotspotAdmin(ImportExportAdminMixin, PointAssetAdmin):
        io_layer = "hotspots"

The changelist then shows an "Impor berkas" button (for editors) and download links; the
import page takes a file, a dry-run and an update checkbox, and shows the same report as
the `import_assets` command.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .api import is_editor, run_upload
from .exporters import FORMATS, exportable
from .readers import SUPPORTED


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
