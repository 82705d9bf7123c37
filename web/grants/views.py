"""``/grants/``: the public page of land grants — the lotteries with their commitments, the published bundle and
the script that recomputes each draw, the drawn plots and the pool on the map, and the inquiry by application
number and ID number (posted, so the ID stays out of addresses and logs)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Municipality
from grants.models import Lottery, Programme
from grants.selectors import application_by_inquiry, live_allocation, rank_of


def _municipality(request) -> Municipality | None:
    code = request.GET.get("m", "").strip().upper()
    with_programmes = Municipality.objects.filter(pk__in=Programme.objects.values("municipality_id"))
    if code:
        return with_programmes.filter(short_code=code).first()
    return with_programmes.order_by("pk").first()


def _map_config(municipality: Municipality | None) -> dict:
    arabic = (get_language() or "ar").startswith("ar")
    bbox = list(Municipality.objects.only("boundary").get(pk=municipality.pk).boundary.extent) if municipality \
        else [43.4, 25.8, 43.6, 25.9]
    return {"lang": "ar" if arabic else "en", "municipality": {"bbox": bbox},
            "urls": {"style": reverse("tiles:style"), "tiles": reverse("tiles:index")},
            "grants": {"layers": ["grant_pool", "grant_allocations"]},
            "strings": {"drawn": _("drawn"), "allocated": _("allocated"), "deeded": _("deed handed over"),
                        "pool": _("available plot"), "m²": _("m²")}}


class GrantsPublicView(View):
    template = "grants/public.html"

    def context(self, request, **extra) -> dict:
        municipality = _municipality(request)
        lotteries = (Lottery.objects.filter(municipality=municipality).select_related("programme")
                     .order_by("-committed_at")[:20]) if municipality else []
        return {"municipality": municipality, "lotteries": lotteries, "config": _map_config(municipality), **extra}

    def get(self, request):
        return render(request, self.template, self.context(request))

    def post(self, request):
        number = request.POST.get("number", "").strip()[:32]
        national_id = request.POST.get("national_id", "").strip()[:10]
        application = application_by_inquiry(number=number, national_id=national_id) if number and national_id \
            else None
        found = None
        if application is not None:
            found = {"application": application, "rank": rank_of(application),
                     "allocation": live_allocation(application)}
        return render(request, self.template, self.context(request, inquiry=found, asked=True, number=number),
                      status=200)
