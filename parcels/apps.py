from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParcelsConfig(AppConfig):
    name = "parcels"
    api_urls = "parcels.urls"  # its routes under /api/v1/ (api/urls.py)
    verbose_name = _("Land registers")

    def ready(self):
        from parcels import layers

        layers.register_all()
