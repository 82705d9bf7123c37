from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Fees, bills and SADAD, once for every service (docs/payments.md): a bill belongs to a case of the
    backbone, never to a domain model; a payment is told to the case as a backbone event."""

    name = "payments"
    verbose_name = _("Fees and payments")
    api_urls = "payments.urls"
    demo_part = "payments.demo:generate"

    def ready(self):
        from payments import layers, notify, tasks  # noqa: F401  (the queue's tasks; the messages to payers)
        from runtime.lean import register_lean_post

        notify.register_templates()
        layers.register_all()  # the map of unpaid bills and fines
        # SADAD's notifications: signed, no session or CSRF to serve — the short request path (runtime/lean.py).
        register_lean_post(r"^/api/v1/payments/sadad/notifications$")
