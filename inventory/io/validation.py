"""Validation of raw rows: cells → typed model values, with one `Issue` per problem found.

The rules themselves are in rules.py, one table per layer, each rule written once; this
module applies them to a chunk of rows at a time, column by column: each distinct cell of
a choice, date, number or yes/no column is converted once, coordinates are checked as
arrays. `RowValidator.validate` is the same for one row. Everything here is pure Python
(no database); checks that need the database (area of each point, references, duplicates
against stored records) are run per chunk by the importer.
"""

from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import CRS, Transformer

from .cells import is_blank, to_coordinate
from .readers import ImportFileError, coordinate_columns
from .rules import check_geometry, coordinate_issues, layer_rules, parse_wkt
from .schema import Kind, LayerSpec, header_key

# Distinct cells remembered per column while validating a chunk.
_CACHE_LIMIT = 10_000


@dataclass(frozen=True)
class Issue:
    """A problem with one row/feature (or, with number None, with the whole file)."""

    label: str
    number: int | None
    field: str | None
    message: str

    def __str__(self):
        where = self.label if self.number is None else f"{self.label} {self.number}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"row": self.number, "field": self.field, "message": self.message,
                "text": str(self)}


@dataclass
class CleanRow:
    """A row that passed the per-row checks: typed values, references and geometry."""

    number: int
    values: dict
    references: dict = field(default_factory=dict)
    geometry: object = None
    coordinates: tuple[str, str] | None = None


