from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Complaints and suggestions (docs/complaints.md): a process on the backbone, routed by where it is (the
    district polygon and the category), with duplicates joined, and served as Open311 GeoReport v2."""

    name = "complaints"
    verbose_name = _("Complaints and suggestions")
    demo_part = "complaints.demo:generate"

    def ready(self):
        from complaints import registry

        registry.register_all()
