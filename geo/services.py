"""Writing administrative boundaries into the area hierarchy.

`load_areas` reads a GeoJSON, GeoPackage or Shapefile, checks every feature before writing
anything, upserts areas by Kemendagri code, creates the missing parent levels from the
codes, dissolves their geometry from their children and moves point assets to the
desa/kelurahan that now covers them, all in one transaction. `save_area` writes one area
the same way (the API uses it); `delete_area` removes an area nothing depends on.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from django.apps import apps
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext_lazy

from core.choices import AreaKind, AreaLevel
from core.codes import ancestors_of, kind_of, level_of, normalize_code, parent_of
from inventory.models import PointAsset

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


class AssetsOutsideAreas(AreaLoadError):
    """New boundaries would leave point assets outside every desa/kelurahan."""


class AreaInUse(Exception):
    """An area that cannot be deleted because other records still depend on it; the message
    (Bahasa Indonesia, translated) names them."""


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
    assets_moved: int = 0
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
    user=None,
    reason: str | None = None,
) -> AreaLoadSummary:
    """Load areas of one level from a GeoDataFrame in EPSG:4326, atomically.

    Every feature is checked first; AreaLoadError names every bad feature and nothing is
    written. Existing areas are updated by code only when something changed, so loading the
    same data twice changes nothing. Point assets follow changed desa/kelurahan boundaries
    (`AssetsOutsideAreas` if one would be left outside all of them). History rows carry
    `user` and `reason` (default `load_areas <source>`). In a dry run everything is done and
    rolled back.
    """
    say = progress or (lambda message: None)
    reason = reason or f"load_areas {source}"
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
        _create_missing_parents(rows, summary, reason, user)
        reshaped = _upsert(rows, summary, source, population_year, population_source)
        say(f"{len(summary.created)} created, {len(summary.updated)} updated")
        dissolved: list[str] = []
        if summary.created or summary.updated or summary.parents_created:
            dissolved = _dissolve_derived_parents(
                {parent_of(r["code"]) for r in rows if parent_of(r["code"])},
                geometry=bool(reshaped),
            )
        summary.parents_dissolved = len(dissolved)
        _record_history(summary.created, summary.updated + dissolved, reason, user)
        if target_level == AreaLevel.DESA_KELURAHAN and reshaped:
            summary.assets_moved = _reassign_assets(reshaped, reason, user)
            if summary.assets_moved:
                say(f"{summary.assets_moved} point assets moved to another desa/kelurahan")
        if dry_run:
            transaction.set_rollback(True)
    return summary


def save_area(
    *,
    code: str,
    name: str,
    geom,
    population: int | None = None,
    population_year: int | None = None,
    population_source: str = "",
    source: str = "",
    user=None,
) -> AdminArea:
    """Create or update one area of any level, exactly as `load_areas` would.

    `geom` is a shapely or GEOS (Multi)Polygon in EPSG:4326. The area goes through
    `load_area_frame` as a one-row frame: same checks, missing parents created, derived
    parents dissolved, `area_m2`, history and point assets moved. Raises AreaLoadError
    (AssetsOutsideAreas when the new boundary would leave assets outside every
    desa/kelurahan); nothing is written then. Returns the stored area.
    """
    try:
        code = normalize_code(code)
    except ValueError as exc:
        raise AreaLoadError([f"{exc}."]) from None
    if isinstance(geom, GEOSGeometry):
        geom = shapely.from_wkb(bytes(geom.wkb))
    frame = gpd.GeoDataFrame(
        {"code": [code], "name": [name], "population": [population]},
        geometry=[geom],
        crs=4326,
    )
    load_area_frame(
        frame,
        source=source,
        level=AreaLevel(level_of(code)).name.lower(),
        code_field="code",
        name_field="name",
        population_field="population" if population is not None else None,
        population_year=population_year,
        population_source=population_source,
        user=user,
        reason=f"save_area {code}",
    )
    return AdminArea.objects.select_related("parent").get(code=code)


def delete_area(area: AdminArea, *, user=None) -> None:
    """Delete an area that nothing depends on, then re-dissolve its derived parents.

    Raises AreaInUse (see `ensure_deletable`) while anything still depends on it.
    """
    with transaction.atomic():
        ensure_deletable(area)
        parent_code = parent_of(area.code)
        area._history_user = user
        area.delete()
        if parent_code:
            dissolved = _dissolve_derived_parents({parent_code})
            _record_history([], dissolved, f"delete_area {area.code}", user)


def ensure_deletable(area: AdminArea) -> None:
    """Raise AreaInUse naming what still depends on `area`: child areas, point assets,
    claims, stored coverage or score results (those would otherwise vanish with it)."""
    blockers = _dependents(area)
    if blockers:
        label = area.name if area.name.lower().startswith(area.kind) else (
            f"{area.get_kind_display()} {area.name}"
        )
        raise AreaInUse(
            gettext("%(area)s (%(code)s) masih memiliki %(dependents)s; pindahkan atau "
                    "hapus terlebih dahulu.")
            % {"area": label, "code": area.code, "dependents": ", ".join(blockers)}
        )


def point_asset_models() -> list[type[PointAsset]]:
    """The concrete point-asset models (hotspots, facilities, fiber nodes, …)."""
    return [model for model in apps.get_models() if issubclass(model, PointAsset)]


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


def _create_missing_parents(rows, summary, reason, user):
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
        area = AdminArea(
            code=code,
            name=name,
            level=level_of(code),
            kind=kind_of(code),
            parent_id=ids.get(parent_of(code)) if parent_of(code) else None,
            geom=empty,
            source=DERIVED_SOURCE,
        )
        area._change_reason, area._history_user = reason, user
        area.save()
        ids[code] = area.id
        summary.parents_created.append(code)


def _upsert(rows, summary, source, population_year, population_source) -> list[str]:
    """Insert new areas and update changed ones, leaving identical ones untouched.

    Returns the codes whose geometry is new or changed. A geometry that is kept keeps its
    `geom_repaired` mark.
    """
    codes = [r["code"] for r in rows]
    existing, repaired_before = {}, set()
    for code, name, wkb, population, year, pop_source, area_source, repaired in (
        _existing_areas(codes)
    ):
        existing[code] = (name, bytes(wkb), population, year, pop_source, area_source)
        if repaired:
            repaired_before.add(code)
    parent_ids = dict(
        AdminArea.objects.filter(
            code__in={parent_of(c) for c in codes if parent_of(c)}
        ).values_list("code", "id")
    )
    now = timezone.now()
    to_create, to_update, reshaped = [], [], []
    for row in rows:
        code = row["code"]
        wkb = shapely.to_wkb(row["geom"], output_dimension=2, byte_order=1)
        year = population_year if row["population"] is not None else None
        pop_source = population_source if year else ""
        same_geom = code in existing and existing[code][1] == wkb
        area = AdminArea(
            code=code,
            name=row["name"],
            level=level_of(code),
            kind=kind_of(code),
            parent_id=parent_ids.get(parent_of(code)) if parent_of(code) else None,
            geom=GEOSGeometry(memoryview(wkb), srid=4326),
            population=row["population"],
            population_year=year,
            population_source=pop_source,
            source=source,
            geom_repaired=row["repaired"] or (same_geom and code in repaired_before),
            created=now,
            last_updated=now,
        )
        if code not in existing:
            to_create.append(area)
        elif existing[code] != (row["name"], wkb, row["population"], year, pop_source, source):
            to_update.append(area)
        else:
            summary.unchanged += 1
        if not same_geom:
            reshaped.append(code)
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
    return reshaped


def _existing_areas(codes):
    """(code, name, WKB, population, year, population source, source, repaired) of the
    stored areas among `codes`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code, name, ST_AsBinary(geom, 'NDR'), population, population_year, "
            "population_source, source, geom_repaired "
            "FROM geo_adminarea "
            "WHERE code = ANY(%s)",
            [list(codes)],
        )
        return cursor.fetchall()


