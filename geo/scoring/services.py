"""Score runs: read a stored coverage run, score every area under a methodology, store it.

Each area's indicator values are computed from that area's own coverage counts; parent
levels hold the sums of their desa/kelurahan, so kecamatan and city values are recomputed
from summed counts (never averaged scores). Every score is stored with its explanation.
"""

import datetime
import hashlib
import json
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from geo.coverage.services import code_version, compute_coverage, latest_run
from geo.models import CoverageRun
from inventory.models import Facility, FiberLink, Hotspot

from ..models import AreaScore, ScoreRun
from . import metrics, rules
from .methodology import Methodology, available, load_methodology

# AreaCoverage fields a metric may read.
COVERAGE_FIELDS = [
    "area_m2", "covered_m2", "covered_pct", "population", "covered_population",
    "covered_population_pct", "hotspots_total", "hotspots_active", "hotspots_down",
    "hotspots_per_km2", "hotspots_per_10k", "leaf_count", "leaves_with_hotspot", "facilities",
    "fiber_route_m", "fiber_m_per_km2",
]


class ScoringError(Exception):
    """Scores that cannot be computed (e.g. no coverage run and no areas)."""


def coverage_rows(run: CoverageRun, *, level: int | None = None, codes=None) -> list[dict]:
    """The run's per-area figures as dicts (with `code`, `name`, `level`), by code."""
    rows = run.areas.all()
    if level is not None:
        rows = rows.filter(level=level)
    if codes is not None:
        rows = rows.filter(area__code__in=list(codes))
    return list(rows.order_by("area__code").values(
        "area_id", "level", *COVERAGE_FIELDS, code=F("area__code"), name=F("area__name")))


def explain_indicator(indicator, row: dict) -> dict:
    """Measure and score one indicator on one area's figures (weights not yet applied)."""
    measured = metrics.measure(indicator.metric, row, indicator.params)
    sub = rules.apply_rule(measured.value, indicator.rule, target=indicator.target,
                           direction=indicator.direction)
    return {
        "id": indicator.id,
        "name": indicator.name,
        "metric": indicator.metric,
        "params": indicator.params,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "rule": indicator.rule,
        "reference": indicator.reference,
        "value": measured.value,
        "numerator": measured.numerator,
        "denominator": measured.denominator,
        "inputs": measured.inputs,
        "target": indicator.target,
        "sub_score": sub.score,
        "level": sub.level,
        "capped": sub.capped,
        "weight": indicator.weight,
    }


def score_area(methodology: Methodology, row: dict) -> dict[str, dict]:
    """Per dimension: the score and the explanation of every indicator for one area."""
    result = {}
    for dimension in methodology.dimensions:
        items = [explain_indicator(indicator, row) for indicator in dimension.indicators]
        score, parts = rules.combine([(item["weight"], item["sub_score"]) for item in items])
        for item, part in zip(items, parts, strict=True):
            item["effective_weight"] = part.effective_weight
            item["contribution"] = part.contribution
            item["status"] = "scored" if part.contribution is not None else "not_measurable"
        result[dimension.id] = {"score": score, "indicators": items}
    return result


def results_hash(rows: list[dict]) -> str:
    """SHA-256 of canonical JSON of area scores: identical numbers give an identical hash."""
    canonical = json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def coverage_run_for(as_of: datetime.date | None, *, compute_missing: bool = False
                     ) -> CoverageRun | None:
    """The snapshot run for the date (`latest_run`; without a date the latest one), made
    when missing only with `compute_missing` (commands and permitted POSTs: never a GET)."""
    run = latest_run(as_of)
    if run is None and compute_missing:
        run = compute_coverage(as_of)
    return run


def make_snapshot(as_of: datetime.date | None = None, **coverage_options) -> CoverageRun:
    """A snapshot made on purpose: the coverage run for the date and, for a run of all
    areas, its scores under every bundled methodology, so that GETs (scores, `/penilai/`,
    evidence packs) find everything they read already stored."""
    with transaction.atomic():
        run = compute_coverage(as_of, **coverage_options)
        if run.scope_id is None:
            for name in available():
                compute_scores(methodology=load_methodology(name), coverage_run=run)
    return run


