"""Pages: the public map, the kelurahan page, the hotspot page, the Diskominfo dashboard, and
the assessor pages (scores, claims and verdicts for a date, comparison, evidence downloads).

Views stay thin: data come from `geo.maps.pages` and `geo.maps.queries`, maps from
`geo.maps.builders`.
"""

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.choices import AreaLevel
from core.permissions import can_see_internal
from inventory.models import Hotspot
from inventory.services import public_summary

from .coverage.live import live_run
from .forms import AssessorForm
from .maps import pages
from .maps.builders import hotspot_map, page_parts, viewport_map
from .maps.queries import leaf_extent, public_hotspots
from .models import AdminArea, Claim
from .scoring.claims import verify_claims
from .scoring.evidence import report_context
from .scoring.methodology import DEFAULT_METHODOLOGY, load_methodology
from .scoring.services import compare_runs, score_run_for

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
    """`/dashboard/kelurahan.csv`: the dashboard's kelurahan table (live coverage) as CSV."""
    run = live_run()
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


# --- Assessor pages -----------------------------------------------------------------------

def _context(request) -> tuple[dict, int]:
    """The report context for the request's query, or a message and a status."""
    form = AssessorForm(request.GET or None)
    if request.GET and not form.is_valid():
        return {"form": form}, 400
    data = form.cleaned_data if request.GET else {}
    name = data.get("methodology") or DEFAULT_METHODOLOGY
    methodology = load_methodology(name)
    run = score_run_for(data.get("as_of"), methodology=methodology)
    if run is None:
        return {"form": form, "message": _("Belum ada skor tersimpan untuk tanggal dan "
                                           "metodologi ini. Penilai atau editor membuatnya "
                                           "dengan compute_scores atau POST "
                                           "/api/scores/runs/.")}, 404
    comparison = None
    compare_with = data.get("compare_with")
    if compare_with:
        other = score_run_for(compare_with, methodology=methodology)
        if other is None:
            return {"form": form, "message": _("Belum ada analisis cakupan untuk tanggal "
                                               "pembanding.")}, 404
        comparison = compare_runs(other, run)
    claims = list(Claim.objects.select_related("area").order_by("refers_to", "pk"))
    verifications = verify_claims(claims, run.as_of)
    context = report_context(run, verifications, comparison=comparison)
    own_date = verify_claims(claims, None)
    for claim, own in zip(context["claims"], own_date, strict=True):
        claim["own_date"] = {"as_of": own.as_of, "verdict": own.verdict, "summary": own.summary}
    query = {"as_of": run.as_of.isoformat(), "methodology": name}
    if compare_with:
        query["compare_with"] = compare_with.isoformat()
    context.update({
        "form": form,
        "methodology_name": name,
        "pack_url": "/api/evidence/?" + urlencode(query),
        "assessor_url": _assessor_path(request) + "?" + urlencode(query),
        "report_url": _assessor_path(request) + "laporan/?" + urlencode(query),
        "scores_url": "/api/scores/?" + urlencode({k: v for k, v in query.items()
                                                   if k != "compare_with"}),
    })
    return context, 200


def _assessor_path(request) -> str:
    """The assessor page's path (works under a language prefix or any include)."""
    path = request.path
    return path[: -len("laporan/")] if path.endswith("/laporan/") else path


def assessor(request):
    """`/penilai/`: scores, claims and verdicts, downloads, date picker and comparison."""
    context, status = _context(request)
    return render(request, "assessor/index.html", context, status=status)


def report(request):
    """`/penilai/laporan/`: the printable evidence report for the chosen date."""
    context, status = _context(request)
    if status != 200:
        return render(request, "assessor/index.html", context, status=status)
    return render(request, "assessor/report_page.html", context)
