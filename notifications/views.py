"""/outbox/: what the notifications said and to whom, for staff of the municipality (demo and tests send here).
With ``ARDH_OUTBOX_PUBLIC`` (the demo's settings only: there is no real SMS there) anyone sees the latest SMS, so
a demo citizen reads the sign-in code the portal sent them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import UserPassesTestMixin
from django.urls import reverse_lazy
from django.views.generic import ListView

from notifications.selectors import demo_sms, outbox_for


class OutboxView(UserPassesTestMixin, ListView):
    template_name = "notifications/outbox.html"
    context_object_name = "deliveries"
    paginate_by = 50
    login_url = reverse_lazy("admin:login")

    def test_func(self):
        return self.request.user.is_staff or self.public()

    def public(self) -> bool:
        return bool(getattr(settings, "ARDH_OUTBOX_PUBLIC", False))

    def get_queryset(self):
        if self.request.user.is_staff:
            return outbox_for(self.request.user)
        return demo_sms()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "public_demo": self.public() and not self.request.user.is_staff}
