"""Checking assessors' claims against a stored coverage run (and, for installations, the registry).

A claim compares a metric of an area, or of each desa/kelurahan of an area, with a value:
"158 free wifi points installed" is `hotspots_installed ≥ 158` for the city. The verdict is
supported, not supported, or partly supported (some but not all desa/kelurahan pass), with
the measured values and the evidence: the hotspots counted, the desa/kelurahan that fail,
the facilities that fail, and a GeoJSON map of the gaps.
"""

import datetime
import json
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import AreaLevel
from geo.coverage.services import CONNECTED_KINDS
from geo.models import AdminArea, CoverageRun, FacilityAccess, WhiteZone
from inventory.choices import HotspotStatus
from inventory.models import Hotspot

from ..choices import ClaimScope, Comparator, Verdict
from ..models import Claim
from . import metrics
from .services import coverage_rows, coverage_run_for

COMPARE = {
    Comparator.GTE: operator.ge,
    Comparator.GT: operator.gt,
    Comparator.LTE: operator.le,
    Comparator.LT: operator.lt,
    Comparator.EQ: operator.eq,
}
# Read from the registry, not the coverage run: hotspots installed by the date (any status
# but planned; decommissioned only after the date), whatever their current status.
REGISTRY_METRICS = {
    "hotspots_installed": ("Titik wifi gratis terpasang", "Free wifi points installed", "titik"),
}
EVIDENCE_LIMIT = 500


class ClaimError(ValueError):
    """A claim whose checkable form is inconsistent."""


def metric_ids() -> list[str]:
    """Every metric a claim may use."""
    return sorted([*metrics.METRICS, *REGISTRY_METRICS])


def check_claim(metric: str, params: Mapping | None, scope: str, area: AdminArea | None
                ) -> list[str]:
    """Problems with a claim's checkable form (empty when it can be checked)."""
    problems = []
    if metric in REGISTRY_METRICS:
        if params:
            problems.append(f"metric {metric!r} takes no parameters")
    else:
        problems += metrics.check_params(metric, params)
    if area is not None and scope == ClaimScope.EVERY_KELURAHAN and \
            area.level == AreaLevel.DESA_KELURAHAN:
        problems.append("'every kelurahan' needs a kecamatan or a city, not a kelurahan")
    return problems


@dataclass
class Verification:
    """The verdict on a claim as of a date, with what was measured and the evidence."""

    claim: Claim
    as_of: datetime.date
    verdict: str
    measured: float | None
    passed: int
    total: int
    coverage_run: CoverageRun | None
    areas: list[dict] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    gaps: dict = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """One sentence: verdict and measured value (UI language)."""
        label = Verdict(self.verdict).label
        if self.claim.scope == ClaimScope.EVERY_KELURAHAN:
            return _("%(verdict)s: %(passed)d dari %(total)d kelurahan memenuhi") % {
                "verdict": label, "passed": self.passed, "total": self.total}
        if self.measured is None:
            return str(label)
        return _("%(verdict)s: terukur %(value)s") % {"verdict": label,
                                                       "value": f"{self.measured:,.2f}"}

    def as_dict(self) -> dict:
        """JSON-ready form (the API's and the evidence pack's)."""
        claim = self.claim
        return {
            "claim": {
                "id": claim.pk, "key": claim.key, "text": claim.text, "source": claim.source,
                "stated_on": claim.stated_on.isoformat() if claim.stated_on else None,
                "refers_to": claim.refers_to.isoformat(), "metric": claim.metric,
                "params": claim.params, "scope": claim.scope, "area": claim.area.code,
                "area_name": claim.area.name, "comparator": claim.comparator,
                "comparator_symbol": Comparator(claim.comparator).label, "value": claim.value,
                "interpretation": claim.interpretation,
            },
            "as_of": self.as_of.isoformat(),
            "verdict": self.verdict,
            "verdict_label": str(Verdict(self.verdict).label),
            "summary": self.summary,
            "measured": self.measured,
            "passed": self.passed,
            "total": self.total,
            "coverage_run": None if self.coverage_run is None else {
                "id": self.coverage_run.pk, "as_of": self.coverage_run.as_of.isoformat(),
                "data_hash": self.coverage_run.data_hash,
                "code_version": self.coverage_run.code_version,
            },
            "areas": self.areas,
            "evidence": self.evidence,
            "gaps": self.gaps,
        }


