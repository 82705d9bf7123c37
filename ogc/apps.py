from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OgcConfig(AppConfig):
    name = "ogc"
    verbose_name = _("OGC API Features")

    def ready(self):
        from geo.changes import on_geometry_change
        from ogc.counts import forget
        from runtime.lean import register_shortest_path

        on_geometry_change(forget)  # numberMatched's cached counts (ogc/counts.py)
        # An items page goes on the lean path; a JSON page for an API key is answered by ogc.fast.
        register_shortest_path(r"^/ogc/collections/[^/]+/items/?$", "ogc.fast.serve")
