"""The import service: one file into one layer, atomically, with a full report.

The file is streamed in chunks. Each chunk is validated (validation.py, column-wise), then
checked in bulk: the desa/kelurahan of every point (`AreaIndex`: the polygons read once
from PostGIS, ST_Covers semantics, lowest code on ties, the rule of
`AdminAreaQuerySet.leaf_for_point`), references by external_id, records with the same
external_id and records with the same name within 10 m (one `unnest` query per chunk).
While no error has been found the chunk is written inside one transaction: new records
with COPY and their history rows (in a second thread, overlapping the next chunk's
validation), changed ones with one UPDATE from a COPYed temporary table (copy.py).
The first error stops writing, validation goes on to report every problem, and the
transaction is rolled back. A dry run always rolls back, so its counts of what
would be created and updated are exact.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsWKB
from django.db import connection, transaction
from django.db.models import Max
from pyproj import Transformer

from core.choices import AreaLevel

from .copy import CopyWriter, copy_create, copy_update
from .readers import CHUNK_SIZE, ImportFileError, open_reader
from .schema import Kind, LayerSpec, default_values, get_layer
from .validation import CleanRow, Issue, RowValidator

DUPLICATE_DISTANCE_M = 10.0
MAX_STORED_ISSUES = 1000
SAMPLE_SIZE = 20
# Generous index prefilter around each point for the duplicate search, in degrees; the
# test itself is the geodesic distance (ST_DWithin on geography).
_PREFILTER_DEG = 0.001


@dataclass
class ImportReport:
    """What an import did, or found wrong; `ok` is False when anything was refused."""

    layer: str
    file: str
    dry_run: bool = False
    update: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    samples: dict[str, list[str]] = field(
        default_factory=lambda: {"created": [], "updated": []}
    )
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the file was accepted (nothing refused)."""
        return self.error_count == 0

    @property
    def written(self) -> bool:
        """Whether the changes were saved (accepted and not a dry run)."""
        return self.ok and not self.dry_run

    def add_errors(self, issues: list[Issue]):
        """Count every issue, keep the first MAX_STORED_ISSUES."""
        self.error_count += len(issues)
        room = MAX_STORED_ISSUES - len(self.errors)
        if room > 0:
            self.errors.extend(issues[:room])

    def as_dict(self) -> dict:
        """JSON-ready form (used by the API)."""
        return {
            "layer": self.layer, "file": self.file, "ok": self.ok, "written": self.written,
            "dry_run": self.dry_run, "update": self.update, "rows": self.rows,
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "error_count": self.error_count,
            "errors": [issue.as_dict() for issue in self.errors],
            "warnings": [issue.as_dict() for issue in self.warnings],
            "samples": self.samples, "seconds": round(self.seconds, 2),
        }

    def summary(self) -> str:
        """One line: what was (or would be) done."""
        if not self.ok:
            return (f"{self.error_count} error(s) in {self.rows} rows of {self.file}; "
                    "nothing was written.")
        verb = "Would create" if self.dry_run else "Created"
        text = (f"{verb} {self.created}, {'update' if self.dry_run else 'updated'} "
                f"{self.updated}; {self.unchanged} unchanged ({self.rows} rows of {self.file}"
                f", {self.seconds:.1f} s).")
        if self.dry_run:
            text += " Dry run: nothing was written."
        return text

    def as_text(self, limit: int = 200) -> str:
        """The full report as plain text (command output)."""
        lines = [f"Import of {self.file} into {self.layer}: {self.rows} rows read."]
        for issue in self.warnings:
            lines.append(f"Warning: {issue}")
        if self.errors:
            lines.append(f"Errors ({self.error_count}):")
            lines.extend(f"  {issue}" for issue in self.errors[:limit])
            hidden = self.error_count - min(limit, len(self.errors))
            if hidden > 0:
                lines.append(f"  … and {hidden} more errors")
        elif self.dry_run:
            for action, label in (("created", "Would create"), ("updated", "Would update")):
                if self.samples[action]:
                    more = getattr(self, action) - len(self.samples[action])
                    lines.append(f"{label}: " + "; ".join(self.samples[action])
                                 + (f"; … and {more} more" if more > 0 else ""))
        lines.append(self.summary())
        return "\n".join(lines)


