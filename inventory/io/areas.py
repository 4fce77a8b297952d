"""The desa/kelurahan of each imported point, by the model's rule, for a chunk at once.

The rule is `AdminAreaQuerySet.leaf_for_point` (what `PointAsset.assign_area` runs on every
admin and API save): the desa/kelurahan whose boundary covers the point (ST_Covers, border
included), the lowest code when several do (a point on a shared border).

Run as SQL for a whole chunk (`leaves_for_points`: one `unnest` joined laterally to that
filter and ordering) it re-reads a polygon for every point: on the 8,494 Jawa Timur desa
about 15 s per chunk of 5,000 points, against 0.1 s here. So `AreaIndex` reads each
polygon once per import into a shapely STRtree and asks `covered_by` (GEOS's DE-9IM
"covered by", the predicate ST_Covers tests). A point covered by exactly one desa goes to
it; a point covered by several (on a shared border, where the two libraries' arithmetic
could differ) is settled by the SQL rule itself, so the tie-break is PostGIS's own.
"""

import numpy as np
import shapely
from django.db import connection

from core.choices import AreaLevel
from geo.models import AdminArea

_TABLE = AdminArea._meta.db_table
_SQL = f"""
    SELECT t.n, a.id, a.code, a.name
    FROM unnest(%s::int[], %s::float8[], %s::float8[]) AS t(n, x, y)
    CROSS JOIN LATERAL (
        SELECT l.id, l.code, l.name FROM {_TABLE} l
        WHERE l.level = %s AND ST_Covers(l.geom, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326))
        ORDER BY l.code
        LIMIT 1
    ) a
"""


def leaves_for_points(numbers, xs, ys) -> dict[int, tuple[int, str, str]]:
    """`leaf_for_point` in SQL for many points: {number: (area id, code, name)} when inside."""
    if not len(numbers):
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [list(numbers), [float(x) for x in xs], [float(y) for y in ys],
                              AreaLevel.DESA_KELURAHAN])
        return {n: (pk, code, name) for n, pk, code, name in cursor.fetchall()}


class AreaIndex:
    """Desa/kelurahan of many points at once (the `leaf_for_point` rule; see the module).

    Leaves are read from PostGIS once, only those whose box meets the points seen so far.
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
                f"SELECT id FROM {_TABLE} "
                "WHERE level = %s AND geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
                [AreaLevel.DESA_KELURAHAN, *envelope.bounds],
            )
            known = set(self.ids)
            new = [pk for (pk,) in cursor.fetchall() if pk not in known]
            self.covered = envelope if self.covered is None else self.covered.union(envelope)
            if not new:
                return
            cursor.execute(
                f"SELECT id, code, name, ST_AsBinary(geom) FROM {_TABLE} "
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
        """{row number: (area id, code, name)} for the points (lon, lat) inside a leaf."""
        if not len(numbers):
            return {}
        self._ensure(xs, ys)
        if self.tree is None:
            return {}
        points, leaves = self.tree.query(shapely.points(xs, ys), predicate="covered_by")
        counts = np.bincount(points, minlength=len(numbers))
        found = {numbers[p]: (self.ids[i], self.codes[i], self.names[i])
                 for p, i in zip(points.tolist(), leaves.tolist(), strict=True)
                 if counts[p] == 1}
        shared = np.flatnonzero(counts > 1)
        if len(shared):
            found.update(leaves_for_points([numbers[p] for p in shared],
                                           np.asarray(xs)[shared], np.asarray(ys)[shared]))
        return found
