from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TilesConfig(AppConfig):
    """Map serving: vector and raster tiles built from the layer registry."""

    name = "tiles"
    api_urls = "tiles.offline_urls"  # its routes under /api/v1/ (api/urls.py)
    verbose_name = _("Map tiles")

    def ready(self):
        from geo.changes import on_geometry_change
        from runtime.lean import register_shortest_path
        from tiles.invalidation import invalidate_change

        on_geometry_change(invalidate_change)
        # A vector tile goes on the lean path; a public one without parameters is answered by tiles.fast.
        register_shortest_path(r"^/tiles/[^/]+/[^/]+/[^/]+/[^/]+\.mvt$", "tiles.fast.serve")
