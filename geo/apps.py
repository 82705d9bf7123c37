from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "geo"
    api_urls = "geo.urls"  # its routes under /api/v1/ (api/urls.py)
    verbose_name = _("Spatial core")
