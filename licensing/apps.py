from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    """Commercial licenses with environmental-health inspections (docs/licensing.md, docs/inspections.md): a
    process on the cases backbone, its premises on the map, its inspectors' day routed on the street network."""

    name = "licensing"
    verbose_name = _("Commercial licenses and inspections")
    api_urls = "licensing.urls"
    demo_part = "licensing.demo:generate"

    def ready(self):
        from licensing import registry

        registry.register_all()
