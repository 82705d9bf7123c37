from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TilesConfig(AppConfig):
    """Map serving: vector and raster tiles built from the layer registry."""

    name = "tiles"
    verbose_name = _("Map tiles")

    def ready(self):
        from geo.changes import on_geometry_change
        from tiles.invalidation import invalidate_change

        on_geometry_change(invalidate_change)
