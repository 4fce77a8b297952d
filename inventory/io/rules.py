"""The rules of every importable layer, each written once: the table the validator reads.

`layer_rules(spec)` gives a layer's `LayerRules`:

- one `CellRule` per column: the blank rule (required, or the value of an empty cell) and
  the conversion of a non-blank cell (type, choices, length, range, date, WKT polygon),
  raising ValueError with the report's message;
- the cross-field rules (`CROSS_FIELD_RULES`: date order, a span from a node to itself);
- the geometry rules: `coordinate_issues` (ranges, latitude/longitude swapped; on arrays,
  so a whole chunk is checked at once) and `check_geometry` (type, empty, a line's
  coordinates, distinct points, self-intersection).

The validator (validation.py) applies them chunk by chunk; nothing else decides whether a
cell or a row is accepted.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.validation import explain_validity

from .cells import to_boolean, to_date, to_decimal, to_integer, to_text
from .schema import Column, Kind, LayerSpec

# (values, references) of a row → (field, message) of the broken rule, or None.
CrossFieldRule = Callable[[dict, dict], tuple[str, str] | None]


@dataclass(frozen=True)
class CellRule:
    """How one column's cells are read: the blank rule and the conversion of the others."""

    column: Column
    parse: Callable[[object], object]
    blank: object = None
    # Whether equal cells may share one parse (every kind but free text and polygons).
    cacheable: bool = True

    @property
    def name(self) -> str:
        """The column's canonical name."""
        return self.column.name

    @property
    def required(self) -> bool:
        """Whether an empty cell is an error ("required, but empty.")."""
        return self.column.required


@dataclass(frozen=True)
class LayerRules:
    """Every rule of one layer."""

    spec: LayerSpec
    cells: dict[str, CellRule]
    cross_field: tuple[CrossFieldRule, ...]


def dates_in_order(values: dict, references: dict):
    """decommissioned_on may not be before installed_on."""
    installed, decommissioned = values.get("installed_on"), values.get("decommissioned_on")
    if installed and decommissioned and decommissioned < installed:
        return ("decommissioned_on", f"{decommissioned.isoformat()} is before installed_on "
                                     f"{installed.isoformat()}.")
    return None


def distinct_nodes(values: dict, references: dict):
    """A span may not start and end at the same node."""
    start, end = references.get("start_node"), references.get("end_node")
    if start and start == end:
        return ("end_node", f"same node as start_node ('{start}').")
    return None


# Each rule with the fields it needs: a layer gets those whose fields it has.
CROSS_FIELD_RULES: tuple[tuple[CrossFieldRule, frozenset[str]], ...] = (
    (dates_in_order, frozenset({"installed_on", "decommissioned_on"})),
    (distinct_nodes, frozenset({"start_node", "end_node"})),
)


def layer_rules(spec: LayerSpec) -> LayerRules:
    """The rule table of a layer (choice labels in the active language)."""
    names = {c.name for c in spec.columns}
    return LayerRules(
        spec=spec,
        cells={c.name: _cell_rule(c, spec) for c in spec.columns},
        cross_field=tuple(rule for rule, fields in CROSS_FIELD_RULES if fields <= names),
    )


def _cell_rule(column: Column, spec: LayerSpec) -> CellRule:
    kind = column.kind
    if kind is Kind.TEXT or kind is Kind.REFERENCE:
        return CellRule(column, _text_parser(column), blank="" if kind is Kind.TEXT else None,
                        cacheable=False)
    if kind is Kind.CHOICE:
        return CellRule(column, _choice_parser(column, spec), blank=column.default)
    if kind is Kind.BOOLEAN:
        return CellRule(column, to_boolean, blank=column.default)
    if kind is Kind.DATE:
        return CellRule(column, to_date)
    if kind is Kind.POLYGON_WKT:
        return CellRule(column, parse_polygon, cacheable=False)
    return CellRule(column, _number_parser(column))


def _text_parser(column: Column):
    limit = column.max_length

    def parse(cell) -> str:
        text = to_text(cell)
        if limit and len(text) > limit:
            raise ValueError(f"{len(text)} characters long; at most {limit} allowed.")
        return text

    return parse


def _choice_parser(column: Column, spec: LayerSpec):
    lookup = _choice_lookup(column, spec)
    allowed = ", ".join(column.choices)

    def parse(cell) -> str:
        text = to_text(cell)
        value = lookup.get(_fold(text))
        if value is None:
            raise ValueError(f"unknown value '{text}'; allowed: {allowed}.")
        return value

    return parse


