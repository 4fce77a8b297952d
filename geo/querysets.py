"""Spatial and hierarchical queries on administrative areas, run in PostGIS."""

from django.contrib.gis.db import models
from django.contrib.gis.geos import Point

from core.choices import AreaLevel


class AdminAreaQuerySet(models.QuerySet):
    """Queries on `AdminArea`."""

    def at_level(self, level: AreaLevel):
        """Areas of one administrative level."""
        return self.filter(level=level)

    def leaves(self):
        """Desa/kelurahan: the areas every point is assigned to."""
        return self.filter(level=AreaLevel.DESA_KELURAHAN)

    def subtree(self, code: str):
        """The area with this code and every area below it (codes are hierarchical)."""
        return self.filter(models.Q(code=code) | models.Q(code__startswith=f"{code}."))

    def leaf_for_point(self, point: Point):
        """The desa/kelurahan covering the point, or None when it lies outside every one.

        A point exactly on a shared border goes to the area with the lowest code. The
        reassignment of point assets after a boundary change (`geo.services.reassign`)
        applies this same rule in SQL.
        """
        return self.leaves().filter(geom__covers=point).order_by("code").first()
