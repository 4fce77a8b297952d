"""Counts of the registry's layers for an area and each of its direct children.

Point assets are counted by the desa/kelurahan they stand in; fiber links by the
desa/kelurahan their route crosses (a link crossing two children counts once in each, and
once in the total). Five queries whatever the number of children.
"""

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef

from inventory.models import Facility, FiberLink, FiberNode, Hotspot
from inventory.querysets import RowCondition, working_sql

from ..models import AdminArea

POINT_LAYERS = {"hotspots": Hotspot, "facilities": Facility, "fiber_nodes": FiberNode}
COUNT_NAMES = ("hotspots", "hotspots_active_free", "facilities", "fiber_nodes", "fiber_links")


def _child_code(leaf_code: str, level: int) -> str:
    """The code of the ancestor of `leaf_code` at `level` (1 to 4)."""
    return ".".join(leaf_code.split(".")[:level])


def area_summary(area: AdminArea, as_of: datetime.date) -> dict:
    """Counts per layer for `area` and its children, records in service on `as_of`."""
    children = list(area.children.order_by("code"))
    counts = {child.code: dict.fromkeys(COUNT_NAMES, 0) for child in children}
    totals = dict.fromkeys(COUNT_NAMES, 0)
    child_level = area.level + 1

    for layer, model in POINT_LAYERS.items():
        rows = model.objects.in_service(as_of).in_area(area.code).values("area__code")
        aggregates = {"n": Count("pk")}
        if model is Hotspot:
            aggregates["active"] = Count("pk", filter=RowCondition(working_sql, as_of))
        for row in rows.annotate(**aggregates).order_by():
            target = counts.get(_child_code(row["area__code"], child_level))
            for name, value in ((layer, row["n"]), ("hotspots_active_free", row.get("active"))):
                if value is None:
                    continue
                totals[name] += value
                if target is not None:
                    target[name] += value

    links = FiberLink.objects.in_service(as_of).filter(route__intersects=OuterRef("geom"))
    leaves = (
        AdminArea.objects.leaves()
        .subtree(area.code)
        .annotate(link_ids=ArraySubquery(links.values("pk")))
        .values_list("code", "link_ids")
    )
    all_links: set[int] = set()
    child_links: dict[str, set[int]] = {code: set() for code in counts}
    for code, link_ids in leaves:
        all_links.update(link_ids)
        child = _child_code(code, child_level)
        if child in child_links:
            child_links[child].update(link_ids)
    totals["fiber_links"] = len(all_links)
    for code, ids in child_links.items():
        counts[code]["fiber_links"] = len(ids)

    def describe(item, item_counts):
        return {
            "code": item.code,
            "name": item.name,
            "level": item.level,
            "kind": item.kind,
            "population": item.population,
            "counts": item_counts,
        }

    return {
        **describe(area, totals),
        "as_of": as_of,
        "children": [describe(child, counts[child.code]) for child in children],
    }
