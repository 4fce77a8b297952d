"""The abstract base model every Simpul model derives from, and the change history they keep."""

from django.contrib.gis.db.models import GeometryField
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class BaseModel(models.Model):
    """Abstract base of every Simpul model: creation and last-update timestamps.

    Values the database derives (`GeneratedField`) are read back after every save, so an
    instance never shows a stale one: PostgreSQL returns them on INSERT, and an UPDATE is
    followed by one read of just those columns.
    """

    created = models.DateTimeField(_("dibuat"), auto_now_add=True)
    last_updated = models.DateTimeField(_("terakhir diubah"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Save, then refresh the database-derived fields if the row was updated."""
        adding = self._state.adding
        super().save(*args, **kwargs)
        generated = [f.attname for f in self._meta.concrete_fields if f.generated]
        if generated and not adding:
            self.refresh_from_db(fields=generated)


class History(HistoricalRecords):
    """django-simple-history records whose history table keeps only the indexes its queries
    read: the record's id (its history, `known_at`), `history_date` and the user (set to
    NULL when a user is deleted). Relations to other records and geometries are stored
    without an index: no query looks history rows up by them."""

    def copy_fields(self, model):
        """The historical model's copies of the fields, without their indexes."""
        fields = super().copy_fields(model)
        for field in fields.values():
            if field.is_relation:
                field.db_index = False
            if isinstance(field, GeometryField):
                field.spatial_index = False
        return fields