def compute_scores(as_of: datetime.date | None = None, *, methodology: Methodology | None = None,
                   coverage_run: CoverageRun | None = None) -> ScoreRun:
    """Score every area of the coverage run for `as_of` (computed if missing) and store it."""
    started = time.monotonic()
    methodology = methodology or load_methodology()
    if coverage_run is None:
        coverage_run = coverage_run_for(as_of or timezone.localdate(), compute_missing=True)
    rows = coverage_rows(coverage_run)
    if not rows:
        raise ScoringError(f"Coverage run #{coverage_run.pk} has no area results.")
    scored = []
    for row in rows:
        for dimension_id, result in score_area(methodology, row).items():
            scored.append({"code": row["code"], "area_id": row["area_id"], "level": row["level"],
                           "dimension": dimension_id, **result})
    digest = results_hash([{k: v for k, v in item.items() if k != "area_id"}
                           for item in scored])
    with transaction.atomic():
        run = ScoreRun.objects.create(
            as_of=coverage_run.as_of,
            coverage_run=coverage_run,
            methodology_id=methodology.id,
            methodology_version=methodology.version,
            methodology_sha256=methodology.sha256,
            methodology=methodology.data,
            inputs=run_inputs(coverage_run),
            code_version=code_version(),
            results_sha256=digest,
        )
        AreaScore.objects.bulk_create(
            [AreaScore(run=run, area_id=item["area_id"], level=item["level"],
                       dimension=item["dimension"], score=item["score"],
                       indicators=item["indicators"]) for item in scored],
            batch_size=1000,
        )
        run.duration_s = time.monotonic() - started
        run.save(update_fields=["duration_s"])
    return run


def run_inputs(coverage_run: CoverageRun) -> dict:
    """What a score run read: the coverage run's identity, data hash and parameters."""
    return {
        "coverage_run": coverage_run.pk,
        "coverage_as_of": coverage_run.as_of.isoformat(),
        "data_hash": coverage_run.data_hash,
        "coverage_parameters": coverage_run.parameters,
        "coverage_input_counts": coverage_run.input_counts,
        "coverage_code_version": coverage_run.code_version,
    }


def score_run_for(as_of: datetime.date | None = None, *, methodology: Methodology | None = None,
                  compute_missing: bool = False) -> ScoreRun | None:
    """The stored score run of the snapshot run for the date under this methodology.

    Without `as_of`: of the latest snapshot (`latest_run`). Missing runs are made only with
    `compute_missing` (commands and permitted POSTs; a GET never writes).
    """
    methodology = methodology or load_methodology()
    coverage_run = coverage_run_for(as_of, compute_missing=compute_missing)
    if coverage_run is None:
        return None
    run = (ScoreRun.objects.filter(coverage_run=coverage_run,
                                   methodology_sha256=methodology.sha256)
           .order_by("-created").first())
    if run is None and compute_missing:
        run = compute_scores(methodology=methodology, coverage_run=coverage_run)
    return run


def area_results(run: ScoreRun, *, level: int | None = None, area_code: str | None = None
                 ) -> list[dict]:
    """Stored scores grouped per area: code, name, level, and per dimension score+explanation."""
    scores = run.scores.select_related("area").order_by("level", "area__code", "dimension")
    if level is not None:
        scores = scores.filter(level=level)
    if area_code:
        scores = scores.filter(Q(area__code=area_code) | Q(area__code__startswith=f"{area_code}."))
    order = [d["id"] for d in run.methodology.get("dimensions", [])]
    grouped: dict[str, dict] = {}
    for score in scores:
        entry = grouped.setdefault(score.area.code, {
            "code": score.area.code, "name": score.area.name, "level": score.level,
            "dimensions": {},
        })
        entry["dimensions"][score.dimension] = {"score": score.score,
                                                "indicators": score.indicators}
    for entry in grouped.values():
        entry["dimensions"] = {d: entry["dimensions"][d] for d in order
                               if d in entry["dimensions"]}
    return list(grouped.values())


def run_summary(run: ScoreRun) -> dict:
    """A score run's metadata (methodology, inputs, hashes), JSON-ready."""
    return {
        "id": run.pk,
        "as_of": run.as_of.isoformat(),
        "created": run.created.isoformat(),
        "methodology": {"id": run.methodology_id, "version": run.methodology_version,
                        "sha256": run.methodology_sha256,
                        "name": run.methodology.get("name")},
        "dimensions": [{"id": d["id"], "name": d["name"]}
                       for d in run.methodology.get("dimensions", [])],
        "inputs": run.inputs,
        "code_version": run.code_version,
        "results_sha256": run.results_sha256,
    }