def import_file(
    layer: str,
    path,
    *,
    dry_run: bool = False,
    update: bool = False,
    sheet_or_layer: str | None = None,
    crs: str | None = None,
    source: str | None = None,
    user=None,
    progress: Callable[[int, int | None], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    display_name: str | None = None,
) -> ImportReport:
    """Import `path` into `layer` (hotspots, facilities, fiber-nodes, fiber-links).

    Returns the report; writes only when every row passes. `source` (default: the file
    name) fills the `source` field of rows that leave it blank.
    """
    spec = get_layer(layer)
    path = Path(path)
    name = display_name or path.name
    report = ImportReport(layer=layer, file=name, dry_run=dry_run, update=update)
    started = time.monotonic()
    try:
        reader = open_reader(path, sheet_or_layer)
    except ImportFileError as exc:
        report.add_errors([Issue("File", None, None, str(exc))])
        return report
    try:
        validator = RowValidator(
            spec, reader.columns, row_label=reader.row_label, tabular=reader.tabular,
            crs=crs if (reader.tabular or not reader.crs) else None,
        )
        report.warnings.extend(validator.warnings)
        run = _ImportRun(spec, validator, report, update, source or name, user)
        with transaction.atomic():
            run.start()
            with CopyWriter() as run.writer:
                for chunk in reader.chunks(chunk_size):
                    run.process(chunk)
                    if progress:
                        progress(report.rows, reader.total)
            if not report.ok or dry_run:
                transaction.set_rollback(True)
    except ImportFileError as exc:
        report.add_errors([Issue("File", None, None, str(exc))])
    finally:
        reader.close()
    report.errors.sort(key=lambda i: (i.number or 0, i.field or ""))
    report.seconds = time.monotonic() - started
    return report


class _ImportRun:
    """State of one import: what the file held so far, and the per-chunk steps."""

    def __init__(self, spec: LayerSpec, validator: RowValidator, report: ImportReport,
                 update: bool, source: str, user):
        self.spec, self.validator, self.report = spec, validator, report
        self.model = spec.model
        self.update, self.source, self.user = update, source, user
        self.label = validator.label
        self.geometry_label = (
            "/".join(validator.coordinates) if isinstance(validator.coordinates, tuple)
            else validator.coordinates or "geometry"
        )
        self.seen_ids: dict[int, int] = {}
        self.seen_names: dict[int, tuple | dict] = {}
        self._to_metres = Transformer.from_crs(4326, settings.SIMPUL_ANALYSIS_SRID,
                                               always_xy=True)
        self.table = self.model._meta.db_table
        self.geom_column = spec.geometry_field
        self.verbose = str(self.model._meta.verbose_name)
        self.areas = AreaIndex()
        self.writer: CopyWriter | None = None

    def start(self):
        """Remember the last existing id: rows written by this run are not duplicates."""
        self.max_pk = self.model.objects.aggregate(m=Max("pk"))["m"] or 0
        with connection.cursor() as cursor:
            # JIT compilation costs more than the short per-chunk queries it would speed up.
            cursor.execute("SET LOCAL jit = off")

    def error(self, row: CleanRow, field_name, message, bad: set):
        self.issues.append(Issue(self.label, row.number, field_name, message))
        bad.add(row.number)

    def process(self, chunk):
        """Validate one chunk, check it against the database, write it if all is well."""
        self.report.rows += len(chunk)
        rows = self.validator.validate_chunk(chunk)
        self.issues = self.validator.issues
        self.validator.issues = []
        bad: set[int] = set()
        self._duplicates_in_file(rows, bad)
        self._resolve_references(rows, bad)
        if self.spec.is_point:
            self._assign_areas(rows, bad)
        existing = self._existing(rows, bad)
        self._near_duplicates([r for r in rows if not _same_place(r, existing, self.spec)], bad)
        self.report.add_errors(self.issues)
        if self.report.ok:
            self._write([r for r in rows if r.number not in bad], existing)

    # --- checks -------------------------------------------------------------------------

    def _anchor(self, geometry):
        """The point compared for same-name duplicates (a line's midpoint)."""
        if geometry.geom_type == "Point":
            return geometry
        return geometry.interpolate(0.5, normalized=True)

    def _duplicates_in_file(self, rows, bad):
        """Same external_id, or same name within 10 m, earlier in the file.

        Memory stays small for long files: keys are hashes of the id and the folded name,
        and a name seen once keeps one (row, x, y) tuple; only repeated names get a grid.
        """
        if not rows:
            return
        anchors = [self._anchor(r.geometry) for r in rows]
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
                               f"'{external_id}').", bad)
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
                           f"'{row.values['name']}' {found[1]:.1f} m away.", bad)
                continue
            known.setdefault((cx, cy), []).append(entry)

    def _resolve_references(self, rows, bad):
        for column in self.spec.columns:
            if column.kind is not Kind.REFERENCE:
                continue
            wanted = {r.references[column.name] for r in rows if column.name in r.references}
            found = dict(
                column.reference.objects.filter(external_id__in=wanted)
                .values_list("external_id", "pk")
            ) if wanted else {}
            target = column.reference._meta.verbose_name
            for row in rows:
                if column.name in self.validator.present:
                    key = row.references.get(column.name)
                    if key is None:
                        row.values[f"{column.name}_id"] = None
                    elif key in found:
                        row.values[f"{column.name}_id"] = found[key]
                    else:
                        self.error(row, column.name,
                                   f"no {target} with external_id '{key}' in the database.", bad)

    def _assign_areas(self, rows, bad):
        if not rows:
            return
        numbers = [r.number for r in rows]
        points = np.array([r.geometry for r in rows], dtype=object)
        areas = self.areas.lookup(numbers, shapely.get_x(points), shapely.get_y(points))
        outside = [r for r in rows if areas.get(r.number) is None]
        swapped = self.areas.lookup(
            [r.number for r in outside], [r.geometry.y for r in outside],
            [r.geometry.x for r in outside],
        ) if outside else {}
        for row in rows:
            area = areas.get(row.number)
            if area is not None:
                row.values["area_id"] = area[0]
                continue
            lat, lon = _fmt(row.geometry.y), _fmt(row.geometry.x)
            if swapped.get(row.number):
                _, code, name = swapped[row.number]
                self.error(row, self.geometry_label,
                           f"latitude and longitude appear swapped: latitude {lat}, longitude "
                           f"{lon} lies outside every loaded desa/kelurahan, but exchanged it "
                           f"lies in {name} ({code}).", bad)
            else:
                self.error(row, self.geometry_label,
                           f"the point (latitude {lat}, longitude {lon}) lies outside every "
                           "loaded desa/kelurahan.", bad)

    def _existing(self, rows, bad) -> dict:
        """Stored records with the external_ids of these rows (refused unless updating).

        Records are read as plain values, geometries as shapely (not model instances):
        `{external_id: SimpleNamespace(pk=…, <attname>=…)}`.
        """
        ids = [r.values["external_id"] for r in rows if r.values.get("external_id")]
        if not ids or not self.max_pk:
            return {}
        existing = {
            stored.external_id: stored
            for stored in _stored_values(
                self.model.objects.filter(external_id__in=ids, pk__lte=self.max_pk)
            )
        }
        if not self.update:
            for row in rows:
                obj = existing.get(row.values.get("external_id"))
                if obj is not None:
                    self.error(row, "external_id",
                               f"'{obj.external_id}' already exists in the database "
                               f"({self.verbose} #{obj.pk} '{obj.name}'); import in update "
                               "mode (--update) to change it.", bad)
        return existing

    def _near_duplicates(self, rows, bad):
        rows = [r for r in rows if r.number not in bad]
        if not rows or not self.max_pk:
            return
        anchors = [self._anchor(r.geometry) for r in rows]
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
             AND o.external_id <> t.ext
            WHERE o.id <= %s
            ORDER BY t.n, gap
        """
        params = [
            [r.number for r in rows],
            [" ".join(r.values["name"].lower().split()) for r in rows],
            [r.values.get("external_id") or "\x00" for r in rows],
            shapely.get_x(anchors).tolist(), shapely.get_y(anchors).tolist(),
            _PREFILTER_DEG, DUPLICATE_DISTANCE_M, self.max_pk,
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
                       f"same name {gap:.1f} m away.", bad)

    # --- writing ------------------------------------------------------------------------

    def _model_values(self, row: CleanRow) -> dict:
        """Values by attname: typed cells, resolved references, area and geometry."""
        values = dict(row.values)
        values[self.spec.geometry_field] = row.geometry
        return values

    def _write(self, rows, existing):
        creates, updates = [], {}
        lengths = _lengths([r.geometry for r in rows]) if not self.spec.is_point else None
        missing = {c.name: c.default for c in self.spec.columns
                   if c.kind is not Kind.REFERENCE and c.name not in self.validator.present}
        if "source" in missing:
            missing["source"] = self.source
        for index, row in enumerate(rows):
            values = self._model_values(row)
            if lengths is not None:
                values["length_m"] = lengths[index]
            obj = existing.get(row.values.get("external_id")) if existing else None
            if obj is None:
                creates.append(default_values(self.spec, {**missing, **values}))
                self._sample("created", row)
                continue
            values = default_values(self.spec, values, current=obj)
            changes = {k: v for k, v in values.items() if not _same(getattr(obj, k), v)}
            if changes:
                updates[obj.pk] = changes
                self._sample("updated", row)
            else:
                self.report.unchanged += 1
        reason = f"import {self.source}"
        if creates:
            copy_create(self.model, creates, user=self.user, reason=reason, writer=self.writer)
            self.report.created += len(creates)
        if updates:
            copy_update(self.model, updates, user=self.user, reason=reason)
            self.report.updated += len(updates)

    def _sample(self, action, row):
        samples = self.report.samples[action]
        if len(samples) < SAMPLE_SIZE:
            samples.append(f"{self.label.lower()} {row.number} '{row.values.get('name', '')}'")


def _cell(x: float, y: float) -> tuple[int, int]:
    """The 10 m grid cell of a point in metres."""
    return int(x // DUPLICATE_DISTANCE_M), int(y // DUPLICATE_DISTANCE_M)


class AreaIndex:
    """Desa/kelurahan of many points at once: the `leaf_for_point` rule, in bulk.

    Leaves are read from PostGIS once (only those whose box meets the points seen so far)
    and queried with a shapely STRtree of prepared polygons, `covered_by` as ST_Covers; a
    point on a shared border goes to the lowest code. Measured on the 8,494 Jawa Timur desa,
    one indexed SQL query per chunk spends most of its time re-reading the polygons; this
    reads each once per import.
    """

    def __init__(self):
        self.ids, self.codes, self.names, self.geoms = [], [], [], []
        self.covered = None
        self.tree = None

    def _ensure(self, xs, ys):
        envelope = shapely.box(np.min(xs), np.min(ys), np.max(xs), np.max(ys))
        if self.covered is not None and self.covered.covers(envelope):
            return
        with connection.cursor() as cursor:
            # The ids first (index only), then the geometry of the leaves not yet read.
            cursor.execute(
                "SELECT id FROM geo_adminarea "
                "WHERE level = %s AND geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
                [AreaLevel.DESA_KELURAHAN, *envelope.bounds],
            )
            known = set(self.ids)
            new = [pk for (pk,) in cursor.fetchall() if pk not in known]
            self.covered = envelope if self.covered is None else self.covered.union(envelope)
            if not new:
                return
            cursor.execute(
                "SELECT id, code, name, ST_AsBinary(geom) FROM geo_adminarea "
                "WHERE id = ANY(%s) ORDER BY id",
                [new],
            )
            found = cursor.fetchall()
        for pk, code, name, wkb in found:
            self.ids.append(pk)
            self.codes.append(code)
            self.names.append(name)
            self.geoms.append(shapely.from_wkb(bytes(wkb)))
        self.tree = shapely.STRtree(self.geoms)

    def lookup(self, numbers, xs, ys) -> dict[int, tuple[int, str, str]]:
        """{row number: (area id, code, name)} for the points inside a leaf."""
        if not numbers:
            return {}
        self._ensure(xs, ys)
        if self.tree is None:
            return {}
        points, leaves = self.tree.query(shapely.points(xs, ys), predicate="covered_by")
        best: dict[int, int] = {}
        for point, leaf in zip(points.tolist(), leaves.tolist(), strict=True):
            if point not in best or self.codes[leaf] < self.codes[best[point]]:
                best[point] = leaf
        return {numbers[p]: (self.ids[i], self.codes[i], self.names[i])
                for p, i in best.items()}


def _lengths(geometries) -> list[float]:
    """Lengths in metres in the analysis CRS, measured by PostGIS (as geo.functions.LengthM)."""
    if not geometries:
        return []
    sql = """
        SELECT ST_Length(ST_Transform(ST_GeomFromWKB(w, 4326), %s))
        FROM unnest(%s::bytea[]) WITH ORDINALITY AS t(w, i) ORDER BY i
    """
    wkb = [shapely.to_wkb(g) for g in geometries]
    with connection.cursor() as cursor:
        cursor.execute(sql, [settings.SIMPUL_ANALYSIS_SRID, wkb])
        return [value for (value,) in cursor.fetchall()]


def _stored_values(queryset) -> list[SimpleNamespace]:
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


def _same_place(row: CleanRow, existing: dict, spec: LayerSpec) -> bool:
    """Whether the row's record is stored already with the same name and geometry.

    Such a row brings no new name or place: it is not checked again for near duplicates
    (re-importing a file stays quiet even where the database already held a pair).
    """
    stored = existing.get(row.values.get("external_id")) if existing else None
    return stored is not None and stored.name == row.values.get("name") and _same(
        getattr(stored, spec.geometry_field), row.geometry)


def _same(current, new) -> bool:
    """Whether a stored value equals an imported one (geometries within 1e-7°, ~1 cm)."""
    if isinstance(current, shapely.Geometry) or isinstance(new, shapely.Geometry):
        if current is None or new is None:
            return current is new
        return bool(shapely.equals_exact(current, new, 1e-7))
    if isinstance(current, float) and isinstance(new, float):
        return abs(current - new) < 1e-6
    return current == new


def _fmt(value: float) -> str:
    return f"{value:.6f}"
