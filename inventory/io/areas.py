"""The desa/kelurahan of each imported point, by the model's rule, in one query per chunk.

The rule is `AdminAreaQuerySet.leaf_for_point` (what `PointAsset.assign_area` calls on every
admin and API save): the desa/kelurahan whose boundary covers the point (ST_Covers, border
included), the lowest code when several do (a point on a shared border). Here it runs
set-based: one `unnest` of the chunk's points, each joined laterally to that same filter and
ordering, so a file and a form put the same point in the same area.
"""

from django.db import connection

from core.choices import AreaLevel
from geo.models import AdminArea

_SQL = """
    SELECT t.n, a.id, a.code, a.name
    FROM unnest(%s::int[], %s::float8[], %s::float8[]) AS t(n, x, y)
    CROSS JOIN LATERAL (
        SELECT l.id, l.code, l.name FROM {table} l
        WHERE l.level = %s AND ST_Covers(l.geom, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326))
        ORDER BY l.code
        LIMIT 1
    ) a
"""


def leaves_for_points(numbers, xs, ys) -> dict[int, tuple[int, str, str]]:
    """{row number: (area id, code, name)} for the points (lon, lat) inside a desa/kelurahan."""
    if not len(numbers):
        return {}
    sql = _SQL.format(table=connection.ops.quote_name(AdminArea._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(numbers), [float(x) for x in xs], [float(y) for y in ys],
                             AreaLevel.DESA_KELURAHAN])
        return {n: (pk, code, name) for n, pk, code, name in cursor.fetchall()}
