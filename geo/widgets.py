"""The admin map widget, entirely offline: OpenLayers from our own static files.

Django's stock widgets load OpenLayers from a CDN and a base map from the internet;
municipal networks are often closed, so the library is installed by ``make`` from
npm and served by us, and the "base map" is the neighbouring register features
themselves (current parcels and streets around the view), which is what an editor
needs to see to keep the fabric without gaps or overlaps.
"""

from django.contrib.gis.forms.widgets import OpenLayersWidget


class OfflineMapWidget(OpenLayersWidget):
    template_name = "gis/ardh-openlayers.html"
    default_lon = 43.4989  # Al-Rass; overridden by the record's own extent when it has one
    default_lat = 25.8694
    default_zoom = 15

    class Media:
        extend = False  # drop the parent's CDN URLs
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")

    def __init__(self, attrs=None):
        super().__init__(attrs)
        for key in ("default_lon", "default_lat", "default_zoom"):
            self.attrs.setdefault(key, getattr(self, key))