def verify_claim(claim: Claim, as_of: datetime.date | None = None, *,
                 coverage_run: CoverageRun | None = None, compute_missing: bool = False
                 ) -> Verification:
    """Check a claim as of a date (default: the date it refers to)."""
    as_of = as_of or claim.refers_to
    problems = check_claim(claim.metric, claim.params, claim.scope, claim.area)
    if problems:
        raise ClaimError(f"Claim #{claim.pk}: " + "; ".join(problems))
    if coverage_run is None:
        coverage_run = coverage_run_for(as_of, compute_missing=compute_missing)
    if coverage_run is None and claim.metric not in REGISTRY_METRICS:
        return Verification(claim, as_of, Verdict.UNDETERMINED, None, 0, 0, None,
                            evidence={"reason": "no coverage run for this date"})
    if claim.scope == ClaimScope.EVERY_KELURAHAN:
        targets = list(AdminArea.objects.leaves().subtree(claim.area.code).order_by("code"))
    else:
        targets = [claim.area]
    measured = _measure(claim, as_of, coverage_run, targets)
    check = COMPARE[Comparator(claim.comparator)]
    areas = []
    for area in targets:
        measurement = measured.get(area.code)
        value = None if measurement is None else measurement.value
        areas.append({"code": area.code, "name": area.name, "value": value,
                      "passes": None if value is None else bool(check(value, claim.value)),
                      "inputs": {} if measurement is None else measurement.inputs})
    scored = [a for a in areas if a["passes"] is not None]
    passed = sum(1 for a in scored if a["passes"])
    if not scored:
        verdict = Verdict.UNDETERMINED
    elif passed == len(areas):
        verdict = Verdict.SUPPORTED
    elif passed == 0:
        verdict = Verdict.NOT_SUPPORTED
    else:
        verdict = Verdict.PARTLY_SUPPORTED
    if claim.scope == ClaimScope.AREA:
        single = areas[0]["value"]
    else:
        single = float(passed)
    failing = [a["code"] for a in areas if a["passes"] is False]
    verification = Verification(claim, as_of, verdict, single, passed, len(areas), coverage_run,
                                areas=areas)
    verification.evidence = _evidence(claim, as_of, coverage_run, failing)
    verification.gaps = _gap_map(claim, coverage_run, failing, verification.evidence)
    return verification


def _measure(claim: Claim, as_of, coverage_run, targets) -> dict[str, metrics.Measurement]:
    codes = [area.code for area in targets]
    if claim.metric == "hotspots_installed":
        return _installed(as_of, targets)
    rows = coverage_rows(coverage_run, codes=codes)
    return {row["code"]: metrics.measure(claim.metric, row, claim.params) for row in rows}


def installed_hotspots(as_of: datetime.date, area_code: str):
    """Free hotspots installed by `as_of` in the area: in service on the date, whatever their
    status in effect then but planned (the count a "N free wifi points" claim states)."""
    return (Hotspot.objects.filter(is_free=True).in_service(as_of).in_area(area_code)
            .with_status_on(as_of).exclude(status_on=HotspotStatus.PLANNED))


def _installed(as_of, targets) -> dict[str, metrics.Measurement]:
    result = {}
    for area in targets:
        installed = installed_hotspots(as_of, area.code).count()
        working = Hotspot.objects.working(as_of).in_area(area.code).count()
        unknown = (Hotspot.objects.filter(is_free=True).install_date_unknown(as_of)
                   .in_area(area.code).count())
        result[area.code] = metrics.Measurement(
            float(installed), inputs={"installed": installed, "working_on_date": working,
                                      "install_date_unknown": unknown})
    return result


def _evidence(claim: Claim, as_of, coverage_run, failing: list[str]) -> dict:
    """What an assessor needs to see why: hotspots, failing areas, facilities, white zones."""
    code = claim.area.code
    evidence: dict = {"failing_areas": failing}
    if claim.metric.startswith("hotspots") or claim.metric == "kelurahan_with_hotspot_pct":
        counted = installed_hotspots(as_of, code).select_related("area").order_by(
            "installed_on", "pk")
        evidence["hotspots"] = [
            {"id": h.pk, "name": h.name, "status": h.status, "area": h.area.code,
             "installed_on": h.installed_on.isoformat() if h.installed_on else None,
             "decommissioned_on": h.decommissioned_on.isoformat() if h.decommissioned_on
             else None}
            for h in counted[:EVIDENCE_LIMIT]
        ]
        evidence["hotspots_by_status"] = dict(
            counted.values_list("status").annotate(n=Count("pk")).order_by("status"))
        not_yet = Hotspot.objects.in_area(code).exclude(pk__in=counted.values("pk"))
        evidence["hotspots_not_counted"] = [
            {"id": h.pk, "name": h.name, "status": h.status,
             "installed_on": h.installed_on.isoformat() if h.installed_on else None,
             "reason": _not_counted_reason(h, as_of)}
            for h in not_yet.order_by("installed_on", "pk")[:EVIDENCE_LIMIT]
        ]
    if claim.metric.startswith("facility"):
        evidence["facilities_failing"] = _failing_facilities(claim, coverage_run)
    if claim.metric.startswith("wifi") and coverage_run is not None:
        zones = WhiteZone.objects.filter(run=coverage_run).filter(
            Q(area__code=code) | Q(area__code__startswith=f"{code}.")).select_related("area")
        evidence["white_zones"] = [
            {"rank": z.rank, "area": z.area.code, "area_m2": z.area_m2,
             "population": z.population} for z in zones.order_by("rank")[:EVIDENCE_LIMIT]]
    return evidence


