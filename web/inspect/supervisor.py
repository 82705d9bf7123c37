"""``/inspect/supervisor/``: the inspection supervisor's page (issue 20 §3) — today's visits done against planned
per inspector, the last 30 days' violations by type and by district (bar charts), the latest violations with the
photos taken, the results held for a decision (conflicts, refusals: what was answered "no", the photos and the
signature; apply or discard), and the day's routes on the map (plan them again for everyone).
The photos are licensing's (``GET /api/v1/licensing/photos/<id>``)."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_POST

from common.errors import RegisterError
from licensing.models import InspectionRoute, Violation, Visit, VisitSubmission
from licensing.record_checks import record_checks_text
from licensing.routes import routes_plan
from licensing.selectors import contradicted_visits, held_submissions, latest_violations, questions_of
from licensing.services.sync import submission_decide
from parcels.models import District
from web.inbox.viewer import viewer_of
from web.map_config import map_config


def _supervisor(request):
    viewer = viewer_of(request)
    if viewer.access is None or not viewer.access.can("inspections.supervise"):
        return viewer, render(request, "web/inbox/no_access.html", status=403)
    return viewer, None


def _bars(rows, key, label_of) -> list[dict]:
    top = max((r["n"] for r in rows), default=0) or 1
    return [{"label": label_of(r[key]), "n": r["n"], "amount": r.get("amount") or 0, "pct": round(100 * r["n"] / top)}
            for r in rows]


class SupervisorView(LoginRequiredMixin, View):
    login_url = reverse_lazy("web:login")

    def get(self, request):
        viewer, refused = _supervisor(request)
        if refused:
            return refused
        muni = viewer.municipality
        today = timezone.localdate()
        since = today - timedelta(days=30)
        visits = Visit.objects.filter(municipality=muni)
        per_inspector = (visits.filter(Q(due_on__lte=today, status="planned") | Q(done_at__date=today))
                         .values("inspector__username", "inspector__first_name", "inspector__last_name")
                         .annotate(planned=Count("id"), done=Count("id", filter=Q(status="done")))
                         .order_by("inspector__username"))
        violations = Violation.objects.filter(municipality=muni, created_at__date__gte=since)
        by_type = list(violations.values("penalty_code").annotate(n=Count("id"), amount=Sum("amount"))
                       .order_by("-n"))
        districts = dict(District.objects.filter(municipality=muni).values_list("id", "name_ar"))
        by_district = list(violations.values("premises__district").annotate(n=Count("id"), amount=Sum("amount"))
                           .order_by("-n"))
        held = _with_noes(list(held_submissions(municipality_id=muni.pk)[:50]))
        routes = list(InspectionRoute.objects.filter(municipality=muni, day=today).select_related("inspector"))
        config = map_config(request=request, membership=viewer.access)
        features = [{"type": "Feature", "geometry": json.loads(r.geom.geojson),
                     "properties": {"inspector": r.inspector.username}} for r in routes if r.geom]
        extent = District.objects.filter(municipality=muni).first()
        config["routes"] = {"features": features, "bounds": list(extent.geom.extent) if extent else None}
        return render(request, "inspect/supervisor.html", {
            "viewer": viewer, "config": config, "today": today, "per_inspector": per_inspector,
            "planned_total": sum(r["planned"] for r in per_inspector),
            "done_total": sum(r["done"] for r in per_inspector),
            "by_type": _bars(by_type, "penalty_code", str),
            "by_district": _bars(by_district, "premises__district", lambda d: districts.get(d, "—")),
            "fines_total": sum((r["amount"] or 0) for r in by_type), "held": held, "routes": routes,
            "latest": latest_violations(municipality_id=muni.pk)[:20],
            "contradicted": [{"visit": v, "text": record_checks_text(v.record_checks)}
                             for v in contradicted_visits(municipality_id=muni.pk, since=since)[:50]],
        })


def _with_noes(held: list[VisitSubmission]) -> list[VisitSubmission]:
    """Each held result with ``noes``: the checklist questions its inspector answered "no" (a code no longer on
    the checklist is shown as sent)."""
    questions = questions_of(activity_ids=[s.visit.license.activity_id for s in held if s.visit.license_id])
    for s in held:
        activity = s.visit.license.activity_id if s.visit.license_id else None
        answers = s.payload.get("answers") or {}
        s.noes = [{"code": code, "item": questions.get((activity, code))}
                  for code, yes in sorted(answers.items()) if yes is False]
    return held


@login_required(login_url=reverse_lazy("web:login"))
@require_POST
def decide(request, pk: int):
    viewer, refused = _supervisor(request)
    if refused:
        return refused
    sub = VisitSubmission.objects.filter(pk=pk, municipality=viewer.municipality).first()
    if sub is None:
        return render(request, "web/inbox/no_access.html", status=404)
    try:
        submission_decide(submission=sub, actor=request.user, apply=request.POST.get("apply") == "1",
                          note=request.POST.get("note", "")[:300])
    except RegisterError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("inspect:supervisor")


@login_required(login_url=reverse_lazy("web:login"))
@require_POST
def plan_routes(request):
    viewer, refused = _supervisor(request)
    if refused:
        return refused
    try:
        routes = routes_plan(municipality=viewer.municipality, day=timezone.localdate(), actor=request.user)
    except RegisterError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, " · ".join(f"{r.inspector.username}: {len(r.stops)}" for r in routes))
    return redirect("inspect:supervisor")
