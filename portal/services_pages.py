"""The portal's pages onto other processes: my land-grant applications (status, rank, the plot on a map), the
investment opportunities (list and map, each opening its public page) and the verification of a document from
the code printed under its QR."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from grants.models import GrantApplication
from grants.selectors import live_allocation, rank_of
from investment.selectors import public_opportunities
from portal.context import portal_municipality
from portal.maps import public_map_config
from portal.pages import citizen_of, page


def grant(request):
    """Signed in: my applications with their rank and plot. Not signed in: the inquiry by number and ID on the
    public land-grants page (``/grants/``)."""
    person = citizen_of(request)
    rows = []
    if person is not None:
        for application in (GrantApplication.objects.filter(applicant=person)
                            .select_related("programme", "municipality").defer("municipality__boundary")
                            .order_by("-applied_at")):
            allocation = live_allocation(application)
            rows.append({"application": application, "rank": rank_of(application), "allocation": allocation,
                         "bbox": ",".join(str(v) for v in allocation.geom.extent) if allocation else ""})
    config = public_map_config(portal_municipality(request), grants={"layers": ["grant_pool", "grant_allocations"]},
                               strings={})
    return page(request, "portal/grant.html", {"rows": rows, "config": config})


def investment(request):
    municipality = portal_municipality(request)
    opportunities = list(public_opportunities(municipality_id=municipality.pk if municipality else None)[:100])
    return page(request, "portal/investment.html", {"opportunities": opportunities})


def verify(request):
    """The code under a document's QR (or the whole address it opens): to the public verification page."""
    code = (request.GET.get("code") or "").strip()
    if code:
        token = code.rstrip("/").rsplit("/verify/", 1)[-1].rsplit("/", 1)[-1][:200]
        if token:
            return redirect(reverse("documents-verify", kwargs={"token": token}))
    return page(request, "portal/verify.html", {"code": code})
