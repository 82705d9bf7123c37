from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    """Investment sites (docs/investment.md): sites held in the registers, opportunities on a public map, sealed
    bids nobody can read before the opening, award by the committee, contracts whose rent instalments are SADAD
    bills."""

    name = "investment"
    verbose_name = _("Investment sites")
    api_urls = "investment.urls"
    demo_part = "investment.demo:generate"

    def ready(self):
        from investment import registry

        registry.register_all()
