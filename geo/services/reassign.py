"""Moving point assets (hotspots, facilities, fiber nodes, …) to the desa/kelurahan that
covers them after desa/kelurahan boundaries were created or reshaped.

The assignment rule is `AdminAreaQuerySet.leaf_for_point`'s: the desa/kelurahan whose
boundary covers the point (ST_Covers, border included); a point on a shared border goes to
the lowest code. `_REASSIGN_SQL` applies that same rule to many points in one statement.
"""

from django.apps import apps
from django.db import connection
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from core.choices import AreaLevel
from inventory.models import PointAsset

from .errors import AssetsOutsideAreas


def point_asset_models() -> list[type[PointAsset]]:
    """The concrete point-asset models (hotspots, facilities, fiber nodes, …)."""
    return [model for model in apps.get_models() if issubclass(model, PointAsset)]


# `new_area_id` is the rule of `AdminAreaQuerySet.leaf_for_point`, in SQL for many points:
# a desa/kelurahan (level = leaf) whose boundary covers the point (ST_Covers), lowest code
# first. Change the two together; a test checks that they agree on a shared border.
_REASSIGN_SQL = """
WITH changed AS MATERIALIZED (
    SELECT id, geom FROM geo_adminarea WHERE code = ANY(%(codes)s)
),
affected AS (
    SELECT a.id FROM {table} a WHERE a.{area} IN (SELECT id FROM changed)
    UNION
    SELECT a.id FROM {table} a JOIN changed c ON ST_Covers(c.geom, a.{geom})
),
target AS MATERIALIZED (
    SELECT a.id, a.{area} AS old_area_id, a.{name} AS name,
           ST_X(a.{geom}) AS lon, ST_Y(a.{geom}) AS lat,
           (SELECT l.id FROM geo_adminarea l
             WHERE l.level = %(leaf)s AND ST_Covers(l.geom, a.{geom})
             ORDER BY l.code LIMIT 1) AS new_area_id
    FROM {table} a WHERE a.id IN (SELECT id FROM affected)
),
moved AS (
    UPDATE {table} t SET {area} = target.new_area_id, {last_updated} = %(now)s
    FROM target
    WHERE t.id = target.id AND target.new_area_id <> target.old_area_id
    RETURNING t.id
)
SELECT true, id, NULL, NULL, NULL FROM moved
UNION ALL
SELECT false, id, name, lon, lat FROM target WHERE new_area_id IS NULL
ORDER BY 2
"""


def reassign_assets(codes: list[str], reason: str, user=None) -> int:
    """Move the point assets affected by new or reshaped desa/kelurahan `codes`.

    Affected are the assets assigned to one of these areas and those a new boundary covers.
    Each goes to the desa/kelurahan that covers it, by the rule of `leaf_for_point`
    (ST_Covers, lowest code): one UPDATE per point table. Moved assets get a history row.
    Raises AssetsOutsideAreas listing every asset left outside all desa/kelurahan.
    Returns the number of assets moved.
    """
    now = timezone.now()
    moved_total, outside = 0, []
    for model in point_asset_models():
        if not model._base_manager.exists():
            continue
        opts, quote = model._meta, connection.ops.quote_name
        sql = _REASSIGN_SQL.format(
            table=quote(opts.db_table),
            **{name: quote(opts.get_field(name).column)
               for name in ("area", "geom", "name", "last_updated")},
        )
        with connection.cursor() as cursor:
            # The planner overestimates ST_Covers; JIT would cost more than the query itself.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(
                sql, {"codes": codes, "leaf": int(AreaLevel.DESA_KELURAHAN), "now": now}
            )
            rows = cursor.fetchall()
        moved = [pk for was_moved, pk, *_ in rows if was_moved]
        outside += [
            gettext("%(asset)s %(id)s “%(name)s” (bujur %(lon).6f, lintang %(lat).6f) akan "
                    "berada di luar semua desa/kelurahan; pindahkan atau hapus terlebih dahulu.")
            % {"asset": capfirst(opts.verbose_name), "id": pk, "name": name, "lon": lon,
               "lat": lat}
            for was_moved, pk, name, lon, lat in rows if not was_moved
        ]
        for start in range(0, len(moved), 1000):
            model.history.bulk_history_create(
                model._base_manager.filter(pk__in=moved[start:start + 1000]),
                update=True,
                default_change_reason=f"{reason}: desa/kelurahan re-assigned",
                default_user=user,
            )
        moved_total += len(moved)
    if outside:
        raise AssetsOutsideAreas(outside)
    return moved_total
