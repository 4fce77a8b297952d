"""Duplicate checks of an import: within the file, and against the stored records.

Within the file: the same external_id, or the same name (case and spacing ignored) within
10 m, earlier in the file. Against the database: a stored record with the same external_id
(refused unless updating) and a stored record with the same name within 10 m on the
spheroid (one `unnest` query per chunk). A line is compared by its midpoint.
"""

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsWKB
from django.db import connection
from pyproj import Transformer

from .schema import LayerSpec
from .validation import CleanRow

DUPLICATE_DISTANCE_M = 10.0
# Generous index prefilter around each point for the duplicate search, in degrees; the
# test itself is the geodesic distance (ST_DWithin on geography).
_PREFILTER_DEG = 0.001

# error(row, field, message): records a problem of the row (which is then not written).
ErrorSink = Callable[[CleanRow, str, str], None]


class DuplicateChecks:
    """What the file held so far, and the duplicate checks of each chunk."""

    def __init__(self, spec: LayerSpec, label: str, error: ErrorSink):
        self.spec, self.label, self.error = spec, label, error
        self.model = spec.model
        self.table = self.model._meta.db_table
        self.geom_column = spec.geometry_field
        self.verbose = str(self.model._meta.verbose_name)
        self.seen_ids: dict[int, int] = {}
        self.seen_names: dict[int, tuple | dict] = {}
        self._to_metres = Transformer.from_crs(4326, settings.SIMPUL_ANALYSIS_SRID,
                                               always_xy=True)

    def in_file(self, rows: list[CleanRow]):
        """Same external_id, or same name within 10 m, earlier in the file.

        Memory stays small for long files: keys are hashes of the id and the folded name,
        and a name seen once keeps one (row, x, y) tuple; only repeated names get a grid.
        """
        if not rows:
            return
        anchors = [_anchor(r.geometry) for r in rows]
        xs, ys = self._to_metres.transform(shapely.get_x(anchors), shapely.get_y(anchors))
        seen_ids, seen_names = self.seen_ids, self.seen_names
        for row, x, y in zip(rows, np.atleast_1d(xs).tolist(), np.atleast_1d(ys).tolist(),
                             strict=True):
            external_id = row.values.get("external_id")
            if external_id:
                first = seen_ids.setdefault(hash(external_id), row.number)
                if first != row.number:
                    self.error(row, "external_id",
                               f"duplicate of {self.label.lower()} {first} (same external_id "
                               f"'{external_id}').")
                    continue
            key = hash(" ".join(row.values.get("name", "").lower().split()))
            entry = (row.number, x, y)
            known = seen_names.get(key)
            if known is None:
                seen_names[key] = entry
                continue
            if isinstance(known, tuple):
                known = seen_names[key] = {_cell(known[1], known[2]): [known]}
            found = None
            cx, cy = _cell(x, y)
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for number, ox, oy in known.get((cx + dx, cy + dy), ()):
                        gap = ((ox - x) ** 2 + (oy - y) ** 2) ** 0.5
                        if gap <= DUPLICATE_DISTANCE_M and (found is None or gap < found[1]):
                            found = (number, gap)
            if found:
                self.error(row, "name",
                           f"duplicate of {self.label.lower()} {found[0]}: same name "
                           f"'{row.values['name']}' {found[1]:.1f} m away.")
                continue
            known.setdefault((cx, cy), []).append(entry)

    def existing(self, rows: list[CleanRow], max_pk: int, update: bool) -> dict:
        """Stored records with the external_ids of these rows (refused unless updating).

        Only records stored before the import (`pk <= max_pk`) count. Records are read as
        plain values, geometries as shapely (not model instances):
        `{external_id: SimpleNamespace(pk=…, <attname>=…)}`.
        """
        ids = [r.values["external_id"] for r in rows if r.values.get("external_id")]
        if not ids or not max_pk:
            return {}
        existing = {
            stored.external_id: stored
            for stored in stored_values(
                self.model.objects.filter(external_id__in=ids, pk__lte=max_pk)
            )
        }
        if not update:
            for row in rows:
                obj = existing.get(row.values.get("external_id"))
                if obj is not None:
                    self.error(row, "external_id",
                               f"'{obj.external_id}' already exists in the database "
                               f"({self.verbose} #{obj.pk} '{obj.name}'); import in update "
                               "mode (--update) to change it.")
        return existing

    def near_stored(self, rows: list[CleanRow], max_pk: int):
        """Stored records (pk <= max_pk) with the same name within 10 m of a row."""
        if not rows or not max_pk:
            return
        anchors = [_anchor(r.geometry) for r in rows]
        sql = f"""
            SELECT t.n, o.id, o.name, o.external_id,
                   ST_Distance(o.{self.geom_column}::geography, p.pt::geography) AS gap
            FROM unnest(%s::int[], %s::text[], %s::text[], %s::float8[], %s::float8[])
                 AS t(n, name, ext, x, y)
            CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(t.x, t.y), 4326) AS pt) p
            JOIN {self.table} o
              ON o.{self.geom_column} && ST_Expand(p.pt, %s)
             AND lower(regexp_replace(trim(o.name), '\\s+', ' ', 'g')) = t.name
             AND ST_DWithin(o.{self.geom_column}::geography, p.pt::geography, %s)
             AND (t.ext IS NULL OR o.external_id <> t.ext)
            WHERE o.id <= %s
            ORDER BY t.n, gap
        """
        params = [
            [r.number for r in rows],
            [" ".join(r.values["name"].lower().split()) for r in rows],
            [r.values.get("external_id") or None for r in rows],
            shapely.get_x(anchors).tolist(), shapely.get_y(anchors).tolist(),
            _PREFILTER_DEG, DUPLICATE_DISTANCE_M, max_pk,
        ]
        by_number = {r.number: r for r in rows}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            hits = cursor.fetchall()
        reported = set()
        for number, pk, name, external_id, gap in hits:
            if number in reported:
                continue
            reported.add(number)
            ext = f", external_id '{external_id}'" if external_id else ""
            self.error(by_number[number], "name",
                       f"already in the database: {self.verbose} #{pk} '{name}'{ext} has the "
                       f"same name {gap:.1f} m away.")


