"""What the kelurahan page, the hotspot page and the dashboard show, read from the registry
and the newest stored coverage run (nothing is recomputed per request)."""

import datetime
from dataclasses import dataclass, field
from itertools import chain

from django.db.models import Count
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from geo.coverage.live import live_run
from geo.models import AdminArea, AreaCoverage, CoverageRun, FacilityAccess, WhiteZone
from inventory.choices import HotspotStatus
from inventory.models import Facility, FiberLink, FiberNode, Hotspot

from . import constants as c
from .queries import public_facilities, public_hotspots

#: Template the scores helper may provide to show an area's scores (context: `area`, `run`).
AREA_SCORES_TEMPLATE = "scoring/area_scores.html"
RECENT_CHANGES = 20
TOP_GAPS = 10


def optional_template(name: str) -> str | None:
    """`name` if that template exists (a hook another app may fill), else None."""
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


def status_counts(hotspots) -> list[dict]:
    """Hotspots per status in display order, with label, colour and count (zeros kept)."""
    counts = dict(hotspots.order_by().values_list("status").annotate(n=Count("pk")))
    return [
        {"status": str(status), "label": str(c.HOTSPOT_STATUS_LABELS[status]),
         "color": c.HOTSPOT_STATUS_COLORS[status], "count": counts.get(status, 0)}
        for status in c.PUBLIC_HOTSPOT_STATUSES
    ]


@dataclass
class AreaPage:
    """Everything the kelurahan page shows."""

    area: AdminArea
    run: CoverageRun | None
    coverage: AreaCoverage | None
    history: list[dict]
    hotspots: list[Hotspot]
    statuses: list[dict]
    facilities: list[tuple[Facility, FacilityAccess | None]]
    white_zones: list[WhiteZone]
    unconnected_offices: list[Facility]
    scores_template: str | None = None


def area_page(area: AdminArea) -> AreaPage:
    """Figures, lists and gaps of one desa/kelurahan from live coverage, with the history of
    its snapshot runs."""
    run = live_run()
    coverage = run.areas.filter(area=area).first() if run else None
    history = [
        {"as_of": row.run.as_of.isoformat(), "covered_pct": round(row.covered_pct, 1),
         "covered_population_pct": None if row.covered_population_pct is None
         else round(row.covered_population_pct, 1),
         "hotspots_active": row.hotspots_active}
        for row in AreaCoverage.objects.filter(area=area, run__scope__isnull=True,
                                               run__is_live=False)
        .select_related("run").order_by("run__as_of", "run__created")
    ]
    hotspots = public_hotspots().filter(area=area)
    access = {}
    white_zones = []
    if run is not None:
        access = {row.facility_id: row for row in run.facilities.filter(facility__area=area)}
        white_zones = list(run.white_zones.filter(area=area).order_by("-area_m2")[:TOP_GAPS])
    facilities = [(f, access.get(f.pk)) for f in public_facilities().filter(area=area)
                  .order_by("facility_type", "name")]
    unconnected = [f for f, row in facilities
                   if f.is_government_office and row is not None and not row.connected]
    return AreaPage(
        area=area, run=run, coverage=coverage, history=history,
        hotspots=list(hotspots.order_by("status", "name")),
        statuses=status_counts(hotspots), facilities=facilities, white_zones=white_zones,
        unconnected_offices=unconnected,
        scores_template=optional_template(AREA_SCORES_TEMPLATE),
    )


@dataclass
class Change:
    """One recent change of the registry, from django-simple-history."""

    date: datetime.datetime
    kind: str
    model: str
    name: str
    user: str
    object_id: int
    url: str | None = None


@dataclass
class Dashboard:
    """Everything the Diskominfo dashboard shows."""

    run: CoverageRun | None
    summary: AreaCoverage | None
    rows: list[AreaCoverage] = field(default_factory=list)
    statuses: list[dict] = field(default_factory=list)
    white_zones: list[WhiteZone] = field(default_factory=list)
    unconnected_offices: list[FacilityAccess] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    white_zone_count: int = 0
    hotspots_down: int = 0


def kelurahan_rows(run: CoverageRun | None):
    """The run's desa/kelurahan figures with their area and kecamatan, lowest coverage first."""
    if run is None:
        return AreaCoverage.objects.none()
    return (run.areas.filter(level=c.LEAF_LEVEL).select_related("area__parent")
            .defer("covered_geom", "area__geom", "area__parent__geom")
            .order_by("covered_pct", "area__code"))


def dashboard(hotspot_url) -> Dashboard:
    """City summary (live coverage), kelurahan table, gaps and recent changes;
    `hotspot_url(pk)` links a hotspot's page."""
    run = live_run()
    summary = None
    if run is not None:
        tops = list(run.areas.filter(level=2).select_related("area").defer("covered_geom")[:2])
        if len(tops) != 1:
            tops = list(run.areas.filter(level=1).select_related("area").defer("covered_geom")[:1])
        summary = tops[0] if tops else None
    board = Dashboard(run=run, summary=summary, rows=list(kelurahan_rows(run)),
                      statuses=status_counts(public_hotspots()))
    board.hotspots_down = Hotspot.objects.with_status(HotspotStatus.DOWN).count()
    if run is not None:
        board.white_zone_count = run.white_zones.count()
        board.white_zones = list(run.white_zones.select_related("area").defer("geom", "area__geom")
                                 .order_by("-area_m2")[:TOP_GAPS])
        board.unconnected_offices = list(
            run.facilities.filter(facility__is_government_office=True, connected=False)
            .select_related("facility__area").defer("facility__area__geom")
            .order_by("facility__name")
        )
    board.changes = recent_changes(hotspot_url)
    return board


def recent_changes(hotspot_url, limit: int = RECENT_CHANGES) -> list[Change]:
    """The newest changes of hotspots, facilities and fiber, newest first."""
    kinds = {"+": "created", "~": "changed", "-": "deleted"}
    records = chain.from_iterable(
        model.history.select_related("history_user").order_by("-history_date")[:limit]
        for model in (Hotspot, Facility, FiberNode, FiberLink)
    )
    changes = []
    for record in records:
        model = record.instance_type
        url = hotspot_url(record.id) if model is Hotspot and record.history_type != "-" else None
        changes.append(Change(
            date=record.history_date, kind=kinds.get(record.history_type, "changed"),
            model=str(model._meta.verbose_name), name=record.name,
            user=record.history_user.get_username() if record.history_user else "",
            object_id=record.id, url=url,
        ))
    changes.sort(key=lambda change: change.date, reverse=True)
    return changes[:limit]
