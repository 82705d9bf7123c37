from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """The backbone every process stands on: cases (numbers, parties, location, workflow, SLA, timeline)."""

    name = "cases"
    api_urls = "cases.urls"  # its routes under /api/v1/ (api/urls.py)
    verbose_name = _("Cases")

    def ready(self):
        from cases import deadlines, layers
        from cases.objections import OBJECTION_TYPE
        from cases.types import register_case_type

        layers.register_all()
        register_case_type(OBJECTION_TYPE)  # the backbone's own type: an objection is a linked case
        deadlines.register_templates()
