"""The abstract base model every Simpul model derives from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
