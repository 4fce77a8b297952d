"""Row validation: raw values → typed model values, with one `Issue` per problem found.

Everything here is pure Python (no database): parsing of text, numbers (decimal comma
accepted), dates, yes/no values and choices, required fields, lengths and ranges, and
geometry (coordinates in range, latitude/longitude swapped, WKT, too few points,
self-intersection). Checks that need the database (area of each point, references,
duplicates against stored records) are run per chunk by the importer.

`RowValidator.validate` is the reference: one raw row in, typed values or issues out.
`RowValidator.validate_chunk` gives the same result for a whole chunk faster: it parses
column by column (each distinct cell of a choice, date, number or yes/no column parsed
once, coordinates and points as arrays), and sends every row it cannot settle (a blank
required cell, a value that does not parse, a point out of range, a broken rule) through
`validate`, so values and messages are always the row-wise ones.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.validation import explain_validity

from .readers import ImportFileError, coordinate_columns
from .schema import Column, Kind, LayerSpec, header_key

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "ya", "1", "benar", "b"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "tidak", "0", "salah", "s"})
# Distinct cells remembered per column while parsing a chunk.
_CACHE_LIMIT = 10_000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y")


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


def is_blank(value) -> bool:
    """Whether a cell is empty."""
    return value is None or (isinstance(value, str) and not value.strip())


def to_decimal(raw) -> Decimal:
    """A Decimal from a cell; accepts a decimal comma (`112,4345`) and thousands marks."""
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a number.")
    if isinstance(raw, int | float | Decimal):
        value = Decimal(str(raw))
    else:
        text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
        if "," in text and "." in text:
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif text.count(",") == 1:
            text = text.replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"'{raw}' is not a number.") from None
    if not value.is_finite():
        raise ValueError(f"'{raw}' is not a number.")
    return value


def to_integer(raw) -> int:
    """A whole number from a cell (`12`, `12.0`, `12,0`)."""
    value = to_decimal(raw)
    if value != value.to_integral_value():
        raise ValueError(f"'{raw}' is not a whole number.")
    return int(value)


def to_date(raw) -> datetime.date:
    """A date from a cell: a native date, or text as YYYY-MM-DD or DD/MM/YYYY."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw).strip()
    if len(text) == 10 and text[4] == "-":
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    if "T" in text or " " in text:
        text = text.replace("T", " ").split(" ")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{raw}' is not a valid date (use YYYY-MM-DD or DD/MM/YYYY).")


def to_boolean(raw) -> bool:
    """True/false from a cell: true/false, ya/tidak, yes/no, 1/0."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"'{raw}' is not a yes/no value (use true/false, ya/tidak or 1/0).")


def to_text(raw) -> str:
    """Text from a cell; whole floats from spreadsheets lose their `.0` (IDs, SSIDs)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


