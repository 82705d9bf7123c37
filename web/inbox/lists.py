"""``/inbox/``: my queue and my team's cases (staff), or my applications (applicant users); filters, paging
(offset with one row more than the page, no count of all rows), the same cases on the map."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views import View

from accounts.selectors import role_codes_of
from cases import applicant, selectors
from cases.layers import STATUS_COLOURS
from cases.types import APPLICANT
from parcels.models import District
from web.inbox import present
from web.inbox.viewer import viewer_of
from web.map_config import map_config

PAGE = 25
MAX_OFFSET = 10_000
MAX_FOUND = 1_000


def _int(value, default: int = 0) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default


def cases_on_map(cases: list) -> dict:
    """The page's cases as GeoJSON points (the list and the map show the same cases)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": c.pk, "geometry": {"type": "Point", "coordinates": [c.location.x, c.location.y]},
         "properties": {"id": c.pk, "number": c.number, "status": c.status}} for c in cases]}


class InboxView(LoginRequiredMixin, View):
    login_url = reverse_lazy("web:login")

    def get(self, request, *args, **kwargs):
        viewer = viewer_of(request)
        if viewer.is_staff:
            return self.staff(request, viewer)
        if viewer.is_applicant:
            return self.applicant(request, viewer)
        return render(request, "web/inbox/no_access.html", status=403)

    def page_of(self, request, qs, read=None):
        """A page (and whether there is a next one) of ``qs``, or of ``read(offset, limit)`` when given."""
        offset = min(_int(request.GET.get("offset")), MAX_OFFSET)
        if read is not None:
            cases = read(offset, PAGE + 1)
        else:
            cases = list(qs.select_related("assignee", "queue_role")[offset:offset + PAGE + 1])
        more = len(cases) > PAGE
        cases = cases[:PAGE]
        return cases, {"offset": offset, "previous": max(0, offset - PAGE) if offset else None,
                       "next": offset + PAGE if more else None, "first": offset + 1 if cases else 0,
                       "last": offset + len(cases)}

    def staff(self, request, viewer):
        muni = viewer.municipality
        g = request.GET
        tab = "team" if g.get("tab") == "team" else "mine"
        filters = {"case_type": g.get("type") or None, "status": g.get("status") or None,
                   "overdue": True if g.get("overdue") else None}
        district = None
        if g.get("district"):
            district = District.objects.filter(municipality=muni, code=g["district"][:32]).first()
            filters["district"] = district
        read = None
        if tab == "team":
            qs = selectors.team_cases(user=request.user, municipality=muni, **filters)
        else:
            qs = selectors.inbox(user=request.user, municipality=muni, **filters)
        q = (g.get("q") or "").strip()
        if q:
            # A search finds few cases: their ids first, so the list's query is a look-up by key.
            found = selectors.search(municipality=muni, q=q, actor=request.user).values_list("pk", flat=True)
            qs = qs.filter(pk__in=list(found[:MAX_FOUND]))
        elif tab == "mine":  # each queue read in order from its index, however long the queues are
            def read(offset, limit):
                return selectors.inbox_page(user=request.user, municipality=muni, offset=offset, limit=limit,
                                            **filters)
        cases, paging = self.page_of(request, qs, read)
        query = g.copy()
        query.pop("offset", None)
        return render(request, "web/inbox/list.html", {
            "viewer": viewer, "tab": tab, "rows": present.rows(cases), "paging": paging,
            "query": query.urlencode(), "filters": g, "q": q,
            "types": present.type_choices(), "statuses": present.status_choices(),
            "creatable": present.type_choices(creatable_by=role_codes_of(request.user, municipality_id=muni.pk)),
            "districts": [(d.code, present.name_of(d)) for d in
                          District.objects.filter(municipality=muni).only("code", "name_ar", "name_en")
                          .order_by("code")],
            "config": {**map_config(request=request, membership=viewer.access),
                       "inbox": {"cases": cases_on_map(cases), "colours": STATUS_COLOURS,
                                 "filter": {k: v for k, v in (("case_type", filters["case_type"]),
                                                              ("status", filters["status"])) if v}}},
            "view": "map" if g.get("view") == "map" else ("split" if g.get("view") == "split" else "list"),
        })

    def applicant(self, request, viewer):
        cases, paging = self.page_of(request, applicant.my_cases(user=request.user))
        return render(request, "web/inbox/my_applications.html", {
            "viewer": viewer, "rows": present.rows(cases), "paging": paging, "query": "",
            "creatable": present.type_choices(creatable_by=frozenset({APPLICANT}))})
