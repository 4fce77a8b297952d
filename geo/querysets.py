"""Spatial and hierarchical queries on administrative areas, run in PostGIS."""

from django.contrib.gis.db import models
from django.contrib.gis.geos import Point

from core.choices import AreaLevel
from core.functions import AreaM2


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

    def containing(self, point: Point):
        """Areas that cover the point (boundary included), deepest level first."""
        return self.filter(geom__covers=point).order_by("-level", "code")

    def leaf_for_point(self, point: Point):
        """The desa/kelurahan covering the point, or None when it lies outside every one.

        A point exactly on a shared border goes to the area with the lowest code.
        """
        return self.leaves().filter(geom__covers=point).order_by("code").first()

    def update_area_m2(self) -> int:
        """Recompute `area_m2` in the analysis CRS (metres) for these areas; return the count."""
        return self.update(area_m2=AreaM2("geom"))
