"""/outbox/: what the notifications said and to whom, for staff of the municipality (demo and tests send here)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.urls import reverse_lazy
from django.views.generic import ListView

from notifications.selectors import outbox_for


class OutboxView(LoginRequiredMixin, UserPassesTestMixin, ListView):
    template_name = "notifications/outbox.html"
    context_object_name = "deliveries"
    paginate_by = 50
    login_url = reverse_lazy("admin:login")

    def test_func(self):
        return self.request.user.is_staff

    def get_queryset(self):
        return outbox_for(self.request.user)
