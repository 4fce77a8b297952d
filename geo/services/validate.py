"""Checking areas before anything is written: the features of a boundary frame (codes,
levels, duplicates, names, geometry: valid (multi)polygons, repaired on request; populations),
and the rules an editor's write of one area must follow (API and admin alike)."""

import pandas as pd
import shapely
from django.utils.translation import gettext_lazy as _

from core.codes import level_of, normalize_code

from ..constants import DERIVED_SOURCE, PARENT_NAME_FIELDS
from .errors import AreaLoadError

POPULATION_NEEDS_YEAR = _("Tahun penduduk wajib diisi bila jumlah penduduk diisi.")
DERIVED_KEEPS_DISSOLVED_DATA = _(
    "Batas dan penduduk wilayah turunan adalah gabungan dan jumlah wilayah di bawahnya: "
    "ubahlah wilayah di bawahnya, atau isi sumber lain agar wilayah ini memakai batas dan "
    "penduduknya sendiri."
)


def editor_area_errors(values: dict, *, sets_dissolved_data: bool) -> dict[str, str]:
    """What is wrong, by field, with one area as an editor writes it (the API, the admin).

    A population needs its year; a derived parent (`source` is DERIVED_SOURCE) keeps the
    boundary and population its dissolve computes, so a write that sets them must give
    another source. `values` holds the area's values after the write.
    """
    errors = {}
    if values.get("population") is not None and values.get("population_year") is None:
        errors["population_year"] = POPULATION_NEEDS_YEAR
    if values.get("source") == DERIVED_SOURCE and sets_dissolved_data:
        errors["source"] = DERIVED_KEEPS_DISSOLVED_DATA
    return errors


def validated_rows(
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
    for number, (_index, feature) in enumerate(frame.iterrows(), start=1):
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
        geom, problem, was_repaired = checked_geometry(geom, make_valid)
        if problem:
            errors.append(f"{label}: {problem}")
            continue
        if was_repaired:
            repaired.append(code)
        population = None
        if population_field:
            population, problem = whole_number(feature[population_field])
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


def checked_geometry(geom, make_valid):
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


def whole_number(value):
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
