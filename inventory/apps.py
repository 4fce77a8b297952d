"""App configuration of the inventory app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    """Free-wifi hotspots, fiber nodes and links, public-service facilities."""

    name = "inventory"
    verbose_name = _("Inventaris")