def _record_history(created: list[str], updated: list[str], reason: str, user=None) -> None:
    """Write one history row per created or changed area, with its final stored state.

    Bulk inserts and SQL updates bypass django-simple-history's signals, so the rows are
    written here, after area_m2 and the dissolves are final.
    """
    for codes, update in ((created, False), (updated, True)):
        for start in range(0, len(codes), 1000):
            areas = list(AdminArea.objects.filter(code__in=codes[start:start + 1000]))
            AdminArea.history.bulk_history_create(
                areas, update=update, default_change_reason=reason, default_user=user
            )


_DISSOLVE_SQL = """
UPDATE geo_adminarea p SET
    {set_geometry}
    population = d.population,
    population_year = d.population_year,
    population_source = d.population_source,
    last_updated = now()
FROM (
    SELECT parent_id,
           {union}
           CASE WHEN bool_and(population IS NOT NULL) THEN sum(population) END AS population,
           CASE WHEN bool_and(population IS NOT NULL)
                THEN max(population_year) END AS population_year,
           CASE WHEN bool_and(population IS NOT NULL)
                THEN coalesce(max(population_source), '') ELSE '' END AS population_source
    FROM geo_adminarea WHERE parent_id = ANY(%(ids)s) GROUP BY parent_id
) d
WHERE p.id = d.parent_id {only_changed}
RETURNING p.code
"""
_DISSOLVE_GEOMETRY = {
    "set_geometry": "geom = d.geom, area_m2 = ST_Area(ST_Transform(d.geom, %(srid)s)),",
    "union": "ST_Multi(ST_CollectionExtract(ST_Union(geom), 3)) AS geom,",
    "only_changed": "",
}
_DISSOLVE_POPULATION = {
    "set_geometry": "",
    "union": "",
    "only_changed": "AND (p.population, p.population_year, p.population_source) "
                    "IS DISTINCT FROM (d.population, d.population_year, d.population_source)",
}
# A derived area whose last child was deleted has nothing left to dissolve.
_EMPTY_CHILDLESS_SQL = """
UPDATE geo_adminarea p SET
    geom = 'SRID=4326;MULTIPOLYGON EMPTY'::geometry, area_m2 = 0,
    population = NULL, population_year = NULL, population_source = '', last_updated = now()
WHERE p.id = ANY(%(ids)s) AND NOT ST_IsEmpty(p.geom)
  AND NOT EXISTS (SELECT 1 FROM geo_adminarea c WHERE c.parent_id = p.id)
RETURNING p.code
"""


