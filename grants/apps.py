from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    """Land grants (منح الأراضي, docs/grants.md): programmes whose rules are data, applications ranked in a priority
    queue, plots drawn by a lottery anyone can recompute, and the allocation that reserves the plot in the
    registers."""

    name = "grants"
    verbose_name = _("Land grants")
    api_urls = "grants.urls"
    demo_part = "grants.demo:generate"

    def ready(self):
        from grants import registry

        registry.register_all()
