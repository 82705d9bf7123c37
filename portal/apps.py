from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The citizens' and businesses' e-services portal (docs/portal.md): a face like ``web/``, Arabic first and on
    a phone first. Sign in by a code to the mobile, apply and renew from the case types' forms, pay, follow every
    transaction, ask about a land grant, see investment opportunities, verify documents and file complaints."""

    name = "portal"
    verbose_name = _("Citizen portal")

    def ready(self):
        from notifications.messages import register_template

        register_template("portal_code", _("A sign-in code for the e-services"))
