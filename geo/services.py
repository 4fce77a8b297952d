"""Loading administrative boundaries into the area hierarchy.

`load_areas` reads a GeoJSON, GeoPackage or Shapefile, checks every feature before writing
anything, upserts areas by Kemendagri code, creates the missing parent levels from the
codes and dissolves their geometry from their children, all in one transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction
from django.utils import timezone

from .choices import AreaLevel
from .codes import ancestors_of, kind_of, level_of, normalize_code, parent_of
from .constants import DERIVED_SOURCE, PARENT_NAME_FIELDS, PROVINSI_NAMES
from .models import AdminArea

LEVEL_NAMES = {
    "provinsi": AreaLevel.PROVINSI,
    "kabupaten_kota": AreaLevel.KABUPATEN_KOTA,
    "kabupaten": AreaLevel.KABUPATEN_KOTA,
    "kota": AreaLevel.KABUPATEN_KOTA,
    "kecamatan": AreaLevel.KECAMATAN,
    "desa_kelurahan": AreaLevel.DESA_KELURAHAN,
    "desa": AreaLevel.DESA_KELURAHAN,
    "kelurahan": AreaLevel.DESA_KELURAHAN,
}
MAX_REPORTED_ERRORS = 50


class AreaLoadError(Exception):
    """A boundary file that cannot be loaded; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:MAX_REPORTED_ERRORS]
        more = len(errors) - len(shown)
        text = "\n".join(shown) + (f"\n… and {more} more errors" if more > 0 else "")
        super().__init__(text)


@dataclass
class AreaLoadSummary:
    """What a load did (or, in a dry run, would do)."""

    features: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    parents_created: list[str] = field(default_factory=list)
    parents_dissolved: int = 0
    repaired: list[str] = field(default_factory=list)
    dry_run: bool = False


def parse_level(name: str) -> AreaLevel:
    """The level named on the command line (`kelurahan`, `desa`, `kecamatan`, …)."""
    try:
        return LEVEL_NAMES[name.strip().lower()]
    except KeyError:
        raise AreaLoadError(
            [f"Unknown level {name!r}; use one of: {', '.join(sorted(LEVEL_NAMES))}."]
        ) from None


