from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    """Building permits (الرخص الفنية) with zoning rules as code, checked against the parcel's geometry
    (docs/permits.md): a process on the cases backbone."""

    name = "permits"
    verbose_name = _("Building permits")
    api_urls = "permits.urls"
    demo_part = "permits.demo:generate"

    def ready(self):
        from permits import registry

        registry.register_all()
