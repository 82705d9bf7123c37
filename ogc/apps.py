from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OgcConfig(AppConfig):
    name = "ogc"
    verbose_name = _("OGC API Features")

    def ready(self):
        from geo.changes import on_geometry_change
        from ogc.counts import forget

        on_geometry_change(forget)  # numberMatched's cached counts (ogc/counts.py)
