"""Evidence packs: one zip per date with a printable report and the inputs and results.

Files: report.html (printable, self-contained), report.pdf (when WeasyPrint is installed),
results.json, scores.csv, areas.geojson, white_zones.geojson, claims.json and manifest.json
(methodology version and hash, coverage parameters, data snapshot hash, code version and the
SHA-256 of every file). Data files hold no database ids or timestamps, so the same data gives
byte-identical results.json, scores.csv, GeoJSON and claims.json.
"""

import csv
import datetime
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import GEOSGeometry
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from core.choices import AreaLevel
from geo.coverage.services import code_version
from geo.models import AdminArea, CoverageRun, WhiteZone

from ..models import Claim, ScoreRun
from .claims import Verification, verify_claims
from .methodology import Methodology, load_methodology
from .services import (
    COVERAGE_FIELDS,
    ScoringError,
    area_results,
    compare_runs,
    coverage_rows,
    run_summary,
    score_run_for,
)

SVG_WIDTH = 640
# Presentation attributes (not CSS classes) so that every renderer, WeasyPrint included,
# draws the map the same way.
SVG_STYLES = {
    "outline": 'fill="none" stroke="#555555" stroke-width="0.8"',
    "covered": 'fill="#43a047" fill-opacity="0.6" stroke="none"',
    "gap": 'fill="#e53935" fill-opacity="0.55" stroke="#b71c1c" stroke-width="0.4"',
    "failing": 'fill="#fb8c00" fill-opacity="0.45" stroke="#e65100" stroke-width="1"',
    "facility": 'fill="#1e88e5" stroke="#ffffff" stroke-width="1"',
}
DATA_FILES = ["results.json", "scores.csv", "areas.geojson", "white_zones.geojson",
              "claims.json"]
CSV_COLUMNS = ["code", "name", "level", "dimension", "dimension_score", "indicator",
               "indicator_name", "metric", "value", "unit", "direction", "target", "rule",
               "sub_score", "level_1_5", "weight", "effective_weight", "contribution",
               "numerator", "denominator"]


@dataclass
class EvidencePack:
    """The files of an evidence pack (name → bytes) and its manifest."""

    as_of: datetime.date
    score_run: ScoreRun
    files: dict[str, bytes] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)

    def zip_bytes(self) -> bytes:
        """The pack as a zip; entries sorted, dated with the as-of date (reproducible)."""
        buffer = io.BytesIO()
        stamp = (max(self.as_of.year, 1980), self.as_of.month, self.as_of.day, 0, 0, 0)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(self.files):
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, self.files[name])
        return buffer.getvalue()

    @property
    def filename(self) -> str:
        """`simpul-evidence-<methodology>-<date>.zip`."""
        return f"simpul-evidence-{self.score_run.methodology_id}-{self.as_of:%Y-%m-%d}.zip"


def text(value) -> str:
    """The UI-language text of a {id, en} mapping (Bahasa Indonesia by default)."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    return value.get("en" if (get_language() or "").startswith("en") else "id") or ""


def _dumps(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def coverage_summary(coverage_run: CoverageRun) -> dict:
    """The coverage run's reproducibility fields (no database id, no timestamp)."""
    return {"as_of": coverage_run.as_of.isoformat(), "parameters": coverage_run.parameters,
            "input_counts": coverage_run.input_counts, "data_hash": coverage_run.data_hash,
            "code_version": coverage_run.code_version,
            "fiber_total_route_m": coverage_run.fiber.get("total_route_m")}


def results_document(score_run: ScoreRun) -> dict:
    """results.json: methodology, coverage inputs per area, scores with explanations."""
    coverage = [{k: v for k, v in row.items() if k != "area_id"}
                for row in coverage_rows(score_run.coverage_run)]
    return {
        "as_of": score_run.as_of.isoformat(),
        "methodology": {"id": score_run.methodology_id, "version": score_run.methodology_version,
                        "sha256": score_run.methodology_sha256,
                        "content": score_run.methodology},
        "coverage": coverage_summary(score_run.coverage_run),
        "coverage_by_area": coverage,
        "scores": area_results(score_run),
        "results_sha256": score_run.results_sha256,
    }