def read_boundaries(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a spatial file into a GeoDataFrame in EPSG:4326, with clear errors."""
    path = Path(path)
    if not path.exists():
        raise AreaLoadError([f"File not found: {path}"])
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises several error types for unreadable files
        raise AreaLoadError(
            [
                f"{path.name} is not a spatial file GDAL can read (GeoJSON, GeoPackage, "
                f"Shapefile, …): {exc}"
            ]
        ) from exc
    if layer is not None and layer not in layers:
        raise AreaLoadError(
            [f"Layer {layer!r} not found in {path.name}; its layers are: {', '.join(layers)}."]
        )
    if layer is None and len(layers) > 1:
        raise AreaLoadError(
            [f"{path.name} has several layers ({', '.join(layers)}); choose one with --layer."]
        )
    frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    where = f"{path.name}" + (f" (layer {layer})" if layer else "")
    if len(frame) == 0:
        raise AreaLoadError([f"{where} has no features."])
    if "geometry" not in frame or frame.geometry.isna().all():
        raise AreaLoadError([f"{where} has no geometry: it is not a spatial layer."])
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise AreaLoadError(
                [
                    f"{where} declares no CRS and its coordinates are not longitude/latitude; "
                    "declare the CRS in the file."
                ]
            )
        frame = frame.set_crs(4326)
    elif frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    return frame


def load_areas(path: Path, *, layer: str | None = None, **options) -> AreaLoadSummary:
    """Load the areas of one level from a boundary file; see `load_area_frame`."""
    frame = read_boundaries(path, layer)
    source = Path(path).name + (f":{layer}" if layer else "")
    return load_area_frame(frame, source=source, **options)


def load_area_frame(
    frame: gpd.GeoDataFrame,
    *,
    source: str,
    level: str,
    code_field: str,
    name_field: str,
    population_field: str | None = None,
    population_year: int | None = None,
    population_source: str = "",
    parent_name_fields: dict[int, str] | None = None,
    make_valid: bool = False,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> AreaLoadSummary:
    """Load areas of one level from a GeoDataFrame in EPSG:4326, atomically.

    Every feature is checked first; AreaLoadError names every bad feature and nothing is
    written. Existing areas are updated by code only when something changed, so loading the
    same data twice changes nothing. In a dry run everything is done and rolled back.
    """
    say = progress or (lambda message: None)
    target_level = parse_level(level)
    if population_field and not population_year:
        raise AreaLoadError(["--population-year is required with --population-field."])
    rows, repaired = _validated_rows(
        frame,
        target_level,
        code_field,
        name_field,
        population_field,
        make_valid,
        parent_name_fields or {},
    )
    say(f"{len(rows)} features checked")
    summary = AreaLoadSummary(features=len(rows), repaired=repaired, dry_run=dry_run)
    with transaction.atomic():
        _create_missing_parents(rows, summary)
        _upsert(rows, summary, source, population_year, population_source)
        say(f"{len(summary.created)} created, {len(summary.updated)} updated")
        dissolved: list[str] = []
        if summary.created or summary.updated or summary.parents_created:
            dissolved = _dissolve_derived_parents(
                {parent_of(r["code"]) for r in rows if parent_of(r["code"])}
            )
        summary.parents_dissolved = len(dissolved)
        _record_history(summary.created, summary.updated + dissolved, f"load_areas {source}")
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _validated_rows(
    frame, target_level, code_field, name_field, population_field, make_valid, parent_name_fields
):
    """Check every feature; return clean rows and the codes repaired, or raise."""
    columns = [c for c in frame.columns if c != "geometry"]
    missing = [f for f in (code_field, name_field, population_field) if f and f not in frame]
    missing += [f for f in parent_name_fields.values() if f not in frame]
    if missing:
        raise AreaLoadError(
            [
                f"Field {name!r} not found; the file's fields are: {', '.join(columns)}."
                for name in missing
            ]
        )
    name_fields = {
        lvl: parent_name_fields.get(lvl) or next((f for f in cands if f in frame), None)
        for lvl, cands in PARENT_NAME_FIELDS.items()
    }
    errors: list[str] = []
    rows: list[dict] = []
    repaired: list[str] = []
    first_seen: dict[str, int] = {}
    for number, (_, feature) in enumerate(frame.iterrows(), start=1):
        raw_code = feature[code_field]
        label = f"Feature {number}"
        try:
            code = normalize_code(raw_code)
        except ValueError as exc:
            errors.append(f"{label}: field {code_field!r}: {exc}.")
            continue
        label = f"Feature {number} ({code_field} {code})"
        if level_of(code) != target_level:
            errors.append(
                f"{label}: the code is of level {level_of(code).label}, not {target_level.label}."
            )
            continue
        if code in first_seen:
            errors.append(f"{label}: duplicate code, also feature {first_seen[code]}.")
            continue
        first_seen[code] = number
        name = feature[name_field]
        if pd.isna(name) or not str(name).strip():
            errors.append(f"{label}: field {name_field!r} is empty.")
            continue
        geom = feature.geometry
        geom, problem, was_repaired = _checked_geometry(geom, make_valid)
        if problem:
            errors.append(f"{label}: {problem}")
            continue
        if was_repaired:
            repaired.append(code)
        population = None
        if population_field:
            population, problem = _whole_number(feature[population_field])
            if problem:
                errors.append(f"{label}: field {population_field!r}: {problem}")
                continue
        parent_names = {
            lvl: str(feature[fname]).strip()
            for lvl, fname in name_fields.items()
            if fname and lvl < target_level and not pd.isna(feature[fname])
        }
        rows.append(
            {
                "code": code,
                "name": str(name).strip(),
                "geom": geom,
                "repaired": was_repaired,
                "population": population,
                "parent_names": parent_names,
            }
        )
    if errors:
        raise AreaLoadError(errors)
    return rows, repaired


def _checked_geometry(geom, make_valid):
    """Return (MultiPolygon, problem, repaired) for one feature's geometry."""
    if not isinstance(geom, shapely.Geometry) or geom.is_empty:
        return None, "no geometry.", False
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None, f"geometry type {geom.geom_type} is not a (multi)polygon.", False
    repaired = False
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        if not make_valid:
            return None, f"invalid geometry: {reason}. Use --make-valid to repair it.", False
        geom = shapely.make_valid(geom)
        polygons = [
            g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")
        ]
        geom = shapely.union_all(polygons)
        repaired = True
    if geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    if shapely.has_z(geom):
        geom = shapely.force_2d(geom)
    return geom, None, repaired


def _whole_number(value):
    """Return (int or None, problem) for a population value."""
    if value is None or pd.isna(value) or str(value).strip() == "":
        return None, None
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        return None, f"{value!r} is not a number."
    if number < 0 or number != int(number):
        return None, f"{value!r} is not a whole number of people."
    return int(number), None


def _create_missing_parents(rows, summary):
    """Create the ancestors the codes imply, with empty geometry to be dissolved later."""
    names: dict[str, str] = {}
    for row in rows:
        for ancestor in ancestors_of(row["code"]):
            lvl = level_of(ancestor)
            names.setdefault(ancestor, row["parent_names"].get(lvl) or "")
    existing = set(AdminArea.objects.filter(code__in=names).values_list("code", flat=True))
    ids = dict(AdminArea.objects.filter(code__in=names).values_list("code", "id"))
    empty = GEOSGeometry("SRID=4326;MULTIPOLYGON EMPTY")
    for code in sorted(set(names) - existing, key=lambda c: (c.count("."), c)):
        name = names[code] or PROVINSI_NAMES.get(code) or code
        area = AdminArea.objects.create(
            code=code,
            name=name,
            level=level_of(code),
            kind=kind_of(code),
            parent_id=ids.get(parent_of(code)) if parent_of(code) else None,
            geom=empty,
            source=DERIVED_SOURCE,
        )
        ids[code] = area.id
        summary.parents_created.append(code)


def _upsert(rows, summary, source, population_year, population_source):
    """Insert new areas and update changed ones, leaving identical ones untouched."""
    codes = [r["code"] for r in rows]
    existing = {
        code: (name, bytes(wkb), population, year)
        for code, name, wkb, population, year in _existing_areas(codes)
    }
    parent_ids = dict(
        AdminArea.objects.filter(
            code__in={parent_of(c) for c in codes if parent_of(c)}
        ).values_list("code", "id")
    )
    now = timezone.now()
    to_create, to_update = [], []
    for row in rows:
        code = row["code"]
        wkb = shapely.to_wkb(row["geom"], output_dimension=2, byte_order=1)
        year = population_year if row["population"] is not None else None
        area = AdminArea(
            code=code,
            name=row["name"],
            level=level_of(code),
            kind=kind_of(code),
            parent_id=parent_ids.get(parent_of(code)) if parent_of(code) else None,
            geom=GEOSGeometry(memoryview(wkb), srid=4326),
            population=row["population"],
            population_year=year,
            population_source=population_source if year else "",
            source=source,
            geom_repaired=row["repaired"],
            created=now,
            last_updated=now,
        )
        if code not in existing:
            to_create.append(area)
        elif existing[code] != (row["name"], wkb, row["population"], year):
            to_update.append(area)
        else:
            summary.unchanged += 1
    AdminArea.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        ids = dict(
            AdminArea.objects.filter(code__in=[a.code for a in to_update]).values_list("code", "id")
        )
        for area in to_update:
            area.id = ids[area.code]
        AdminArea.objects.bulk_update(
            to_update,
            [
                "name",
                "geom",
                "population",
                "population_year",
                "population_source",
                "source",
                "geom_repaired",
                "last_updated",
            ],
            batch_size=500,
        )
    touched = [a.code for a in to_create + to_update]
    AdminArea.objects.filter(code__in=touched).update_area_m2()
    summary.created = [a.code for a in to_create]
    summary.updated = [a.code for a in to_update]


def _existing_areas(codes):
    """(code, name, WKB, population, year) of the stored areas among `codes`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code, name, ST_AsBinary(geom, 'NDR'), population, population_year "
            "FROM geo_adminarea "
            "WHERE code = ANY(%s)",
            [list(codes)],
        )
        return cursor.fetchall()


def _record_history(created: list[str], updated: list[str], reason: str) -> None:
    """Write one history row per created or changed area, with its final stored state.

    Bulk inserts and SQL updates bypass django-simple-history's signals, so the rows are
    written here, after area_m2 and the dissolves are final.
    """
    for codes, update in ((created, False), (updated, True)):
        for start in range(0, len(codes), 1000):
            areas = list(AdminArea.objects.filter(code__in=codes[start:start + 1000]))
            AdminArea.history.bulk_history_create(
                areas, update=update, default_change_reason=reason
            )


def _dissolve_derived_parents(parent_codes: set[str]) -> list[str]:
    """Rebuild the geometry and population of derived ancestors from their children.

    Works bottom-up so that a kabupaten is dissolved from freshly dissolved kecamatan.
    Returns the codes of the areas rebuilt.
    """
    codes = set()
    for code in parent_codes:
        codes.add(code)
        codes.update(ancestors_of(code))
    derived = AdminArea.objects.filter(code__in=codes, source=DERIVED_SOURCE)
    rebuilt: list[str] = []
    for level in sorted({level_of(c) for c in codes}, reverse=True):
        ids = list(derived.filter(level=level).values_list("id", flat=True))
        if not ids:
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE geo_adminarea p SET
                    geom = d.geom,
                    population = d.population,
                    population_year = d.population_year,
                    population_source = d.population_source,
                    last_updated = now()
                FROM (
                    SELECT parent_id,
                           ST_Multi(ST_CollectionExtract(ST_Union(geom), 3)) AS geom,
                           CASE WHEN bool_and(population IS NOT NULL)
                                THEN sum(population) END AS population,
                           CASE WHEN bool_and(population IS NOT NULL)
                                THEN max(population_year) END AS population_year,
                           CASE WHEN bool_and(population IS NOT NULL)
                                THEN coalesce(max(population_source), '') ELSE '' END
                                AS population_source
                    FROM geo_adminarea WHERE parent_id = ANY(%s) GROUP BY parent_id
                ) d
                WHERE p.id = d.parent_id
                """,
                [ids],
            )
        AdminArea.objects.filter(id__in=ids).update_area_m2()
        rebuilt += list(derived.filter(level=level).values_list("code", flat=True))
    return rebuilt
