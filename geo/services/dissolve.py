"""Derived parents (source `DERIVED_SOURCE`): their boundary is the union of their
children's and their population the children's sum, rebuilt in SQL after every write.

`area_m2` is not written here: PostgreSQL derives it from the new boundary (a generated
column, see `AdminArea.area_m2`).
"""

from django.db import connection

from core.codes import ancestors_of, level_of

from ..constants import DERIVED_SOURCE
from ..models import AdminArea

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
    "set_geometry": "geom = d.geom,",
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
    geom = 'SRID=4326;MULTIPOLYGON EMPTY'::geometry,
    population = NULL, population_year = NULL, population_source = '', last_updated = now()
WHERE p.id = ANY(%(ids)s) AND NOT ST_IsEmpty(p.geom)
  AND NOT EXISTS (SELECT 1 FROM geo_adminarea c WHERE c.parent_id = p.id)
RETURNING p.code
"""


def dissolve_derived_parents(parent_codes: set[str], geometry: bool = True) -> list[str]:
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
        with connection.cursor() as cursor:
            cursor.execute(sql, {"ids": ids})
            rebuilt += [code for (code,) in cursor.fetchall()]
            cursor.execute(_EMPTY_CHILDLESS_SQL, {"ids": ids})
            rebuilt += [code for (code,) in cursor.fetchall()]
    return sorted(set(rebuilt))
