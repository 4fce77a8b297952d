"""Column specifications of the four importable layers, built from the model fields.

Each layer (`hotspots`, `facilities`, `fiber-nodes`, `fiber-links`) has one `LayerSpec`: its
model, its geometry field and the ordered `Column`s a file may carry. Kinds, required flags,
allowed choice values, lengths and ranges come from the model fields and choice classes, so
the importer, the exporters, the docs and the template CSVs never drift from the models.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db import models

from ..models import Facility, FiberLink, FiberNode, Hotspot


class Kind(StrEnum):
    """How a column's text is parsed."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    CHOICE = "choice"
    REFERENCE = "reference"
    POLYGON_WKT = "polygon_wkt"
    # Columns computed by Simpul: exported, ignored on import.
    COMPUTED = "computed"


# Column names of at most 10 characters for shapefiles (dBASE limit); the import accepts both.
SHORT_NAMES = {
    "external_id": "ext_id",
    "installed_on": "install_on",
    "decommissioned_on": "decomm_on",
    "coverage_radius_m": "radius_m",
    "coverage_area": "cov_area",
    "bandwidth_mbps": "bw_mbps",
    "opening_hours": "open_hours",
    "host_facility": "host_fac",
    "last_verified_on": "verified",
    "facility_type": "fac_type",
    "is_government_office": "is_gov_off",
    "connectivity": "connectiv",
    "is_sensitive": "sensitive",
    "fibre_count": "fibre_cnt",
    "capacity_gbps": "cap_gbps",
}

# Fields never shown to the public (anonymous API users).
INTERNAL_FIELDS = frozenset({"notes"})

# Fields the import never reads (set by the database or by Simpul).
_SKIPPED = {"id", "created", "last_updated", "area", "length_m"}


@dataclass(frozen=True)
class Column:
    """One column of an import/export file."""

    name: str
    kind: Kind
    label: str
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    default: object = None
    reference: type[models.Model] | None = None
    help: str = ""

    @property
    def short(self) -> str:
        """The name used in shapefiles (10 characters at most)."""
        return SHORT_NAMES.get(self.name, self.name)


@dataclass(frozen=True)
class LayerSpec:
    """An importable layer: model, geometry and columns."""

    key: str
    model: type[models.Model]
    geometry_field: str
    geometry_type: str
    columns: tuple[Column, ...]
    computed: tuple[Column, ...] = ()

    @property
    def is_point(self) -> bool:
        """Whether features are points (and therefore assigned to a desa/kelurahan)."""
        return self.geometry_type == "Point"

    @property
    def label(self) -> str:
        """The model's plural verbose name."""
        return str(self.model._meta.verbose_name_plural)

    def column(self, name: str) -> Column:
        """The column with this canonical name."""
        return next(c for c in self.columns if c.name == name)

    def export_columns(self, public: bool = False) -> tuple[Column, ...]:
        """Columns written by the exporters (computed ones included)."""
        columns = self.columns + self.computed
        if public:
            columns = tuple(c for c in columns if c.name not in INTERNAL_FIELDS)
        return columns

    def aliases(self) -> dict[str, str]:
        """Map every accepted header spelling (`header_key`) to its canonical column name.

        Accepted: the field name, its shapefile short name, its Indonesian label (e.g.
        "Nama", "ID eksternal") and, for references, `<field>_external_id`.
        """
        names = {}
        for column in self.columns:
            names.setdefault(header_key(column.label), column.name)
        for column in self.columns:
            names[column.name] = column.name
            names[column.short] = column.name
            if column.kind is Kind.REFERENCE:
                names[f"{column.name}_external_id"] = column.name
        return names


def header_key(text: str) -> str:
    """A header folded for matching: lower case, words joined by underscores."""
    return "_".join(str(text).lower().replace("-", " ").split())


