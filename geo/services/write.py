"""Writing areas: `load_areas` / `load_area_frame` (a boundary file or frame of one level),
`save_area` (one area, for the API and the admin) and `delete_area`.

A write checks every feature first, upserts by Kemendagri code, creates the missing parent
levels from the codes, dissolves the derived parents, records history and moves point assets
to the desa/kelurahan that now covers them, all in one transaction. `area_m2` is never
written: PostgreSQL derives it from `geom` (a generated column).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, transaction
from django.utils import timezone

from core.choices import AreaLevel
from core.codes import ancestors_of, kind_of, level_of, normalize_code, parent_of
from geo.coverage import live

from ..constants import DERIVED_SOURCE, PROVINSI_NAMES
from ..models import AdminArea
from .dependants import ensure_deletable
from .dissolve import dissolve_derived_parents
from .errors import AreaLoadError
from .read import parse_level, read_boundaries
from .reassign import reassign_assets
from .validate import validated_rows


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
    rows, repaired = validated_rows(
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
            dissolved = dissolve_derived_parents(
                {parent_of(r["code"]) for r in rows if parent_of(r["code"])},
                geometry=bool(reshaped),
            )
        summary.parents_dissolved = len(dissolved)
        _record_history(summary.created, summary.updated + dissolved, reason, user)
        if target_level == AreaLevel.DESA_KELURAHAN and reshaped:
            summary.assets_moved = reassign_assets(reshaped, reason, user)
            if summary.assets_moved:
                say(f"{summary.assets_moved} point assets moved to another desa/kelurahan")
        if dry_run:
            transaction.set_rollback(True)
        elif summary.created or summary.updated or summary.parents_created:
            live.rebuild()
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
    parents dissolved, history and point assets moved. Raises AreaLoadError
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
            dissolved = dissolve_derived_parents({parent_code})
            _record_history([], dissolved, f"delete_area {area.code}", user)
        live.rebuild()


def _create_missing_parents(rows, summary, reason, user):
    """Create the ancestors the codes imply, with empty geometry to be dissolved later."""
    names: dict[str, str] = {}
    for row in rows:
        for ancestor in ancestors_of(row["code"]):
            lvl = level_of(ancestor)
            names.setdefault(ancestor, row["parent_names"].get(lvl) or "")
    ids = dict(AdminArea.objects.filter(code__in=names).values_list("code", "id"))
    empty = GEOSGeometry("SRID=4326;MULTIPOLYGON EMPTY")
    for code in sorted(set(names) - set(ids), key=lambda c: (c.count("."), c)):
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
    written here, after the dissolves are final (PostgreSQL derives each row's `area_m2`).
    """
    for codes, update in ((created, False), (updated, True)):
        for start in range(0, len(codes), 1000):
            areas = list(AdminArea.objects.filter(code__in=codes[start:start + 1000]))
            AdminArea.history.bulk_history_create(
                areas, update=update, default_change_reason=reason, default_user=user
            )