def _dissolve_derived_parents(parent_codes: set[str], geometry: bool = True) -> list[str]:
    """Rebuild the geometry and population of derived ancestors from their children.

    Works bottom-up so that a kabupaten is dissolved from freshly dissolved kecamatan.
    With `geometry=False` (no child boundary changed) only populations are summed again,
    and only areas whose population changes are written: at province scale a union takes
    seconds, and so does re-checking the validity of a written provinsi boundary.
    Returns the codes of the areas rewritten.
    """
    codes = set()
    for code in parent_codes:
        codes.add(code)
        codes.update(ancestors_of(code))
    derived = AdminArea.objects.filter(code__in=codes, source=DERIVED_SOURCE)
    sql = _DISSOLVE_SQL.format(**(_DISSOLVE_GEOMETRY if geometry else _DISSOLVE_POPULATION))
    rebuilt: list[str] = []
    for level in sorted({level_of(c) for c in codes}, reverse=True):
        ids = list(derived.filter(level=level).values_list("id", flat=True))
        if not ids:
            continue
        params = {"ids": ids, "srid": settings.SIMPUL_ANALYSIS_SRID}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rebuilt += [code for (code,) in cursor.fetchall()]
            cursor.execute(_EMPTY_CHILDLESS_SQL, params)
            rebuilt += [code for (code,) in cursor.fetchall()]
    return sorted(set(rebuilt))


#: How many child areas of each kind, e.g. "3 kelurahan" ("3 districts" for kecamatan).
_CHILD_COUNTS = {
    AreaKind.KABUPATEN: ngettext_lazy("%(count)d kabupaten", "%(count)d kabupaten", "count"),
    AreaKind.KOTA: ngettext_lazy("%(count)d kota", "%(count)d kota", "count"),
    AreaKind.KECAMATAN: ngettext_lazy("%(count)d kecamatan", "%(count)d kecamatan", "count"),
    AreaKind.DESA: ngettext_lazy("%(count)d desa", "%(count)d desa", "count"),
    AreaKind.KELURAHAN: ngettext_lazy("%(count)d kelurahan", "%(count)d kelurahan", "count"),
}
#: How many of each record that can keep an area from being deleted, by model label;
#: another model is named by its verbose name.
_DEPENDENT_COUNTS = {
    "inventory.hotspot": ngettext_lazy("%(count)d hotspot", "%(count)d hotspot", "count"),
    "inventory.facility": ngettext_lazy(
        "%(count)d fasilitas", "%(count)d fasilitas", "count"),
    "inventory.fibernode": ngettext_lazy(
        "%(count)d node serat optik", "%(count)d node serat optik", "count"),
    "geo.claim": ngettext_lazy("%(count)d klaim", "%(count)d klaim", "count"),
    "geo.coveragerun": ngettext_lazy(
        "%(count)d analisis cakupan", "%(count)d analisis cakupan", "count"),
    "geo.areacoverage": ngettext_lazy(
        "%(count)d hasil cakupan", "%(count)d hasil cakupan", "count"),
    "geo.whitezone": ngettext_lazy(
        "%(count)d wilayah tanpa wifi", "%(count)d wilayah tanpa wifi", "count"),
    "geo.areascore": ngettext_lazy("%(count)d skor wilayah", "%(count)d skor wilayah", "count"),
}


