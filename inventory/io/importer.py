"""The import service: one file into one layer, atomically, with a full report.

The file is streamed in chunks. Each chunk is validated (validation.py, column-wise), then
checked in bulk: references by external_id, the desa/kelurahan of every point (areas.py:
the model's rule, the polygons read once), records with the same external_id and records with
the same name within 10 m (duplicates.py). While no error has been found the chunk is
written inside one transaction: new records and their history rows with COPY, changed ones
with one UPDATE from a COPYed temporary table (copy.py). The first error stops writing,
validation goes on to report every problem, and the transaction is rolled back. A dry run
always rolls back, so its counts of what would be created and updated are exact.
"""

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from django.db import connection, transaction
from django.db.models import Max

from ..models import Hotspot, StatusSource
from ..models.status import record_status_changes
from ..signals import assets_changed, assets_changing
from .areas import AreaIndex
from .copy import copy_create, copy_update
from .duplicates import DuplicateChecks, same_place, same_value
from .readers import CHUNK_SIZE, ImportFileError, open_reader
from .report import ImportReport
from .schema import Kind, LayerSpec, default_values, get_layer
from .validation import CleanRow, Issue, RowValidator

__all__ = ["ImportReport", "import_file"]

SAMPLE_SIZE = 20


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
            for chunk in reader.chunks(chunk_size):
                run.process(chunk)
                if progress:
                    progress(report.rows, reader.total)
            if not report.ok or dry_run:
                transaction.set_rollback(True)
            elif run.written:
                assets_changed.send(spec.model, ids=run.written, before=run.before)
    except ImportFileError as exc:
        report.add_errors([Issue("File", None, None, str(exc))])
    finally:
        reader.close()
    report.errors.sort(key=lambda i: (i.number or 0, i.field or ""))
    report.seconds = time.monotonic() - started
    return report


class _ImportRun:
    """State of one import and its per-chunk steps: check, then write while all is well."""

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
        self.duplicates = DuplicateChecks(spec, self.label, self.error)
        self.areas = AreaIndex()
        self.issues: list[Issue] = []
        self.bad: set[int] = set()
        self.written: list[int] = []  # ids created or changed, for `assets_changed`
        self.before: list = []  # answers to `assets_changing`, for `assets_changed`

    def start(self):
        """Remember the last existing id: rows written by this run are not duplicates."""
        self.max_pk = self.model.objects.aggregate(m=Max("pk"))["m"] or 0
        with connection.cursor() as cursor:
            # JIT compilation costs more than the short per-chunk queries it would speed up.
            cursor.execute("SET LOCAL jit = off")

    def error(self, row: CleanRow, field_name, message):
        """Record a problem of a row; the row is not written."""
        self.issues.append(Issue(self.label, row.number, field_name, message))
        self.bad.add(row.number)

    def process(self, chunk):
        """Validate one chunk, check it against the database, write it if all is well."""
        self.report.rows += len(chunk)
        rows = self.validator.validate_chunk(chunk)
        self.issues = self.validator.issues
        self.validator.issues = []
        self.bad = set()
        self.duplicates.in_file(rows)
        self._resolve_references(rows)
        if self.spec.is_point:
            self._assign_areas(rows)
        existing = self.duplicates.existing(rows, self.max_pk, self.update)
        self.duplicates.near_stored(
            [r for r in rows if r.number not in self.bad
             and not same_place(r, existing, self.spec)],
            self.max_pk,
        )
        self.report.add_errors(self.issues)
        if self.report.ok:
            self._write([r for r in rows if r.number not in self.bad], existing)

    def _resolve_references(self, rows):
        """`<field>_id` of each reference column from the external_id it names."""
        for column in self.spec.columns:
            if column.kind is not Kind.REFERENCE or column.name not in self.validator.present:
                continue
            wanted = {r.references[column.name] for r in rows if column.name in r.references}
            found = dict(
                column.reference.objects.filter(external_id__in=wanted)
                .values_list("external_id", "pk")
            ) if wanted else {}
            target = column.reference._meta.verbose_name
            for row in rows:
                key = row.references.get(column.name)
                if key is None:
                    row.values[f"{column.name}_id"] = None
                elif key in found:
                    row.values[f"{column.name}_id"] = found[key]
                else:
                    self.error(row, column.name,
                               f"no {target} with external_id '{key}' in the database.")

    def _assign_areas(self, rows):
        """`area_id` of each point (areas.py); a point outside every area is an error."""
        if not rows:
            return
        points = np.array([r.geometry for r in rows], dtype=object)
        areas = self.areas.lookup([r.number for r in rows], shapely.get_x(points),
                                  shapely.get_y(points))
        outside = [r for r in rows if r.number not in areas]
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
            if row.number in swapped:
                _, code, name = swapped[row.number]
                self.error(row, self.geometry_label,
                           f"latitude and longitude appear swapped: latitude {lat}, longitude "
                           f"{lon} lies outside every loaded desa/kelurahan, but exchanged it "
                           f"lies in {name} ({code}).")
            else:
                self.error(row, self.geometry_label,
                           f"the point (latitude {lat}, longitude {lon}) lies outside every "
                           "loaded desa/kelurahan.")

    def _write(self, rows, existing):
        """COPY the new records, UPDATE the changed ones; count the unchanged."""
        creates, updates = [], {}
        missing = {c.name: c.default for c in self.spec.columns
                   if c.kind is not Kind.REFERENCE and c.name not in self.validator.present}
        if "source" in missing:
            missing["source"] = self.source
        for row in rows:
            values = {**row.values, self.spec.geometry_field: row.geometry}
            obj = existing.get(row.values.get("external_id")) if existing else None
            if obj is None:
                creates.append(default_values(self.spec, {**missing, **values}))
                self._sample("created", row)
                continue
            values = default_values(self.spec, values, current=obj)
            changes = {k: v for k, v in values.items() if not same_value(getattr(obj, k), v)}
            if changes:
                updates[obj.pk] = changes
                self._sample("updated", row)
            else:
                self.report.unchanged += 1
        reason = f"import {self.source}"
        written = []
        if creates:
            written += copy_create(self.model, creates, user=self.user, reason=reason)
            self.report.created += len(creates)
        if updates:
            for _receiver, answer in assets_changing.send(self.model, ids=list(updates)):
                self.before.append(answer)
            copy_update(self.model, updates, user=self.user, reason=reason)
            written += list(updates)
            self.report.updated += len(updates)
        if written and self.model is Hotspot:
            record_status_changes(written, source=StatusSource.IMPORT, note=reason,
                                  user=self.user)
        self.written.extend(written)

    def _sample(self, action, row):
        samples = self.report.samples[action]
        if len(samples) < SAMPLE_SIZE:
            samples.append(f"{self.label.lower()} {row.number} '{row.values.get('name', '')}'")


def _fmt(value: float) -> str:
    return f"{value:.6f}"