# --- comparing two dates ------------------------------------------------------------------


@dataclass
class Comparison:
    """Indicator-by-indicator change between two score runs, with the registry changes."""

    before: ScoreRun
    after: ScoreRun
    areas: list[dict]
    registry: dict

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"before": run_summary(self.before), "after": run_summary(self.after),
                "same_methodology": self.before.methodology_sha256
                == self.after.methodology_sha256,
                "areas": self.areas, "registry_changes": self.registry}


def compare_runs(before: ScoreRun, after: ScoreRun, *, area_code: str | None = None,
                 level: int | None = None) -> Comparison:
    """What changed in each indicator between two score runs, and why (inputs, registry)."""
    if before.as_of > after.as_of:
        before, after = after, before
    old = {a["code"]: a for a in area_results(before, level=level, area_code=area_code)}
    new = area_results(after, level=level, area_code=area_code)
    areas = []
    for entry in new:
        previous = old.get(entry["code"], {"dimensions": {}})
        dimensions = {}
        for dimension_id, result in entry["dimensions"].items():
            prior = previous["dimensions"].get(dimension_id, {"score": None, "indicators": []})
            prior_items = {item["id"]: item for item in prior["indicators"]}
            dimensions[dimension_id] = {
                "score_before": prior["score"], "score_after": result["score"],
                "delta": _delta(prior["score"], result["score"]),
                "indicators": [_indicator_change(prior_items.get(item["id"]), item)
                               for item in result["indicators"]],
            }
        areas.append({"code": entry["code"], "name": entry["name"], "level": entry["level"],
                      "dimensions": dimensions})
    scope = area_code or _root_code(new)
    registry = registry_changes(scope, before.as_of, after.as_of) if scope else {}
    return Comparison(before, after, areas, registry)


def _root_code(entries: list[dict]) -> str | None:
    return min(entries, key=lambda e: (e["level"], e["code"]))["code"] if entries else None


def _delta(before, after):
    if before is None or after is None:
        return None
    return after - before


def _indicator_change(before: dict | None, after: dict) -> dict:
    """One indicator before and after, and which of its inputs changed."""
    before = before or {}
    old_inputs, new_inputs = before.get("inputs", {}), after.get("inputs", {})
    changed = {key: [old_inputs.get(key), value] for key, value in new_inputs.items()
               if old_inputs.get(key) != value}
    return {
        "id": after["id"], "name": after["name"], "unit": after["unit"],
        "value_before": before.get("value"), "value_after": after["value"],
        "value_delta": _delta(before.get("value"), after["value"]),
        "sub_score_before": before.get("sub_score"), "sub_score_after": after["sub_score"],
        "contribution_before": before.get("contribution"),
        "contribution_after": after["contribution"],
        "contribution_delta": _delta(before.get("contribution"), after["contribution"]),
        "changed_inputs": changed,
    }


def registry_changes(area_code: str, start: datetime.date, end: datetime.date,
                     limit: int = 200) -> dict:
    """Assets installed or decommissioned in (start, end] in the area: the why of a change."""
    def dated(model, field):
        if model is FiberLink:  # a span belongs to the area of its start node
            rows = model.objects.filter(Q(start_node__area__code=area_code)
                                        | Q(start_node__area__code__startswith=f"{area_code}."))
        else:
            rows = model.objects.in_area(area_code)
        rows = rows.filter(**{f"{field}__gt": start, f"{field}__lte": end}).order_by(field, "pk")
        return [{"id": r.pk, "name": r.name, "date": getattr(r, field).isoformat()}
                for r in rows[:limit]], rows.count()

    changes = {"area": area_code, "from": start.isoformat(), "to": end.isoformat()}
    for key, model in (("hotspots", Hotspot), ("facilities", Facility),
                       ("fiber_links", FiberLink)):
        installed, n_installed = dated(model, "installed_on")
        removed, n_removed = dated(model, "decommissioned_on")
        changes[key] = {"installed": n_installed, "decommissioned": n_removed,
                        "installed_list": installed, "decommissioned_list": removed}
    changes["hotspots"]["not_active_now"] = (
        Hotspot.objects.filter(is_free=True).in_area(area_code).in_service(end).count()
        - Hotspot.objects.working(end).in_area(area_code).count()
    )
    return changes