def _number_parser(column: Column):
    convert = to_integer if column.kind is Kind.INTEGER else to_decimal
    low, high = column.min_value, column.max_value

    def parse(cell):
        value = convert(cell)
        if low is not None and value < low:
            raise ValueError(f"{value} is below the minimum {low}.")
        if high is not None and value > high:
            raise ValueError(f"{value} is above the maximum {high}.")
        return value

    return parse


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


# --- geometry -------------------------------------------------------------------------


def parse_wkt(cell):
    """A shapely geometry from WKT text, or ValueError naming GEOS's reason."""
    try:
        return shapely.from_wkt(str(cell).strip())
    except shapely.errors.ShapelyError as exc:
        raise ValueError(f"not valid WKT ({_geos_reason(exc)}).") from None


def parse_polygon(cell):
    """A valid Polygon (a one-part MultiPolygon is unwrapped) from WKT, or ValueError."""
    geometry = parse_wkt(cell)
    if geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 1:
        geometry = geometry.geoms[0]
    if geometry.geom_type != "Polygon":
        raise ValueError(f"expected a Polygon, got a {geometry.geom_type}.")
    if not geometry.is_valid:
        raise ValueError(f"invalid polygon: {explain_validity(geometry)}.")
    return geometry


def coordinate_issues(lat, lon, pair: str, lat_field: str, lon_field: str) -> dict:
    """{index: [(field, message), …]} of the points whose coordinates are out of range.

    Latitude must be within -90..90 and longitude within -180..180; a latitude out of range
    whose longitude would be a valid latitude (and the other way round) is named as swapped.
    """
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    lat_ok = (lat >= -90) & (lat <= 90)
    lon_ok = (lon >= -180) & (lon <= 180)
    swapped = ~lat_ok & (lon >= -90) & (lon <= 90) & (lat >= -180) & (lat <= 180)
    issues = {}
    for index in np.flatnonzero(~(lat_ok & lon_ok)).tolist():
        y, x = _num(lat[index]), _num(lon[index])
        if swapped[index]:
            issues[index] = [(pair, f"latitude and longitude are swapped: latitude {y} is "
                                    f"outside -90..90 and longitude {x} looks like a "
                                    "latitude; exchange the two values.")]
            continue
        issues[index] = []
        if not lat_ok[index]:
            issues[index].append((lat_field, f"latitude {y} is outside -90..90."))
        if not lon_ok[index]:
            issues[index].append((lon_field, f"longitude {x} is outside -180..180."))
    return issues


def check_geometry(geometry, expected: str, name: str) -> tuple[object, list]:
    """(the geometry, or None, and its [(field, message)]) for a layer of type `expected`."""
    if geometry is None or geometry.is_empty:
        return None, [(name, f"no geometry; a {expected} is required.")]
    if geometry.geom_type == f"Multi{expected}" and len(geometry.geoms) == 1:
        geometry = geometry.geoms[0]
    if geometry.geom_type != expected:
        return None, [(name, f"expected a {expected}, got a {geometry.geom_type}.")]
    if expected == "Point":
        issues = coordinate_issues([geometry.y], [geometry.x], name, name, name)
        return (None, issues[0]) if issues else (geometry, [])
    coords = shapely.get_coordinates(geometry)
    xs, ys = coords[:, 0], coords[:, 1]
    if (abs(ys) > 90).any() or (abs(xs) > 180).any():
        if (abs(xs) <= 90).all() and (abs(ys) <= 180).all():
            return None, [(name, "latitude and longitude are swapped in the route "
                                 "(y values outside -90..90); exchange them.")]
        return None, [(name, "coordinates outside -180..180 / -90..90.")]
    distinct = len({(x, y) for x, y in coords.tolist()})
    if distinct < 2:
        return None, [(name, f"too few points: a line needs at least 2 distinct points, it "
                             f"has {distinct}.")]
    if not geometry.is_simple:
        return None, [(name, "the route crosses itself (self-intersection).")]
    return geometry, []


def _geos_reason(exc) -> str:
    text = str(exc)
    if "LinearRing" in text and "points" in text:
        return "too few points: a polygon ring needs at least 4 points"
    return text.split(":", 1)[-1].strip() if ":" in text else text


def _num(value: float) -> str:
    """A coordinate as written by people: up to 7 decimals, no trailing zeros."""
    return f"{value:.7f}".rstrip("0").rstrip(".")
