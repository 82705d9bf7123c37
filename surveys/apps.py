from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """The survey decision (القرار المساحي): a process on the cases backbone (docs/surveys.md)."""

    name = "surveys"
    verbose_name = _("Survey decisions")
    api_urls = "surveys.urls"
    demo_part = "surveys.demo:generate"

    def ready(self):
        from cases.types import register_case_type
        from surveys import layers, notify
        from surveys.case_types import SURVEY_DECISION

        register_case_type(SURVEY_DECISION)
        notify.register_templates()
        layers.register_all()
