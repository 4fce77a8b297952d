"""Services of the registry: loading the generated Kota Mojokerto demo."""

from dataclasses import dataclass, field

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction

from geo.constants import DERIVED_SOURCE
from geo.models import AdminArea
from geo.services import load_area_frame

from .constants import DEMO_SOURCE
from .models import Facility, FiberLink, FiberNode, Hotspot


class DemoLoadError(Exception):
    """The demo cannot be loaded into this database."""


@dataclass
class DemoLoadSummary:
    """Counts of what `load_demo` created, updated, left unchanged and removed, per model."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    areas_created: int = 0
    areas_updated: int = 0


def load_demo(data) -> DemoLoadSummary:
    """Write the generated demo (fixtures.demo.DemoData), idempotently and atomically.

    Records are matched by external_id: unchanged ones are not touched (no history rows),
    changed ones are updated, demo records the generator no longer makes are deleted.
    Refuses to replace boundaries that were loaded from real data.
    """
    from fixtures import demo

    summary = DemoLoadSummary()
    with transaction.atomic():
        codes = list(data.kelurahan["code"])
        real = (
            AdminArea.objects.filter(code__in=codes)
            .exclude(source__in=[demo.BOUNDARY_SOURCE, DERIVED_SOURCE])
            .values_list("source", flat=True)
            .first()
        )
        if real is not None:
            raise DemoLoadError(
                f"Kota Mojokerto's kelurahan are already loaded from {real!r}; the demo would "
                "replace them with approximate boundaries. Load the demo into an empty database."
            )
        frame = data.kelurahan.assign(kecamatan=None, kota="Kota Mojokerto", provinsi="Jawa Timur")
        names = {k["code"]: k["name"] for k in demo.load_facts()["kecamatan"]}
        frame["kecamatan"] = [names[code.rsplit(".", 1)[0]] for code in frame["code"]]
        areas = load_area_frame(
            frame,
            source=demo.BOUNDARY_SOURCE,
            level="kelurahan",
            code_field="code",
            name_field="name",
            population_field="population",
            population_year=2023,
            population_source=demo.POPULATION_SOURCE,
        )
        summary.areas_created, summary.areas_updated = len(areas.created), len(areas.updated)
        nodes = _upsert(FiberNode, data.fiber_nodes, summary)
        facilities = _upsert(Facility, data.facilities, summary, fiber_node=nodes)
        _upsert(FiberLink, data.fiber_links, summary, start_node=nodes, end_node=nodes)
        _upsert(Hotspot, data.hotspots, summary, host_facility=facilities)
    return summary


def _upsert(model, records, summary, **references):
    """Create or update `model` rows by external_id; return {external_id: instance}."""
    existing = {obj.external_id: obj for obj in model.objects.filter(source=DEMO_SOURCE)}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    result = {}
    for record in records:
        values = {}
        for key, value in record.items():
            if key in references:
                values[key] = references[key][value] if value else None
            elif isinstance(value, shapely.Geometry):
                values[key] = GEOSGeometry(memoryview(shapely.to_wkb(value)), srid=4326)
            else:
                values[key] = value
        obj = existing.pop(record["external_id"], None)
        if obj is None:
            obj = model(**values)
            obj.save()
            counts["created"] += 1
        elif any(not _same(getattr(obj, key), value) for key, value in values.items()):
            for key, value in values.items():
                setattr(obj, key, value)
            obj.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        result[record["external_id"]] = obj
    for obj in existing.values():
        obj.delete()
        counts["deleted"] += 1
    summary.counts[model._meta.verbose_name_plural] = counts
    return result


def _same(current, new) -> bool:
    """Whether a stored value equals a generated one (geometry compared exactly)."""
    if isinstance(new, GEOSGeometry) or isinstance(current, GEOSGeometry):
        return current is not None and new is not None and current.equals_exact(new, 1e-9)
    if hasattr(current, "pk") or hasattr(new, "pk"):
        return getattr(current, "pk", None) == getattr(new, "pk", None)
    return current == new