def _not_counted_reason(hotspot: Hotspot, as_of) -> str:
    if not hotspot.is_free:
        return "not free"
    if hotspot.installed_on is None and as_of < timezone.localdate():
        return "install date unknown"
    if getattr(hotspot, "status_on", hotspot.status) == HotspotStatus.PLANNED:
        return "planned"
    if hotspot.installed_on and hotspot.installed_on > as_of:
        return f"installed later ({hotspot.installed_on.isoformat()})"
    if hotspot.decommissioned_on and hotspot.decommissioned_on <= as_of:
        return f"decommissioned ({hotspot.decommissioned_on.isoformat()})"
    return "other"


def _failing_facilities(claim: Claim, coverage_run) -> list[dict]:
    """Facilities of the claim's categories, in its area, that lack the claimed flag."""
    if coverage_run is None:
        return []
    flag, categories = claim.params["flag"], claim.params["categories"]
    rows = FacilityAccess.objects.filter(run=coverage_run).filter(
        Q(facility__area__code=claim.area.code)
        | Q(facility__area__code__startswith=f"{claim.area.code}.")
    ).select_related("facility__area")
    if categories == ["government_offices"]:
        rows = rows.filter(facility__is_government_office=True)
    elif categories != ["all"]:
        rows = rows.filter(facility__facility_type__in=categories)
    failing = []
    for row in rows.order_by("facility__area__code", "facility__name"):
        if flag == "any_connectivity":
            ok = row.connected or row.facility.connectivity in CONNECTED_KINDS
        else:
            ok = getattr(row, flag)
        if not ok:
            failing.append({
                "id": row.facility_id, "name": row.facility.name,
                "facility_type": row.facility.facility_type, "area": row.facility.area.code,
                "connectivity": row.facility.connectivity,
                "nearest_hotspot_m": row.nearest_hotspot_m,
                "lon": row.facility.geom.x, "lat": row.facility.geom.y,
            })
    return failing[:EVIDENCE_LIMIT]


def _gap_map(claim: Claim, coverage_run, failing: list[str], evidence: dict) -> dict:
    """GeoJSON of the gaps: failing desa/kelurahan, white zones and failing facilities."""
    features = []
    if claim.scope != ClaimScope.EVERY_KELURAHAN:
        failing = []  # the claim's own area: its outline is no gap
    for area in AdminArea.objects.filter(code__in=failing).annotate(
            geojson=AsGeoJSON("geom", precision=6)).order_by("code"):
        features.append({"type": "Feature", "geometry": json.loads(area.geojson),
                         "properties": {"kind": "failing_area", "code": area.code,
                                        "name": area.name}})
    if "white_zones" in evidence and coverage_run is not None:
        code = claim.area.code
        zones = WhiteZone.objects.filter(run=coverage_run).filter(
            Q(area__code=code) | Q(area__code__startswith=f"{code}.")).annotate(
            geojson=AsGeoJSON("geom", precision=6)).order_by("rank")[:EVIDENCE_LIMIT]
        features += [{"type": "Feature", "geometry": json.loads(z.geojson),
                      "properties": {"kind": "white_zone", "rank": z.rank,
                                     "area_m2": z.area_m2}} for z in zones]
    for facility in evidence.get("facilities_failing", []):
        features.append({"type": "Feature",
                         "geometry": {"type": "Point",
                                      "coordinates": [round(facility["lon"], 6),
                                                      round(facility["lat"], 6)]},
                         "properties": {"kind": "failing_facility", "id": facility["id"],
                                        "name": facility["name"]}})
    return {"type": "FeatureCollection", "features": features}


def verify_claims(claims=None, as_of: datetime.date | None = None, *,
                  compute_missing: bool = False) -> list[Verification]:
    """Check every claim (or the given ones), each as of `as_of` or its own date."""
    claims = Claim.objects.select_related("area").order_by("refers_to", "pk") \
        if claims is None else claims
    runs: dict[datetime.date, CoverageRun | None] = {}
    results = []
    for claim in claims:
        date = as_of or claim.refers_to
        if date not in runs:
            runs[date] = coverage_run_for(date, compute_missing=compute_missing)
        results.append(verify_claim(claim, date, coverage_run=runs[date],
                                    compute_missing=compute_missing))
    return results
