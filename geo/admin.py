"""Admin of administrative areas, with an offline map widget.

Saves and deletes go through `geo.services.save_area` and `delete_area`, like the API and
`load_areas`: missing parents are created, derived parents are dissolved again, hotspots,
facilities and fiber nodes move to the desa/kelurahan that now covers them, and an area that
anything still depends on is not deleted.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from core.admin import OfflineGISModelAdmin, VersionedAdminForm
from core.filters import AreaCodeFormField

from .models import AdminArea
from .services import (
    AreaInUse,
    AreaLoadError,
    AssetsOutsideAreas,
    delete_area,
    ensure_deletable,
    save_area,
)
from .services.validate import editor_area_errors

#: The fields a save writes; level, kind, parent and area_m2 follow from them.
WRITTEN_FIELDS = ("code", "name", "geom", "population", "population_year",
                  "population_source", "source")
#: What a dissolve computes for a derived parent.
DISSOLVED_FIELDS = ("geom", "population", "population_year", "population_source")


class AdminAreaForm(VersionedAdminForm):
    """An area's form, checked as `save_area` will write it.

    Besides the registry's checks (valid geometry, no change since the form was opened) it
    takes the code dotted or as plain digits, applies the rules of the API, and rehearses
    the write in a savepoint that is rolled back: a boundary that would leave assets outside
    every desa/kelurahan is an error on the boundary, and nothing is saved.
    """

    def clean_code(self):
        """A Kemendagri code, stored dotted (`3576011003` → `35.76.01.1003`)."""
        return AreaCodeFormField().clean(self.cleaned_data["code"])

    def clean(self):
        """A population needs its year; a derived parent keeps its dissolved data."""
        cleaned = super().clean()
        sets_dissolved_data = self.instance.pk is None or any(
            name in self.changed_data for name in DISSOLVED_FIELDS)
        for name, message in editor_area_errors(
                cleaned, sets_dissolved_data=sets_dissolved_data).items():
            self.add_error(name, message)
        return cleaned

    def _post_clean(self):
        """The model's checks (a unique code), then, if all passed, the rehearsal."""
        super()._post_clean()
        if not self.errors:
            self._rehearse()

    def _rehearse(self):
        """Run `save_area` and roll it back, turning its refusals into form errors."""
        try:
            with transaction.atomic():
                save_area(**self.area_values())
                transaction.set_rollback(True)
        except AssetsOutsideAreas as exc:
            self.add_error("geom", exc.errors)
        except AreaLoadError as exc:
            self.add_error(None, exc.errors)

    def area_values(self) -> dict:
        """The arguments of `save_area`. An unchanged boundary is the stored one: the map
        widget sends it back through EPSG:3857, not bit for bit."""
        values = {name: self.cleaned_data.get(name, getattr(self.instance, name))
                  for name in WRITTEN_FIELDS}
        if self.instance.pk and "geom" not in self.changed_data:
            values["geom"] = self.initial["geom"]
        return values


@admin.register(AdminArea)
class AdminAreaAdmin(OfflineGISModelAdmin):
    """Areas, loaded with `load_areas`, browsed and corrected here like through the API."""

    form = AdminAreaForm
    list_display = ("code", "name", "level", "kind", "population", "population_year", "area_m2")
    list_filter = ("level", "kind", "geom_repaired")
    search_fields = ("code", "name")
    fields = ("code", "name", "level", "kind", "parent", "geom", "population",
              "population_year", "population_source", "source", "geom_repaired", "area_m2",
              "created", "last_updated", "loaded_version")
    readonly_fields = ("level", "kind", "parent", "geom_repaired", "area_m2", "created",
                       "last_updated")
    # No bulk delete: it would bypass `delete_area` (its checks and the dissolves).
    actions = None

    def get_readonly_fields(self, request, obj=None):
        """The code too, once the area exists: it keys the area and its history."""
        fields = super().get_readonly_fields(request, obj)
        return ("code", *fields) if obj is not None else fields

    def save_model(self, request, obj, form, change):
        """Write with `save_area`, as the form rehearsed it."""
        obj.pk = save_area(**form.area_values(), user=request.user).pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        """Delete with `delete_area`: its derived parents are dissolved again."""
        delete_area(obj, user=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        """Back to the area with the reason when something still depends on it; otherwise
        Django's confirmation page, then `delete_model`."""
        area = self.get_object(request, unquote(object_id))
        try:
            if area is not None and self.has_delete_permission(request, area):
                ensure_deletable(area)
            return super().delete_view(request, object_id, extra_context)
        except AreaInUse as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse(
                f"{self.admin_site.name}:geo_adminarea_change", args=[quote(area.pk)]))
