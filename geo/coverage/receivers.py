"""Registry changes keep live coverage current, in the transaction of the change.

A hotspot's save (`Hotspot.save` sends `assets_changing`/`assets_changed` once its status
period is recorded) or delete refreshes the desa/kelurahan its coverage touched before and
touches after; an import does the same once for all its rows. A change of a facility or of
the fiber network (whose reach is city-wide) rebuilds the live run; so does an area change
(`geo.services.write`).
"""

from django.db.models.signals import post_delete, post_save, pre_delete

from inventory.models import Facility, FiberLink, FiberNode, Hotspot
from inventory.signals import assets_changed, assets_changing

from . import live


def _remember_leaves(sender, instance, **kwargs):
    instance._live_leaves_before = live.leaves_touched([instance.pk])


def _refresh_after_delete(sender, instance, **kwargs):
    live.refresh_leaves(getattr(instance, "_live_leaves_before", set()))


def _rebuild(sender, raw=False, **kwargs):
    if not raw:
        live.rebuild()


def _leaves_before_change(sender, ids, **kwargs):
    return live.leaves_touched(ids) if sender is Hotspot else set()


def _refresh_after_change(sender, ids, before, **kwargs):
    if sender is Hotspot:
        touched = set().union(*[b for b in before if isinstance(b, set)])
        live.refresh_leaves(touched | live.leaves_touched(ids))
    else:
        live.rebuild()


def connect() -> None:
    """Connect the receivers (from `GeoConfig.ready`)."""
    pre_delete.connect(_remember_leaves, sender=Hotspot, dispatch_uid="live-pre-delete")
    post_delete.connect(_refresh_after_delete, sender=Hotspot, dispatch_uid="live-post-delete")
    for model in (Facility, FiberNode, FiberLink):
        post_save.connect(_rebuild, sender=model, dispatch_uid=f"live-save-{model.__name__}")
        post_delete.connect(_rebuild, sender=model,
                            dispatch_uid=f"live-delete-{model.__name__}")
    assets_changing.connect(_leaves_before_change, dispatch_uid="live-change-before")
    assets_changed.connect(_refresh_after_change, dispatch_uid="live-change-after")
