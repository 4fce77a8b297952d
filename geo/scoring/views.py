"""Assessor pages: scores, claims and verdicts for a date, comparison, evidence downloads."""

from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Claim
from .claims import verify_claims
from .evidence import report_context
from .methodology import DEFAULT_METHODOLOGY, available, load_methodology
from .services import compare_runs, score_run_for


class AssessorForm(forms.Form):
    """Date, methodology and an optional second date to compare with."""

    as_of = forms.DateField(label=gettext_lazy("Per tanggal"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    methodology = forms.ChoiceField(label=gettext_lazy("Metodologi"), required=False,
                                    choices=[(name, name) for name in available()])
    compare_with = forms.DateField(label=gettext_lazy("Bandingkan dengan tanggal"),
                                   required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))


def _context(request) -> tuple[dict, int]:
    """The report context for the request's query, or a message and a status."""
    form = AssessorForm(request.GET or None)
    if request.GET and not form.is_valid():
        return {"form": form}, 400
    data = form.cleaned_data if request.GET else {}
    name = data.get("methodology") or DEFAULT_METHODOLOGY
    methodology = load_methodology(name)
    signed_in = request.user.is_authenticated
    run = score_run_for(data.get("as_of"), methodology=methodology, compute_missing=signed_in)
    if run is None:
        return {"form": form, "message": _("Belum ada analisis cakupan untuk tanggal ini. "
                                           "Masuk sebagai penilai untuk menghitungnya, atau "
                                           "jalankan compute_coverage.")}, 404
    comparison = None
    compare_with = data.get("compare_with")
    if compare_with:
        other = score_run_for(compare_with, methodology=methodology, compute_missing=signed_in)
        if other is None:
            return {"form": form, "message": _("Belum ada analisis cakupan untuk tanggal "
                                               "pembanding.")}, 404
        comparison = compare_runs(other, run)
    claims = list(Claim.objects.select_related("area").order_by("refers_to", "pk"))
    verifications = verify_claims(claims, run.as_of, compute_missing=signed_in)
    context = report_context(run, verifications, comparison=comparison)
    own_date = verify_claims(claims, None, compute_missing=False)
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