class RowValidator:
    """Checks rows of one file against a layer spec; collects `Issue`s in `self.issues`."""

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
        self._plan = [(header, name, spec.column(name)) for header, name in self.mapping.items()]
        self._blank = {c.name: _blank_value(c) for c in spec.columns}
        self.coordinates = coordinate_columns(columns) if tabular else None
        self.tabular = tabular
        self._choices = {c.name: _choice_lookup(c, spec) for c in spec.columns if c.choices}
        self._transformer = None
        self._geographic = True
        if crs:
            try:
                source = CRS.from_user_input(crs)
            except Exception as exc:  # pyproj.exceptions.CRSError and friends
                raise ImportFileError(f"Unknown CRS {crs!r}: {exc}") from exc
            self._geographic = source.is_geographic
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
        before = len(self.issues)
        values, references = {}, {}
        cells = raw.values
        for header, name, column in self._plan:
            cell = cells.get(header)
            if cell is None or (cell.__class__ is str and not cell.strip()):
                if column.required:
                    self.error(raw.number, name, "required, but empty.")
                    continue
                value = self._blank[name]
            else:
                try:
                    value = self._value(column, cell)
                except ValueError as exc:
                    self.error(raw.number, name, str(exc))
                    continue
            if column.kind is Kind.REFERENCE:
                if value:
                    references[name] = value
            else:
                values[name] = value
        self._check_rules(raw.number, values, references)
        geometry = self._geometry(raw)
        if len(self.issues) > before:
            return None
        return CleanRow(raw.number, values, references, geometry)

    def validate_chunk(self, rows: list) -> list[CleanRow]:
        """`validate` for a list of raw rows, column-wise; returns the rows that passed."""
        flagged = np.zeros(len(rows), dtype=bool)
        names, columns, references = [], [], []
        for header, name, column in self._plan:
            cells = [raw.values.get(header) for raw in rows]
            parsed = self._column(column, cells, flagged)
            if column.kind is Kind.REFERENCE:
                references.append((name, parsed))
            else:
                names.append(name)
                columns.append(parsed)
        geometries = self._chunk_geometries(rows, flagged)
        clean = []
        for index, raw in enumerate(rows):
            if not flagged[index]:
                values = dict(zip(names, [parsed[index] for parsed in columns], strict=True))
                refs = {name: parsed[index] for name, parsed in references if parsed[index]}
                _, passed = self._silently(self._check_rules, raw.number, values, refs)
                if passed:
                    clean.append(CleanRow(raw.number, values, refs, geometries[index]))
                    continue
            row = self.validate(raw)
            if row is not None:
                clean.append(row)
        return clean

    def _column(self, column: Column, cells: list, flagged) -> list:
        """Typed values of one column; cells that are not plainly valid are flagged."""
        blank, required = self._blank[column.name], column.required
        values = [None] * len(cells)
        if column.kind is Kind.TEXT or column.kind is Kind.REFERENCE:
            limit = column.max_length
            for index, cell in enumerate(cells):
                if cell.__class__ is str and (text := cell.strip()):
                    if limit and len(text) > limit:
                        flagged[index] = True
                    else:
                        values[index] = text
                elif cell is None or cell.__class__ is str:
                    if required:
                        flagged[index] = True
                    else:
                        values[index] = blank
                else:
                    flagged[index] = True
            return values
        cache = {} if column.kind is not Kind.POLYGON_WKT else None
        for index, cell in enumerate(cells):
            if cell is None or (cell.__class__ is str and not cell.strip()):
                if required:
                    flagged[index] = True
                else:
                    values[index] = blank
                continue
            key = (cell.__class__, cell)
            if cache is not None and key in cache:
                values[index] = cache[key]
                continue
            try:
                value = self._value(column, cell)
            except ValueError:
                flagged[index] = True
                continue
            values[index] = value
            if cache is not None and len(cache) < _CACHE_LIMIT:
                cache[key] = value
        return values

    def _chunk_geometries(self, rows: list, flagged) -> list:
        """The geometry of each row; rows whose geometry needs a message are flagged."""
        count = len(rows)
        if self.tabular and isinstance(self.coordinates, tuple):
            lat_name, lon_name = self.coordinates
            lat = _coordinates([raw.values.get(lat_name) for raw in rows], flagged)
            lon = _coordinates([raw.values.get(lon_name) for raw in rows], flagged)
            if self._transformer is not None:
                lon, lat = self._transformer.transform(lon, lat)
                lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        elif not self.tabular and self.spec.geometry_type == "Point":
            geometries = np.array([raw.geometry for raw in rows], dtype=object)
            is_point = shapely.get_type_id(geometries) == 0
            is_point &= ~shapely.is_empty(geometries)
            flagged |= ~is_point
            lon = np.where(is_point, shapely.get_x(geometries), 0.0)
            lat = np.where(is_point, shapely.get_y(geometries), 0.0)
        else:
            geometries = [None] * count
            for index, raw in enumerate(rows):
                geometries[index], passed = self._silently(self._geometry, raw)
                flagged[index] |= not passed
            return geometries
        in_range = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        flagged |= ~in_range
        return shapely.points(np.where(in_range, lon, 0.0), np.where(in_range, lat, 0.0)).tolist()

    def _silently(self, check, *args) -> tuple[object, bool]:
        """Run a check that records issues; return (its result, passed), dropping its issues.

        The fast path only needs to know whether a row passes: a row that does not is
        validated again by `validate`, which records the issues.
        """
        before = len(self.issues)
        result = check(*args)
        passed = len(self.issues) == before
        del self.issues[before:]
        return result, passed

    def _value(self, column: Column, cell):
        """The typed value of a non-blank cell, or ValueError."""
        kind = column.kind
        if kind is Kind.TEXT or kind is Kind.REFERENCE:
            text = to_text(cell)
            if column.max_length and len(text) > column.max_length:
                raise ValueError(
                    f"{len(text)} characters long; at most {column.max_length} allowed."
                )
            return text
        if kind is Kind.CHOICE:
            text = to_text(cell)
            value = self._choices[column.name].get(_fold(text))
            if value is None:
                raise ValueError(
                    f"unknown value '{text}'; allowed: {', '.join(column.choices)}."
                )
            return value
        if kind is Kind.BOOLEAN:
            return to_boolean(cell)
        if kind is Kind.DATE:
            return to_date(cell)
        if kind is Kind.POLYGON_WKT:
            return _polygon(cell)
        value = to_integer(cell) if kind is Kind.INTEGER else to_decimal(cell)
        if column.min_value is not None and value < column.min_value:
            raise ValueError(f"{value} is below the minimum {column.min_value}.")
        if column.max_value is not None and value > column.max_value:
            raise ValueError(f"{value} is above the maximum {column.max_value}.")
        return value

    def _check_rules(self, number, values, references):
        installed, decommissioned = values.get("installed_on"), values.get("decommissioned_on")
        if installed and decommissioned and decommissioned < installed:
            self.error(number, "decommissioned_on",
                       f"{decommissioned.isoformat()} is before installed_on "
                       f"{installed.isoformat()}.")
        start, end = references.get("start_node"), references.get("end_node")
        if start and start == end:
            self.error(number, "end_node", f"same node as start_node ('{start}').")

    def _geometry(self, raw):
        if self.tabular:
            if isinstance(self.coordinates, tuple):
                return self._point_from_columns(raw)
            return self._from_wkt(raw.number, self.coordinates, raw.values.get(self.coordinates))
        return self._check_geometry(raw.number, "geometry", raw.geometry)

    def _point_from_columns(self, raw):
        lat_name, lon_name = self.coordinates
        lat_raw, lon_raw = raw.values.get(lat_name), raw.values.get(lon_name)
        coords = {}
        for name, cell in ((lat_name, lat_raw), (lon_name, lon_raw)):
            if is_blank(cell):
                self.error(raw.number, name, "required, but empty.")
                continue
            try:
                coords[name] = _coordinate(cell)
            except ValueError as exc:
                self.error(raw.number, name, str(exc))
        if len(coords) < 2:
            return None
        lat, lon = coords[lat_name], coords[lon_name]
        if self._transformer is not None:
            lon, lat = self._transformer.transform(lon, lat)
        if not self._in_range(raw.number, lat, lon, f"{lat_name}/{lon_name}", lat_name,
                              lon_name):
            return None
        return shapely.Point(lon, lat)

    def _in_range(self, number, lat, lon, pair, lat_field, lon_field) -> bool:
        lat_ok, lon_ok = -90 <= lat <= 90, -180 <= lon <= 180
        if lat_ok and lon_ok:
            return True
        if not lat_ok and -90 <= lon <= 90 and -180 <= lat <= 180:
            self.error(
                number, pair,
                f"latitude and longitude are swapped: latitude {_num(lat)} is outside -90..90 "
                f"and longitude {_num(lon)} looks like a latitude; exchange the two values.",
            )
            return False
        if not lat_ok:
            self.error(number, lat_field, f"latitude {_num(lat)} is outside -90..90.")
        if not lon_ok:
            self.error(number, lon_field, f"longitude {_num(lon)} is outside -180..180.")
        return False

    def _from_wkt(self, number, name, cell):
        if is_blank(cell):
            self.error(number, name, "required, but empty.")
            return None
        try:
            geometry = shapely.from_wkt(str(cell).strip())
        except shapely.errors.ShapelyError as exc:
            self.error(number, name, f"not valid WKT ({_geos_reason(exc)}).")
            return None
        if self._transformer is not None:
            geometry = shapely.transform(geometry, self._transformer.transform,
                                         interleaved=False)
        return self._check_geometry(number, name, geometry)

    def _check_geometry(self, number, name, geometry):
        expected = self.spec.geometry_type
        if geometry is None or geometry.is_empty:
            self.error(number, name, f"no geometry; a {expected} is required.")
            return None
        if geometry.geom_type == f"Multi{expected}" and len(geometry.geoms) == 1:
            geometry = geometry.geoms[0]
        if geometry.geom_type != expected:
            self.error(number, name, f"expected a {expected}, got a {geometry.geom_type}.")
            return None
        if expected == "Point":
            ok = self._in_range(number, geometry.y, geometry.x, name, name, name)
            return geometry if ok else None
        coords = shapely.get_coordinates(geometry)
        xs, ys = coords[:, 0], coords[:, 1]
        if (abs(ys) > 90).any() or (abs(xs) > 180).any():
            if (abs(xs) <= 90).all() and (abs(ys) <= 180).all():
                self.error(number, name, "latitude and longitude are swapped in the route "
                                         "(y values outside -90..90); exchange them.")
            else:
                self.error(number, name, "coordinates outside -180..180 / -90..90.")
            return None
        distinct = len({(x, y) for x, y in coords.tolist()})
        if distinct < 2:
            self.error(number, name,
                       f"too few points: a line needs at least 2 distinct points, it has "
                       f"{distinct}.")
            return None
        if not geometry.is_simple:
            self.error(number, name, "the route crosses itself (self-intersection).")
            return None
        return geometry


