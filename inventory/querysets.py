"""Per-request queries on the registry, run in PostGIS on indexed columns."""

import datetime

from django.contrib.gis.db import models
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models.expressions import Expression
from django.utils import timezone

from core.functions import GeographyDistance, KNNDistance

from .choices import HotspotStatus, ReportKind, ReportStatus


def install_date_known_for(on: datetime.date) -> bool:
    """Whether an asset must have a known installation date to count on `on`.

    An asset without one counts as installed today (it is in the registry) but not on a
    past date: nobody knows whether it stood there then. Counts for a past date report
    those assets apart, as "install date unknown".
    """
    return on < timezone.localdate()


def in_service_sql(alias: str, on: datetime.date) -> tuple[str, list]:
    """The one rule for "in service on `on`", as an SQL condition on the asset row `alias`
    with its params: installed on or before the date and not decommissioned by then. An
    unknown installation date counts for today and later, not for a past date
    (`install_date_known_for`)."""
    installed = f"{alias}.installed_on <= %s"
    if not install_date_known_for(on):
        installed = f"({installed} OR {alias}.installed_on IS NULL)"
    return (f"({installed} AND ({alias}.decommissioned_on IS NULL "
            f"OR {alias}.decommissioned_on > %s))", [on, on])


def install_date_unknown_sql(alias: str, on: datetime.date) -> tuple[str, list]:
    """Assets left out on a past date `on` only because their installation date is unknown
    (none for today and later, when they count), as an SQL condition on row `alias`."""
    if not install_date_known_for(on):
        return "false", []
    return (f"({alias}.installed_on IS NULL AND ({alias}.decommissioned_on IS NULL "
            f"OR {alias}.decommissioned_on > %s))", [on])


def _status_on_date_sql(alias: str, on: datetime.date) -> tuple[str, list]:
    sql, params = status_on_sql(alias)
    return sql, [on, *params]


class RowCondition(Expression):
    """One of the `*_sql` rules as an ORM expression, written for the row of the query's
    own table under whatever alias the query gives it (also inside a subquery)."""

    def __init__(self, make_sql, *args, output_field=None):
        super().__init__(output_field=output_field or models.BooleanField())
        self.make_sql, self.args = make_sql, args

    @property
    def conditional(self):
        """Usable in `filter()` when boolean."""
        return isinstance(self.output_field, models.BooleanField)

    def as_sql(self, compiler, connection):
        """The rule's SQL on the alias of the query's base table."""
        return self.make_sql(compiler.quote_name_unless_alias(compiler.query.base_table),
                             *self.args)


class InServiceQuerySet(models.QuerySet):
    """Queries shared by every asset that has installation and decommissioning dates."""

    def in_service(self, as_of: datetime.date | None = None):
        """Assets in service on `as_of` (default today): see `in_service_sql`."""
        return self.filter(RowCondition(in_service_sql, as_of or timezone.localdate()))

    def install_date_unknown(self, as_of: datetime.date | None = None):
        """Assets left out on a past `as_of` only because their installation date is unknown
        (see `install_date_unknown_sql`)."""
        return self.filter(RowCondition(install_date_unknown_sql, as_of or timezone.localdate()))

    def in_area(self, code: str):
        """Assets whose desa/kelurahan lies in the area with this code (any level)."""
        return self.filter(models.Q(area__code=code) | models.Q(area__code__startswith=f"{code}."))


class PointAssetQuerySet(InServiceQuerySet):
    """Queries on point assets (hotspots, facilities, fiber nodes)."""

    def nearest(self, point: Point, limit: int = 5, candidates: int | None = None):
        """The `limit` assets nearest to `point`, with `distance_m` (geodesic metres).

        Candidates come from the GiST index with the KNN operator `<->` (planar distance in
        degrees), then are ranked by true distance on the spheroid (`nearest_candidates`).
        """
        point_value = models.Value(point, output_field=GeometryField(srid=4326))
        candidates = candidates or nearest_candidates(limit)
        candidate_ids = self.order_by(KNNDistance("geom", point_value)).values("pk")[:candidates]
        return (
            self.filter(pk__in=models.Subquery(candidate_ids))
            .annotate(distance_m=GeographyDistance("geom", point_value))
            .order_by("distance_m", "pk")[:limit]
        )


def status_on_sql(alias: str, known_at: datetime.datetime | None = None) -> tuple[str, list]:
    """SQL for the status in effect on a date of the hotspot row `alias`, and its params
    after the date's own `%s` (which the caller passes first).

    The status in effect is the one of the latest status period that started on or before
    the date; the first period (`effective_from` NULL) holds from the installation. With
    `known_at`, only periods recorded by then count. A row without any period (it cannot
    happen through the registry's write paths) falls back to its status column.
    """
    recorded, params = "", []
    if known_at is not None:
        recorded, params = "AND p.recorded <= %s", [known_at]
    return (
        f"""COALESCE((SELECT p.status FROM inventory_hotspotstatusperiod p
                      WHERE p.hotspot_id = {alias}.id
                        AND (p.effective_from IS NULL OR p.effective_from <= %s) {recorded}
                      ORDER BY p.effective_from DESC NULLS LAST, p.id DESC LIMIT 1),
                     {alias}.status)""",
        params,
    )


