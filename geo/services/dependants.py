"""What keeps an area from being deleted: child areas, point assets, claims, stored
coverage and score results. `ensure_deletable` refuses with a message naming them."""

from django.db import models
from django.utils.translation import gettext, ngettext_lazy

from core.choices import AreaKind
from inventory.models import PointAsset

from ..models import AdminArea, AreaCoverage, WhiteZone
from .errors import AreaInUse


def ensure_deletable(area: AdminArea) -> None:
    """Raise AreaInUse naming what still depends on `area`: child areas, point assets,
    claims, stored coverage or score results (those would otherwise vanish with it)."""
    blockers = dependents(area)
    if blockers:
        label = area.name if area.name.lower().startswith(area.kind) else (
            f"{area.get_kind_display()} {area.name}"
        )
        raise AreaInUse(
            gettext("%(area)s (%(code)s) masih memiliki %(dependents)s; pindahkan atau "
                    "hapus terlebih dahulu.")
            % {"area": label, "code": area.code, "dependents": ", ".join(blockers)}
        )


#: How many child areas of each kind, e.g. "3 kelurahan" ("3 districts" for kecamatan).
_CHILD_COUNTS = {
    AreaKind.KABUPATEN: ngettext_lazy("%(count)d kabupaten", "%(count)d kabupaten", "count"),
    AreaKind.KOTA: ngettext_lazy("%(count)d kota", "%(count)d kota", "count"),
    AreaKind.KECAMATAN: ngettext_lazy("%(count)d kecamatan", "%(count)d kecamatan", "count"),
    AreaKind.DESA: ngettext_lazy("%(count)d desa", "%(count)d desa", "count"),
    AreaKind.KELURAHAN: ngettext_lazy("%(count)d kelurahan", "%(count)d kelurahan", "count"),
}
#: How many of each record that can keep an area from being deleted, by model label;
#: another model is named by its verbose name.
_DEPENDENT_COUNTS = {
    "inventory.hotspot": ngettext_lazy("%(count)d hotspot", "%(count)d hotspot", "count"),
    "inventory.facility": ngettext_lazy(
        "%(count)d fasilitas", "%(count)d fasilitas", "count"),
    "inventory.fibernode": ngettext_lazy(
        "%(count)d node serat optik", "%(count)d node serat optik", "count"),
    "geo.claim": ngettext_lazy("%(count)d klaim", "%(count)d klaim", "count"),
    "geo.coveragerun": ngettext_lazy(
        "%(count)d analisis cakupan", "%(count)d analisis cakupan", "count"),
    "geo.areacoverage": ngettext_lazy(
        "%(count)d hasil cakupan", "%(count)d hasil cakupan", "count"),
    "geo.whitezone": ngettext_lazy(
        "%(count)d wilayah tanpa wifi", "%(count)d wilayah tanpa wifi", "count"),
    "geo.areascore": ngettext_lazy("%(count)d skor wilayah", "%(count)d skor wilayah", "count"),
}


#: Results with a `run`: the rows of the live run do not hold an area back.
LIVE_MODELS = (AreaCoverage, WhiteZone)


def dependents(area: AdminArea) -> list[str]:
    """What still refers to `area`, e.g. `["3 kelurahan", "12 hotspot", "1 klaim"]`:
    child areas, then point assets, then everything else (translated).

    Every relation counts whatever its `on_delete` (stored results would be deleted with
    the area), except history rows (DO_NOTHING), which outlive it, and live coverage, which
    is rebuilt after the delete.
    """
    children = area.children.values("kind").annotate(n=models.Count("id")).order_by("kind")
    phrases = [_CHILD_COUNTS[child["kind"]] % {"count": child["n"]} for child in children]
    relations = [
        relation for relation in AdminArea._meta.get_fields(include_hidden=True)
        if isinstance(relation, models.ForeignObjectRel)
        and relation.related_model is not AdminArea
        and relation.on_delete is not models.DO_NOTHING
    ]
    relations.sort(key=lambda relation: not issubclass(relation.related_model, PointAsset))
    for relation in relations:
        model = relation.related_model
        rows = model._base_manager.filter(**{relation.field.name: area})
        if model in LIVE_MODELS:
            rows = rows.exclude(run__is_live=True)
        count = rows.count()
        if count:
            counted = _DEPENDENT_COUNTS.get(model._meta.label_lower)
            phrases.append(counted % {"count": count} if counted
                           else f"{count} {model._meta.verbose_name}")
    return phrases