# Columns LIBKML adds to every placemark and other readers' own columns: not data.
KML_IGNORED = frozenset(
    {"id", "description", "timestamp", "begin", "end", "altitudemode", "tessellate",
     "extrude", "visibility", "draworder", "icon", "snippet"}
)


def _coordinates(cells: list, flagged):
    """Coordinates of a column as floats; blank or unreadable cells are flagged (NaN)."""
    values = np.full(len(cells), np.nan)
    for index, cell in enumerate(cells):
        try:
            values[index] = _coordinate(cell)
        except (TypeError, ValueError, ArithmeticError):
            flagged[index] = True
    return values


def _coordinate(cell) -> float:
    """A coordinate: plain float text fast, else through to_decimal (decimal comma)."""
    if cell.__class__ is float:
        return cell
    try:
        value = float(cell)
    except (TypeError, ValueError):
        return float(to_decimal(cell))
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"'{cell}' is not a number.")
    return value


def _blank_value(column: Column):
    """The value of an empty cell: '' for text, the default for choices and yes/no."""
    if column.kind is Kind.TEXT:
        return ""
    if column.kind in (Kind.CHOICE, Kind.BOOLEAN):
        return column.default
    return None


def _fold(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def _choice_lookup(column: Column, spec: LayerSpec) -> dict[str, str]:
    """Accepted spellings of each choice: its value or its label, any case."""
    field = spec.model._meta.get_field(column.name)
    lookup = {}
    for value, label in field.flatchoices:
        lookup.setdefault(_fold(str(label)), str(value))
    for value in column.choices:
        lookup[_fold(value)] = value
    return lookup


def _polygon(cell):
    try:
        geometry = shapely.from_wkt(str(cell).strip())
    except shapely.errors.ShapelyError as exc:
        raise ValueError(f"not valid WKT ({_geos_reason(exc)}).") from None
    if geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 1:
        geometry = geometry.geoms[0]
    if geometry.geom_type != "Polygon":
        raise ValueError(f"expected a Polygon, got a {geometry.geom_type}.")
    if not geometry.is_valid:
        raise ValueError(f"invalid polygon: {explain_validity(geometry)}.")
    return geometry


def _geos_reason(exc) -> str:
    text = str(exc)
    if "LinearRing" in text and "points" in text:
        return "too few points: a polygon ring needs at least 4 points"
    return text.split(":", 1)[-1].strip() if ":" in text else text


def _num(value: float) -> str:
    """A coordinate as written by people: up to 7 decimals, no trailing zeros."""
    return f"{value:.7f}".rstrip("0").rstrip(".")
