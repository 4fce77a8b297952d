"""The page view that receives the report form of the hotspot page and the map popup.

Without JavaScript it redirects back (to `next` when it is a local address, else the hotspot
page) with a message tagged `report`; with `Accept: application/json` it answers JSON:
201 {"message"}, 400 {"message", "errors"}, 413 or 429 {"message"}. CSRF is enforced by
the middleware as for any POST.
"""

import math

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .api.throttles import throttle_wait
from .forms import HotspotReportForm
from .models import Hotspot
from .services import MAX_BODY_BYTES, body_too_large

MESSAGE_TAG = "report"


def _wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return accept.startswith("application/json") or (
        request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def _back_to(request, hotspot_pk: int) -> str:
    target = request.POST.get("next", "") if request.method == "POST" else ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("geo:hotspot", kwargs={"pk": hotspot_pk}) + "#lapor"


def _answer(request, hotspot_pk: int, status: int, message: str, errors=None):
    if _wants_json(request):
        body = {"message": message}
        if errors is not None:
            body["errors"] = errors
        return JsonResponse(body, status=status)
    level = messages.SUCCESS if status == 201 else messages.ERROR
    if errors:
        details = "; ".join(f"{err}" for field_errors in errors.values() for err in field_errors)
        message = f"{message} {details}"
    messages.add_message(request, level, message, extra_tags=MESSAGE_TAG)
    return redirect(_back_to(request, hotspot_pk))


@require_POST
def submit_report_form(request, pk: int):
    """`POST …/hotspots/<pk>/reports/form/`: a citizen's report from a page."""
    if body_too_large(request):
        return _answer(request, pk, 413, _("Laporan terlalu besar (maksimal %(kb)d KB).")
                       % {"kb": MAX_BODY_BYTES // 1024})
    hotspot = get_object_or_404(Hotspot, pk=pk)
    wait = throttle_wait(request, pk)
    if wait is not None:
        response = _answer(request, pk, 429, _(
            "Terlalu banyak laporan. Coba lagi dalam %(minutes)d menit."
        ) % {"minutes": max(1, math.ceil(wait / 60))})
        if response.status_code == 429:
            response["Retry-After"] = str(math.ceil(wait))
        return response
    form = HotspotReportForm(request.POST, hotspot=hotspot)
    if not form.is_valid():
        return _answer(request, pk, 400, _("Laporan belum dapat dikirim."),
                       errors={field: list(errs) for field, errs in form.errors.items()})
    form.save()
    return _answer(request, pk, 201, _("Terima kasih, laporan Anda sudah kami terima."))
