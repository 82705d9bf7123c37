"""``/permits/whatif/``: a planner picks a draft rule set and a district and sees, before adopting it, which
issued permits would no longer comply (red) and how each vacant parcel's buildable area would change (the
colour by the change), with the totals (permits.whatif)."""

from __future__ import annotations

import time

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views import View

from common.errors import RegisterError
from parcels.models import District
from permits.models import RuleSet, RuleSetStatus
from permits.whatif import whatif
from web.inbox.viewer import viewer_of
from web.map_config import map_config


class WhatIfView(LoginRequiredMixin, View):
    login_url = reverse_lazy("web:login")

    def get(self, request):
        viewer = viewer_of(request)
        if not viewer.plans_rules:
            return render(request, "web/inbox/no_access.html", status=403)
        muni = viewer.municipality
        drafts = RuleSet.objects.filter(municipality=muni, status=RuleSetStatus.DRAFT).select_related("regulation")
        districts = District.objects.filter(municipality=muni).defer("geom").order_by("code")
        context = {"viewer": viewer, "drafts": drafts, "districts": districts, "get": request.GET}
        draft = drafts.filter(pk=request.GET.get("draft") or 0).first() if request.GET.get("draft", "").isdigit() \
            else None
        district = districts.filter(code=request.GET.get("district", "")[:32]).first()
        if draft is not None and district is not None:
            started = time.perf_counter()
            try:
                result = whatif(draft=draft, district=district)
            except RegisterError as exc:
                context["error"] = " ".join(exc.messages)
                return render(request, "permits/whatif.html", context, status=422)
            context.update(result=result, draft=draft, district=district,
                           seconds=round(time.perf_counter() - started, 1))
            config = map_config(request=request, membership=viewer.access)
            config["whatif"] = {"features": result["features"], "bounds": list(district.geom.extent)}
            context["config"] = config
        return render(request, "permits/whatif.html", context)
