"""``/investment/``: the municipality's investment opportunities on a public map and list — no sign-in, Arabic
first, phone-friendly; the map draws ``/api/v1/investment/opportunities`` with the house's own MapLibre (no CDN).
Never a bidder, a bid or an amount offered (investment.selectors.public_opportunities)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views import View

from investment.selectors import public_opportunities


class PublicOpportunitiesView(View):
    def get(self, request):
        opportunities = list(public_opportunities()[:200])
        return render(request, "investment/public.html", {
            "opportunities": opportunities,
            "map": {"style": reverse("tiles:style"), "data": "/api/v1/investment/opportunities"}})