def scores_csv(score_run: ScoreRun) -> bytes:
    """scores.csv: one row per area, dimension and indicator."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in area_results(score_run):
        for dimension_id, result in entry["dimensions"].items():
            for item in result["indicators"]:
                writer.writerow([
                    entry["code"], entry["name"], entry["level"], dimension_id,
                    _num(result["score"]), item["id"], item["name"]["id"], item["metric"],
                    _num(item["value"]), item["unit"], item["direction"], _num(item["target"]),
                    item["rule"]["type"], _num(item["sub_score"]), item["level"] or "",
                    _num(item["weight"]), _num(item["effective_weight"]),
                    _num(item["contribution"]), _num(item["numerator"]),
                    _num(item["denominator"]),
                ])
    return buffer.getvalue().encode()


def _num(value) -> str:
    return "" if value is None else repr(float(value))


def areas_geojson(score_run: ScoreRun) -> dict:
    """areas.geojson: every area's boundary with its coverage figures and dimension scores."""
    scores = {e["code"]: e["dimensions"] for e in area_results(score_run)}
    coverage = {row["code"]: row for row in coverage_rows(score_run.coverage_run)}
    features = []
    areas = AdminArea.objects.filter(code__in=list(coverage)).annotate(
        geojson=AsGeoJSON("geom", precision=6)).order_by("level", "code")
    for area in areas:
        row = coverage[area.code]
        properties = {"code": area.code, "name": area.name, "level": area.level}
        properties.update({name: row[name] for name in COVERAGE_FIELDS if name != "facilities"})
        for dimension_id, result in scores.get(area.code, {}).items():
            properties[f"score_{dimension_id}"] = result["score"]
        features.append({"type": "Feature", "geometry": json.loads(area.geojson),
                         "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def white_zones_geojson(coverage_run: CoverageRun) -> dict:
    """white_zones.geojson: the run's uncovered polygons, largest first."""
    zones = (WhiteZone.objects.filter(run=coverage_run).select_related("area")
             .annotate(geojson=AsGeoJSON("geom", precision=6)).order_by("rank"))
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(z.geojson),
         "properties": {"rank": z.rank, "area_code": z.area.code, "area_name": z.area.name,
                        "area_m2": z.area_m2, "population": z.population}}
        for z in zones]}


def claims_document(verifications: list[Verification]) -> list[dict]:
    """claims.json: each claim's verdict, measurements and evidence (no database ids)."""
    documents = []
    for verification in verifications:
        data = verification.as_dict()
        data["claim"].pop("id", None)
        if data["coverage_run"]:
            data["coverage_run"].pop("id", None)
        documents.append(data)
    return documents


# --- the printable report ----------------------------------------------------------------


def svg_map(layers: list[tuple[list, str]], *, width: int = SVG_WIDTH) -> str:
    """A small static SVG map (no JavaScript, printable) of GEOS geometries in EPSG:4326.

    `layers` are (geometries, CSS class) pairs drawn in order; coordinates are projected to
    the analysis CRS so that the map keeps true proportions.
    """
    projected = []
    for geoms, css in layers:
        projected.append(([g.transform(settings.SIMPUL_ANALYSIS_SRID, clone=True)
                           for g in geoms if g is not None and not g.empty], css))
    extents = [g.extent for geoms, _ in projected for g in geoms]
    if not extents:
        return ""
    minx = min(e[0] for e in extents)
    miny = min(e[1] for e in extents)
    maxx = max(e[2] for e in extents)
    maxy = max(e[3] for e in extents)
    span_x, span_y = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    scale = (width - 10) / span_x
    height = round(span_y * scale) + 10

    def xy(x, y):
        return f"{5 + (x - minx) * scale:.1f},{5 + (maxy - y) * scale:.1f}"

    def rings(geom):
        if geom.geom_type == "Polygon":
            return list(geom)
        if geom.geom_type == "MultiPolygon":
            return [ring for polygon in geom for ring in polygon]
        return []

    shapes = []
    for geoms, css in projected:
        style = SVG_STYLES.get(css, "")
        for geom in geoms:
            if geom.geom_type == "Point":
                cx, cy = xy(geom.x, geom.y).split(",")
                shapes.append(f'<circle class="{css}" {style} cx="{cx}" cy="{cy}" r="3"/>')
                continue
            path = " ".join("M" + " L".join(xy(x, y) for x, y in ring.coords) + " Z"
                            for ring in rings(geom))
            if path:
                shapes.append(f'<path class="{css}" {style} fill-rule="evenodd" d="{path}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="simpul-svg-map" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
            + "".join(shapes) + "</svg>")


def _claim_map(verification: Verification, outlines: list) -> str:
    """The gap map of a claim over the desa/kelurahan outlines, or '' without gaps."""
    features = verification.gaps.get("features", [])
    if not features:
        return ""
    by_kind: dict[str, list] = {}
    for feature in features:
        by_kind.setdefault(feature["properties"]["kind"], []).append(
            GEOSGeometry(json.dumps(feature["geometry"]), srid=4326))
    return svg_map([(outlines, "outline"), (by_kind.get("failing_area", []), "failing"),
                    (by_kind.get("white_zone", []), "gap"),
                    (by_kind.get("failing_facility", []), "facility")])


