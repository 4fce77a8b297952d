"""App configuration of the geo app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    """Administrative areas, coverage analysis, scores and maps."""

    name = "geo"
    verbose_name = _("Wilayah dan cakupan")

    def ready(self):
        """Keep live coverage current on every registry change."""
        from .coverage import receivers

        receivers.connect()
