"""Who may open the finance pages: a signed-in member of a municipality's staff whose roles there grant
``payments.manage`` (finance officers and managers), in the municipality they work in (as the inbox resolves it).
Anyone else signed in gets 403 with the reason in Arabic and English; anonymous visitors are sent to sign in."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse_lazy

from web.inbox.viewer import viewer_of

PERMISSION = "payments.manage"


class FinanceView(LoginRequiredMixin):
    login_url = reverse_lazy("web:login")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        viewer = viewer_of(request)
        if not (viewer.is_staff and viewer.access.can(PERMISSION)):
            return render(request, "finance/no_access.html", {"viewer": viewer}, status=403)
        self.viewer = viewer
        return super().dispatch(request, *args, **kwargs)

    @property
    def municipality(self):
        return self.viewer.municipality