def _column(field: models.Field) -> Column:
    """A Column from a model field: kind, required, choices and limits."""
    label = str(field.verbose_name)
    common = {"name": field.name, "label": label, "help": str(field.help_text or "")}
    has_default = field.has_default()
    default = field.get_default() if has_default else None
    required = not field.blank and not has_default and not field.null
    if isinstance(field, models.ForeignKey):
        return Column(kind=Kind.REFERENCE, required=required, reference=field.related_model,
                      **common)
    if field.choices:
        return Column(kind=Kind.CHOICE, required=required,
                      choices=tuple(str(value) for value, _ in field.flatchoices),
                      default=default, **common)
    if isinstance(field, models.BooleanField):
        return Column(kind=Kind.BOOLEAN, default=default, **common)
    if isinstance(field, models.DateField):
        return Column(kind=Kind.DATE, **common)
    if isinstance(field, models.DecimalField):
        limit = Decimal(10) ** (field.max_digits - field.decimal_places)
        return Column(kind=Kind.DECIMAL, min_value=-limit, max_value=limit, **common)
    if isinstance(field, models.IntegerField):
        return Column(kind=Kind.INTEGER, min_value=0, max_value=2**31 - 1, **common)
    if field.get_internal_type() == "PolygonField":
        return Column(kind=Kind.POLYGON_WKT, **common)
    return Column(kind=Kind.TEXT, required=required, max_length=field.max_length,
                  default="" if not field.null else None, **common)


# Limits set by database constraints rather than by the field definitions.
_OVERRIDES = {
    "coverage_radius_m": {"min_value": 1, "max_value": 5000},
    "bandwidth_mbps": {"min_value": Decimal("0.1")},
    "fibre_count": {"min_value": 1},
    "capacity_gbps": {"min_value": Decimal("0")},
}


def _spec(key: str, model, geometry_field: str, geometry_type: str, computed=()) -> LayerSpec:
    columns = []
    for field in model._meta.concrete_fields:
        if field.name in _SKIPPED or field.name == geometry_field:
            continue
        column = _column(field)
        if field.name in _OVERRIDES:
            column = Column(**{**column.__dict__, **_OVERRIDES[field.name]})
        columns.append(column)
    return LayerSpec(key, model, geometry_field, geometry_type, tuple(columns), tuple(computed))


_AREA_CODE = Column("area_code", Kind.COMPUTED, "kode desa/kelurahan")
_LENGTH = Column("length_m", Kind.COMPUTED, "panjang (m)")

LAYERS: dict[str, LayerSpec] = {
    "hotspots": _spec("hotspots", Hotspot, "geom", "Point", [_AREA_CODE]),
    "facilities": _spec("facilities", Facility, "geom", "Point", [_AREA_CODE]),
    "fiber-nodes": _spec("fiber-nodes", FiberNode, "geom", "Point", [_AREA_CODE]),
    "fiber-links": _spec("fiber-links", FiberLink, "route", "LineString", [_LENGTH]),
}


def get_layer(key: str) -> LayerSpec:
    """The layer spec for a command-line/API layer name, or KeyError with the choices."""
    try:
        return LAYERS[key]
    except KeyError:
        raise KeyError(
            f"Unknown layer {key!r}; use one of: {', '.join(LAYERS)}."
        ) from None


def default_values(spec: LayerSpec, values: dict, current=None) -> dict:
    """Fill defaults that depend on other values, as the models' save() would.

    Only keys present in `values` with the value None are filled (a new record has every
    key); `current`, the stored record being updated, supplies the values the file lacks.
    Hotspot: `coverage_radius_m` from the placement (SIMPUL_HOTSPOT_RADIUS_M).
    Facility: `is_government_office` from the facility type
    (`Facility.government_office_for`, the rule every save follows).
    """
    def given(key):
        return values[key] if key in values else getattr(current, key, None)

    if spec.model is Hotspot and "coverage_radius_m" in values:
        if values["coverage_radius_m"] is None:
            values["coverage_radius_m"] = Hotspot.default_radius_for(given("placement"))
    if spec.model is Facility and "is_government_office" in values:
        if values["is_government_office"] is None:
            values["is_government_office"] = Facility.government_office_for(
                given("facility_type"))
    return values