class RowValidator:
    """Checks rows of one file against its layer's rules; collects `Issue`s in `self.issues`."""

    def __init__(self, spec: LayerSpec, columns: list[str], *, row_label: str = "Row",
                 tabular: bool = True, crs: str | None = None):
        self.spec = spec
        self.label = row_label
        self.issues: list[Issue] = []
        self.warnings: list[Issue] = []
        aliases = spec.aliases()
        self.mapping = {}
        for name in columns:
            canonical = aliases.get(header_key(name))
            if canonical and canonical not in self.mapping.values():
                self.mapping[name] = canonical
        self.present = set(self.mapping.values())
        self.rules = layer_rules(spec)
        self._plan = [(header, self.rules.cells[name]) for header, name in self.mapping.items()]
        self.coordinates = coordinate_columns(columns) if tabular else None
        self.tabular = tabular
        self._transformer = None
        if crs:
            try:
                source = CRS.from_user_input(crs)
            except Exception as exc:  # pyproj.exceptions.CRSError and friends
                raise ImportFileError(f"Unknown CRS {crs!r}: {exc}") from exc
            if source.to_epsg() != 4326:
                self._transformer = Transformer.from_crs(source, 4326, always_xy=True)
        self._check_columns(columns)

    def _check_columns(self, columns):
        problems = []
        missing = [c.name for c in self.spec.columns if c.required and c.name not in self.present]
        if missing:
            problems.append(
                f"required column(s) missing: {', '.join(missing)}; the file's columns are: "
                f"{', '.join(c for c in columns if c) or '(none)'}."
            )
        if self.tabular and self.coordinates is None:
            if self.spec.is_point:
                problems.append(
                    "no location columns: give latitude and longitude columns (lat/lon, "
                    "lintang/bujur, latitude/longitude, y/x) or a WKT column."
                )
            else:
                problems.append("no geometry column: give the route as WKT in a 'wkt' column.")
        if problems:
            raise ImportFileError(" ".join(p[0].upper() + p[1:] for p in problems))
        known = set(self.mapping) | set(self.coordinates or ()) | {"area_code", "length_m"}
        if not self.tabular:
            known |= KML_IGNORED
        unknown = [c for c in columns if c and c not in known]
        if unknown:
            self.warnings.append(
                Issue("File", None, None, f"columns ignored (not in the schema): "
                                          f"{', '.join(unknown)}.")
            )

    def error(self, number, field_name, message):
        """Record one problem."""
        self.issues.append(Issue(self.label, number, field_name, message))

    def validate(self, raw) -> CleanRow | None:
        """Typed values and geometry of one raw row, or None after recording its issues."""
        rows = self.validate_chunk([raw])
        return rows[0] if rows else None

    def validate_chunk(self, rows: list) -> list[CleanRow]:
        """The rows that pass every rule, typed; the others' issues go to `self.issues`.

        Issues are recorded row by row, in the order of the rules: cells (in column order),
        cross-field rules, geometry.
        """
        problems = [[] for _ in rows]
        values = [{} for _ in rows]
        references = [{} for _ in rows]
        for header, rule in self._plan:
            self._apply_cell_rule(rule, [raw.values.get(header) for raw in rows], problems,
                                  references if rule.column.kind is Kind.REFERENCE else values)
        for index, row_values in enumerate(values):
            refs = {name: key for name, key in references[index].items() if key}
            references[index] = refs
            for check in self.rules.cross_field:
                broken = check(row_values, refs)
                if broken:
                    problems[index].append(broken)
        geometries = self._geometries(rows, problems)
        clean = []
        for index, raw in enumerate(rows):
            if problems[index]:
                for field_name, message in problems[index]:
                    self.error(raw.number, field_name, message)
                continue
            clean.append(CleanRow(raw.number, values[index], references[index],
                                  geometries[index]))
        return clean

    def _apply_cell_rule(self, rule, cells: list, problems: list, into: list):
        """Convert one column's cells by its rule (equal cells once) into `into`."""
        name, parse, required, blank = rule.name, rule.parse, rule.required, rule.blank
        cache = {} if rule.cacheable else None
        for index, cell in enumerate(cells):
            if cell is None or (cell.__class__ is str and not cell.strip()):
                if required:
                    problems[index].append((name, "required, but empty."))
                else:
                    into[index][name] = blank
                continue
            key = (cell.__class__, cell)
            if cache is not None and key in cache:
                outcome = cache[key]
            else:
                try:
                    outcome = (True, parse(cell))
                except ValueError as exc:
                    outcome = (False, str(exc))
                if cache is not None and len(cache) < _CACHE_LIMIT:
                    cache[key] = outcome
            if outcome[0]:
                into[index][name] = outcome[1]
            else:
                problems[index].append((name, outcome[1]))

    def _geometries(self, rows: list, problems: list) -> list:
        """The geometry of each row (None when it has a problem, recorded in `problems`)."""
        expected = self.spec.geometry_type
        if self.tabular and isinstance(self.coordinates, tuple):
            return self._points_from_columns(rows, problems)
        if self.tabular:
            name = self.coordinates
            geometries = []
            for index, raw in enumerate(rows):
                geometry, issues = self._from_wkt(raw.values.get(name), expected, name)
                geometries.append(geometry)
                problems[index] += issues
            return geometries
        geometries = np.array([raw.geometry for raw in rows], dtype=object)
        plain = np.zeros(len(rows), dtype=bool)
        if expected == "Point":  # plain points are checked as arrays, the rest one by one
            plain = (shapely.get_type_id(geometries) == 0) & ~shapely.is_empty(geometries)
        result = [None] * len(rows)
        for index in np.flatnonzero(~plain).tolist():
            result[index], issues = check_geometry(geometries[index], expected, "geometry")
            problems[index] += issues
        indices = np.flatnonzero(plain)
        xs, ys = shapely.get_x(geometries[indices]), shapely.get_y(geometries[indices])
        bad = coordinate_issues(ys, xs, "geometry", "geometry", "geometry")
        for position, index in enumerate(indices.tolist()):
            if position in bad:
                problems[index] += bad[position]
            else:
                result[index] = geometries[index]
        return result

    def _points_from_columns(self, rows: list, problems: list) -> list:
        """Points from the latitude and longitude columns (reprojected from --crs)."""
        lat_name, lon_name = self.coordinates
        count = len(rows)
        lat, lon = np.full(count, np.nan), np.full(count, np.nan)
        readable = np.ones(count, dtype=bool)
        for name, target in ((lat_name, lat), (lon_name, lon)):
            for index, raw in enumerate(rows):
                cell = raw.values.get(name)
                if is_blank(cell):
                    problems[index].append((name, "required, but empty."))
                    readable[index] = False
                    continue
                try:
                    target[index] = to_coordinate(cell)
                except ValueError as exc:
                    problems[index].append((name, str(exc)))
                    readable[index] = False
        if self._transformer is not None:
            lon, lat = self._transformer.transform(lon, lat)
            lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        indices = np.flatnonzero(readable)
        bad = coordinate_issues(lat[indices], lon[indices], f"{lat_name}/{lon_name}",
                                lat_name, lon_name)
        points = [None] * count
        made = shapely.points(lon[indices], lat[indices]).tolist()
        for position, index in enumerate(indices.tolist()):
            if position in bad:
                problems[index] += bad[position]
            else:
                points[index] = made[position]
        return points

    def _from_wkt(self, cell, expected: str, name: str) -> tuple[object, list]:
        """(geometry or None, [(field, message)]) of a WKT cell, reprojected from --crs."""
        if is_blank(cell):
            return None, [(name, "required, but empty.")]
        try:
            geometry = parse_wkt(cell)
        except ValueError as exc:
            return None, [(name, str(exc))]
        if self._transformer is not None:
            geometry = shapely.transform(geometry, self._transformer.transform,
                                         interleaved=False)
        return check_geometry(geometry, expected, name)


# Columns LIBKML adds to every placemark and other readers' own columns: not data.
KML_IGNORED = frozenset(
    {"id", "description", "timestamp", "begin", "end", "altitudemode", "tessellate",
     "extrude", "visibility", "draworder", "icon", "snippet"}
)


