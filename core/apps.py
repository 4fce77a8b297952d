"""The core app: shared machinery that imports no other Simpul app."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Base model, PostGIS functions, shared filters, API and admin infrastructure."""

    name = "core"
    verbose_name = "Simpul core"