def _dependents(area: AdminArea) -> list[str]:
    """What still refers to `area`, e.g. `["3 kelurahan", "12 hotspot", "1 klaim"]`:
    child areas, then point assets, then everything else (translated).

    Every relation counts whatever its `on_delete` (stored results would be deleted with
    the area), except history rows (DO_NOTHING), which outlive it.
    """
    children = area.children.values("kind").annotate(n=models.Count("id")).order_by("kind")
    phrases = [_CHILD_COUNTS[child["kind"]] % {"count": child["n"]} for child in children]
    relations = [
        relation for relation in AdminArea._meta.get_fields(include_hidden=True)
        if isinstance(relation, models.ForeignObjectRel)
        and relation.related_model is not AdminArea
        and relation.on_delete is not models.DO_NOTHING
    ]
    relations.sort(key=lambda relation: not issubclass(relation.related_model, PointAsset))
    for relation in relations:
        model = relation.related_model
        count = model._base_manager.filter(**{relation.field.name: area}).count()
        if count:
            counted = _DEPENDENT_COUNTS.get(model._meta.label_lower)
            phrases.append(counted % {"count": count} if counted
                           else f"{count} {model._meta.verbose_name}")
    return phrases


_REASSIGN_SQL = """
WITH changed AS MATERIALIZED (
    SELECT id, geom FROM geo_adminarea WHERE code = ANY(%(codes)s)
),
affected AS (
    SELECT a.id FROM {table} a WHERE a.{area} IN (SELECT id FROM changed)
    UNION
    SELECT a.id FROM {table} a JOIN changed c ON ST_Covers(c.geom, a.{geom})
),
target AS MATERIALIZED (
    SELECT a.id, a.{area} AS old_area_id, a.{name} AS name,
           ST_X(a.{geom}) AS lon, ST_Y(a.{geom}) AS lat,
           (SELECT l.id FROM geo_adminarea l
             WHERE l.level = %(leaf)s AND ST_Covers(l.geom, a.{geom})
             ORDER BY l.code LIMIT 1) AS new_area_id
    FROM {table} a WHERE a.id IN (SELECT id FROM affected)
),
moved AS (
    UPDATE {table} t SET {area} = target.new_area_id, {last_updated} = %(now)s
    FROM target
    WHERE t.id = target.id AND target.new_area_id <> target.old_area_id
    RETURNING t.id
)
SELECT true, id, NULL, NULL, NULL FROM moved
UNION ALL
SELECT false, id, name, lon, lat FROM target WHERE new_area_id IS NULL
ORDER BY 2
"""


def _reassign_assets(codes: list[str], reason: str, user=None) -> int:
    """Move the point assets affected by new or reshaped desa/kelurahan `codes`.

    Affected are the assets assigned to one of these areas and those a new boundary covers.
    Each goes to the desa/kelurahan that covers it, by the rule of `leaf_for_point`
    (ST_Covers, lowest code): one UPDATE per point table. Moved assets get a history row.
    Raises AssetsOutsideAreas listing every asset left outside all desa/kelurahan.
    Returns the number of assets moved.
    """
    now = timezone.now()
    moved_total, outside = 0, []
    for model in point_asset_models():
        if not model._base_manager.exists():
            continue
        opts, quote = model._meta, connection.ops.quote_name
        sql = _REASSIGN_SQL.format(
            table=quote(opts.db_table),
            **{name: quote(opts.get_field(name).column)
               for name in ("area", "geom", "name", "last_updated")},
        )
        with connection.cursor() as cursor:
            # The planner overestimates ST_Covers; JIT would cost more than the query itself.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(
                sql, {"codes": codes, "leaf": int(AreaLevel.DESA_KELURAHAN), "now": now}
            )
            rows = cursor.fetchall()
        moved = [pk for was_moved, pk, *_ in rows if was_moved]
        outside += [
            gettext("%(asset)s %(id)s “%(name)s” (bujur %(lon).6f, lintang %(lat).6f) akan "
                    "berada di luar semua desa/kelurahan; pindahkan atau hapus terlebih dahulu.")
            % {"asset": capfirst(opts.verbose_name), "id": pk, "name": name, "lon": lon,
               "lat": lat}
            for was_moved, pk, name, lon, lat in rows if not was_moved
        ]
        for start in range(0, len(moved), 1000):
            model.history.bulk_history_create(
                model._base_manager.filter(pk__in=moved[start:start + 1000]),
                update=True,
                default_change_reason=f"{reason}: desa/kelurahan re-assigned",
                default_user=user,
            )
        moved_total += len(moved)
    if outside:
        raise AssetsOutsideAreas(outside)
    return moved_total
