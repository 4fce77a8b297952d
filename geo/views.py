"""Pages: the public map, the kelurahan page, the hotspot page and the Diskominfo dashboard.

Views stay thin: data come from `geo.maps.pages` and `geo.maps.queries`, maps from
`geo.maps.builders`.
"""

import csv

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.choices import AreaLevel
from core.permissions import can_see_internal
from inventory.models import Hotspot
from inventory.reports.services import public_summary

from .coverage.services import latest_run
from .maps import pages
from .maps.builders import hotspot_map, page_parts, viewport_map
from .maps.queries import leaf_extent, public_hotspots
from .models import AdminArea

#: Who may open the dashboard: Diskominfo editors (and admins), who may change hotspots.
DASHBOARD_PERMISSION = "inventory.change_hotspot"


def public_map(request):
    """`/`: the full-screen map of free wifi, coverage, fiber and facilities."""
    m = viewport_map(bounds=leaf_extent())
    return render(request, "map/index.html", {"map": page_parts(m)})


def area_detail(request, code: str):
    """`/wilayah/<code>/`: a desa/kelurahan's map, figures, lists and gaps."""
    area = get_object_or_404(
        AdminArea.objects.select_related("parent"), code=code, level=AreaLevel.DESA_KELURAHAN
    )
    m = viewport_map(
        bounds=area.geom.extent, highlight=area.code, nearest=False, search=False,
        layers_on=("areas", "white-zones", "coverage", "hotspots", "facilities"),
    )
    return render(request, "wilayah/detail.html",
                  {"page": pages.area_page(area), "area": area, "map": page_parts(m)})


def hotspot_detail(request, pk: int):
    """`/hotspot/<id>/`: one hotspot's details and a mini map."""
    hotspot = get_object_or_404(
        Hotspot.objects.select_related("area__parent", "host_facility"), pk=pk
    )
    public = public_hotspots().filter(pk=pk).exists()
    return render(request, "hotspot/detail.html", {
        "hotspot": hotspot,
        "reports": public_summary(hotspot),
        "on_public_map": public,
        "show_internal": can_see_internal(request.user, Hotspot),
        "map": page_parts(hotspot_map(hotspot)),
    })


def _hotspot_url(pk: int) -> str:
    return reverse("geo:hotspot", kwargs={"pk": pk})


@login_required(login_url="admin:login")
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard(request):
    """`/dashboard/` (editors): city summary, kelurahan table, charts, gaps, recent changes."""
    return render(request, "dashboard/index.html", {"board": pages.dashboard(_hotspot_url)})


@login_required(login_url="admin:login")
@permission_required(DASHBOARD_PERMISSION, raise_exception=True)
def dashboard_csv(request):
    """`/dashboard/kelurahan.csv`: the dashboard's kelurahan table as CSV."""
    run = latest_run()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"simpul-cakupan-kelurahan-{run.as_of:%Y-%m-%d}.csv" if run else "simpul.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["kode", "kelurahan", "kecamatan", "luas_m2", "cakupan_pct", "penduduk",
                     "penduduk_terjangkau", "penduduk_terjangkau_pct", "hotspot_aktif",
                     "hotspot_beroperasi", "hotspot_mati", "hotspot_per_10k"])
    for row in pages.kelurahan_rows(run).order_by("area__code"):
        writer.writerow([
            row.area.code, row.area.name, row.area.parent.name if row.area.parent else "",
            round(row.area_m2), round(row.covered_pct, 2),
            "" if row.population is None else round(row.population),
            "" if row.covered_population is None else round(row.covered_population),
            "" if row.covered_population_pct is None else round(row.covered_population_pct, 2),
            row.hotspots_active, row.hotspots_total, row.hotspots_down,
            "" if row.hotspots_per_10k is None else round(row.hotspots_per_10k, 2),
        ])
    if run is None:
        writer.writerow([_("Belum ada analisis cakupan.")])
    return response
