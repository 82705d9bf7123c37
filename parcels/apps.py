from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParcelsConfig(AppConfig):
    name = "parcels"
    verbose_name = _("Land registers")

    def ready(self):
        from parcels import layers

        layers.register_all()