def report_context(score_run: ScoreRun, verifications: list[Verification], *,
                   comparison=None, maps: bool = True) -> dict:
    """Everything the report template shows, labels in the UI language."""
    entries = area_results(score_run)
    for entry in entries:
        for result in entry["dimensions"].values():
            for item in result["indicators"]:
                item["label"] = text(item["name"])
    dimensions = [{"id": d["id"], "label": text(d["name"])}
                  for d in score_run.methodology.get("dimensions", [])]
    coverage_run = score_run.coverage_run
    outlines = [a.geom for a in AdminArea.objects.filter(
        level=AreaLevel.DESA_KELURAHAN,
        pk__in=coverage_run.areas.values("area_id")).order_by("code")]
    overview = ""
    if maps:
        covered = list(coverage_run.areas.filter(level=AreaLevel.DESA_KELURAHAN)
                       .exclude(covered_geom=None).values_list("covered_geom", flat=True))
        zones = list(coverage_run.white_zones.values_list("geom", flat=True))
        overview = svg_map([(outlines, "outline"), (covered, "covered"), (zones, "gap")])
    claims = []
    for verification in verifications:
        data = verification.as_dict()
        data["map"] = _claim_map(verification, outlines) if maps else ""
        names = {a["code"]: a["name"] for a in data["areas"]}
        data["failing_names"] = [names.get(code, code)
                                 for code in data["evidence"].get("failing_areas", [])]
        claims.append(data)
    return {
        "run": run_summary(score_run),
        "methodology_label": text(score_run.methodology.get("name")),
        "coverage": coverage_summary(coverage_run),
        "dimensions": dimensions,
        "cities": [e for e in entries if e["level"] == AreaLevel.KABUPATEN_KOTA],
        "kecamatan": [e for e in entries if e["level"] == AreaLevel.KECAMATAN],
        "kelurahan": [e for e in entries if e["level"] == AreaLevel.DESA_KELURAHAN],
        "claims": claims,
        "comparison": _comparison_context(comparison) if comparison else None,
        "overview_map": overview,
        "generated_code_version": code_version(),
    }


def _comparison_context(comparison) -> dict:
    data = comparison.as_dict()
    for area in data["areas"]:
        for result in area["dimensions"].values():
            for item in result["indicators"]:
                item["label"] = text(item["name"])
    data["top"] = [a for a in data["areas"] if a["level"] <= AreaLevel.KECAMATAN
                   and a["level"] >= AreaLevel.KABUPATEN_KOTA]
    return data


def render_report(context: dict, *, standalone: bool = True, request=None) -> str:
    """The report as HTML: standalone (inline CSS, for the pack and PDF) or as a site page."""
    template = "assessor/report.html" if standalone else "assessor/report_page.html"
    return render_to_string(template, context, request=request)


def pdf_bytes(html: str) -> bytes | None:
    """The report as PDF with WeasyPrint, or None when WeasyPrint is not installed."""
    try:
        import weasyprint
    except ImportError:
        return None
    return weasyprint.HTML(string=html).write_pdf()


# --- building a pack ---------------------------------------------------------------------


def build_pack(as_of: datetime.date | None = None, *, methodology: Methodology | None = None,
               compare_with: datetime.date | None = None, compute_missing: bool = False,
               pdf: bool = True) -> EvidencePack:
    """Build the evidence pack for a date (default: today) under a methodology."""
    methodology = methodology or load_methodology()
    as_of = as_of or timezone.localdate()
    score_run = score_run_for(as_of, methodology=methodology, compute_missing=compute_missing)
    if score_run is None:
        raise ScoringError(f"No coverage run as of {as_of.isoformat()}; run compute_coverage.")
    claims = Claim.objects.select_related("area").order_by("refers_to", "pk")
    verifications = verify_claims(claims, as_of, compute_missing=compute_missing)
    comparison = None
    if compare_with is not None:
        other = score_run_for(compare_with, methodology=methodology,
                              compute_missing=compute_missing)
        if other is None:
            raise ScoringError(f"No coverage run as of {compare_with.isoformat()}.")
        comparison = compare_runs(other, score_run)
    files = {
        "results.json": _dumps(results_document(score_run)),
        "scores.csv": scores_csv(score_run),
        "areas.geojson": _dumps(areas_geojson(score_run)),
        "white_zones.geojson": _dumps(white_zones_geojson(score_run.coverage_run)),
        "claims.json": _dumps(claims_document(verifications)),
    }
    if comparison is not None:
        data = comparison.as_dict()
        for side in ("before", "after"):
            data[side] = {k: v for k, v in data[side].items() if k not in ("id", "created")}
        files["comparison.json"] = _dumps(data)
    html = render_report(report_context(score_run, verifications, comparison=comparison))
    files["report.html"] = html.encode()
    if pdf:
        document = pdf_bytes(html)
        if document is not None:
            files["report.pdf"] = document
    manifest = {
        "generated_at": timezone.now().isoformat(),
        "as_of": as_of.isoformat(),
        "methodology": {"id": score_run.methodology_id, "version": score_run.methodology_version,
                        "sha256": score_run.methodology_sha256},
        "coverage": coverage_summary(score_run.coverage_run),
        "score_run": score_run.pk,
        "coverage_run": score_run.coverage_run_id,
        "results_sha256": score_run.results_sha256,
        "code_version": code_version(),
        "compared_with": compare_with.isoformat() if compare_with else None,
        "files": {name: _sha256(data) for name, data in sorted(files.items())},
    }
    files["manifest.json"] = _dumps(manifest)
    return EvidencePack(as_of, score_run, files, manifest)