def _anchor(geometry):
    """The point compared for same-name duplicates (a line's midpoint)."""
    if geometry.geom_type == "Point":
        return geometry
    return geometry.interpolate(0.5, normalized=True)


def _cell(x: float, y: float) -> tuple[int, int]:
    """The 10 m grid cell of a point in metres."""
    return int(x // DUPLICATE_DISTANCE_M), int(y // DUPLICATE_DISTANCE_M)


def stored_values(queryset) -> list[SimpleNamespace]:
    """Every concrete field of the records, by attname, geometries read as shapely."""
    model = queryset.model
    geometry_fields = [f.attname for f in model._meta.concrete_fields
                       if isinstance(f, GeometryField)]
    plain = [f.attname for f in model._meta.concrete_fields
             if f.attname not in geometry_fields]
    wkb = {f"{name}__wkb": AsWKB(name) for name in geometry_fields}
    records = list(queryset.values(*plain, **wkb))
    for name in geometry_fields:
        blobs = [record.pop(f"{name}__wkb") for record in records]
        shapes = shapely.from_wkb([bytes(b) if b is not None else None for b in blobs])
        for record, shape in zip(records, shapes.tolist(), strict=True):
            record[name] = shape
    return [SimpleNamespace(pk=record[model._meta.pk.attname], **record) for record in records]


def same_place(row: CleanRow, existing: dict, spec: LayerSpec) -> bool:
    """Whether the row's record is stored already with the same name and geometry.

    Such a row brings no new name or place: it is not checked again for near duplicates
    (re-importing a file stays quiet even where the database already held a pair).
    """
    stored = existing.get(row.values.get("external_id")) if existing else None
    return stored is not None and stored.name == row.values.get("name") and same_value(
        getattr(stored, spec.geometry_field), row.geometry)


def same_value(current, new) -> bool:
    """Whether a stored value equals an imported one (geometries within 1e-7°, ~1 cm)."""
    if isinstance(current, shapely.Geometry) or isinstance(new, shapely.Geometry):
        if current is None or new is None:
            return current is new
        return bool(shapely.equals_exact(current, new, 1e-7))
    if isinstance(current, float) and isinstance(new, float):
        return abs(current - new) < 1e-6
    return current == new