def hotspot_status_sql(alias: str, on: datetime.date, status: str,
                       known_at: datetime.datetime | None = None) -> tuple[str, list]:
    """Free hotspots in service on `on` whose status in effect then is `status`, as an SQL
    condition on row `alias` with its params."""
    service_sql, service_params = in_service_sql(alias, on)
    status_sql, status_params = status_on_sql(alias, known_at)
    return (f"({alias}.is_free AND {service_sql} AND {status_sql} = %s)",
            [*service_params, on, *status_params, status])


def working_sql(alias: str, on: datetime.date,
                known_at: datetime.datetime | None = None) -> tuple[str, list]:
    """The one rule for "a working hotspot on `on`", as an SQL condition on row `alias` with
    its params: free, in service on the date (`in_service_sql`) and active by the status in
    effect on that date (`status_on_sql`)."""
    return hotspot_status_sql(alias, on, HotspotStatus.ACTIVE, known_at)


def public_sql(alias: str, on: datetime.date) -> tuple[str, list]:
    """What citizens may see on `on`, as an SQL condition on row `alias`: free hotspots that
    are not decommissioned by the date, whatever their status in effect (planned, active,
    in maintenance or down: the map shows each in its colour)."""
    status_sql, status_params = status_on_sql(alias)
    return (
        f"""({alias}.is_free
             AND ({alias}.decommissioned_on IS NULL OR {alias}.decommissioned_on > %s)
             AND {status_sql} <> %s)""",
        [on, on, *status_params, HotspotStatus.DECOMMISSIONED.value],
    )


class HotspotQuerySet(PointAssetQuerySet):
    """Queries on hotspots; `working` and `public` are the rules every consumer calls."""

    def working(self, on: datetime.date | None = None,
                known_at: datetime.datetime | None = None):
        """Hotspots working on `on` (default today): see `working_sql`."""
        return self.filter(RowCondition(working_sql, on or timezone.localdate(), known_at))

    def with_status(self, status: str, on: datetime.date | None = None):
        """Free hotspots in service on `on` whose status in effect is `status`."""
        return self.filter(RowCondition(hotspot_status_sql, on or timezone.localdate(), status))

    def public(self, on: datetime.date | None = None):
        """Hotspots citizens may see on `on` (default today): see `public_sql`."""
        return self.filter(RowCondition(public_sql, on or timezone.localdate()))

    def with_status_on(self, on: datetime.date):
        """Annotate `status_on`: the status in effect on the date (see `status_on_sql`)."""
        return self.annotate(status_on=RowCondition(_status_on_date_sql, on,
                                                    output_field=models.CharField()))


#: The nearest working hotspots, ranked by geodesic distance: the same query as
#: `Hotspot.objects.working(today).nearest(point, limit)` (a test holds the two together),
#: written out because it is the API's hot path (the ORM spends longer building it than
#: PostgreSQL spends running it). `{condition}` is `working_sql` (or, for editors asking
#: for a status, in service with that status in effect).
NEAREST_HOTSPOTS_SQL = """
WITH here AS (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS point),
candidates AS (
    SELECT h.id FROM inventory_hotspot h, here
    WHERE {condition}
    ORDER BY h.geom <-> here.point
    LIMIT %s
)
SELECT h.id, h.name, h.ssid, h.operator, h.site_type, h.placement, h.status,
       h.opening_hours, h.coverage_radius_m, a.code AS area_code,
       ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat,
       ST_Distance(h.geom::geography, here.point::geography) AS distance_m
FROM candidates JOIN inventory_hotspot h ON h.id = candidates.id
JOIN geo_adminarea a ON a.id = h.area_id
CROSS JOIN here
ORDER BY distance_m, h.id
LIMIT %s
"""


def nearest_free_hotspots(point: Point, limit: int, status: str | None = None,
                          today: datetime.date | None = None) -> list[dict]:
    """Hotspots working on `today` (default today) nearest to `point`, as dicts with their
    `area_code`, `lon`, `lat` and `distance_m` (geodesic metres).

    With `status` (for editors): free hotspots in service whose status in effect is that one.
    """
    today = today or timezone.localdate()
    if status:
        condition, condition_params = hotspot_status_sql("h", today, status)
    else:
        condition, condition_params = working_sql("h", today)
    params = [point.x, point.y, *condition_params, nearest_candidates(limit), limit]
    with connection.cursor() as cursor:
        cursor.execute(NEAREST_HOTSPOTS_SQL.format(condition=condition), params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def nearest_candidates(limit: int) -> int:
    """How many KNN candidates (planar, in degrees) surely hold the `limit` nearest by true
    distance: within Indonesia (|latitude| < 11°) degrees east and north differ by under 2%,
    so four times `limit` plus 20 always do."""
    return 4 * limit + 20


class HotspotReportQuerySet(models.QuerySet):
    """Queries on citizen reports."""

    def pending(self):
        """Reports no editor has looked at yet (status new)."""
        return self.filter(status=ReportStatus.NEW)

    def confirmed_outages(self):
        """Confirmed "not working" reports that are not resolved yet."""
        return self.filter(
            kind=ReportKind.NOT_WORKING, status=ReportStatus.CONFIRMED, resolved_at__isnull=True
        )
