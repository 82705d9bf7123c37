"""``/permits/new/``: the engineering office (or an owner) picks a parcel, sees its edges, setbacks and buildable
envelope, draws the building floor by floor (snapping to the parcel), checks it against the rules (the pre-check
API) and submits — or uploads a DXF/GeoJSON drawing instead. ``/permits/cases/<id>/proposal/``: a corrected
building on an existing case (the applicant while it is a draft or returned, a reviewer during the review)."""

from __future__ import annotations

import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Municipality, Party
from accounts.selectors import StaffAccess
from cases import services as cases_services
from cases.models import Case, CaseParcel, PartyRole
from common.errors import RegisterError
from parcels.models import Parcel
from permits import inputs
from permits.case_types import CRS_CHOICES, USE_CHOICES
from permits.services import permit_draft_create, proposal_add, proposal_from_file
from web.inbox.viewer import viewer_of
from web.map_config import map_config

PERMIT_TYPES = ("building_permit", "permit_modification")


def _access_for(viewer, municipality: Municipality) -> StaffAccess:
    """The map's configuration needs a municipality's access; an applicant (no membership) reads public tiles."""
    if viewer.is_staff and viewer.municipality.pk == municipality.pk:
        return viewer.access
    return StaffAccess(membership_id=0, municipality_id=municipality.pk, municipality=municipality,
                       permissions=frozenset(), scopes=frozenset(), district_codes=())


def strings() -> dict:
    return {k: str(v) for k, v in {
        "ground": _("Draw the ground floor"), "annex": _("Draw the roof annex"), "clear": _("Clear the drawing"),
        "drawing": _("Click the corners on the map (they snap to the parcel); click the first corner to close."),
        "check": _("Check against the rules"), "checking": _("Checking…"), "passed": _("Complies with every rule"),
        "failed": _("Breaks some rules: see the red parts and the explanations"), "rule": _("rule"),
        "result": _("result"), "explanation": _("explanation"), "pass": _("pass"), "fail": _("fail"),
        "no_ground": _("Draw the ground floor first."), "error": _("The check refused the drawing"),
        "Zoom in": _("Zoom in"), "Zoom out": _("Zoom out"), "m²": _("m²"), "m": _("m"),
    }.items()}


def _parcel_named(get) -> Parcel | None:
    current = Parcel.objects.filter(valid_to__isnull=True).select_related("plan")
    if get.get("parcel", "").isdigit():
        return current.filter(pk=int(get["parcel"])).first()
    if get.get("deed"):
        found = list(current.filter(deed_number=get["deed"].strip()[:32])[:2])
        return found[0] if len(found) == 1 else None
    if get.get("plan") and get.get("number"):
        found = list(current.filter(plan__number=get["plan"].strip()[:32], number=get["number"].strip()[:32])[:2])
        return found[0] if len(found) == 1 else None
    return None


class PermitPage(LoginRequiredMixin, View):
    login_url = reverse_lazy("web:login")

    def render_page(self, request, viewer, *, parcel: Parcel | None, case: Case | None = None, error: str = "",
                    status: int = 200, proposal: str = "", justification: str = ""):
        context = {"viewer": viewer, "parcel": parcel, "case": case, "error": error, "proposal": proposal,
                   "justification": justification, "uses": USE_CHOICES, "crs_choices": CRS_CHOICES,
                   "parties": (Party.objects.filter(pk__in=viewer.parties).order_by("kind", "pk")
                               if not viewer.is_staff else []), "get": request.GET}
        if parcel is not None:
            municipality = Municipality.objects.defer("boundary").get(pk=parcel.municipality_id)
            on = timezone.localdate()
            if case is not None:
                from permits.selectors_cases import rules_date_of

                on = rules_date_of(case=case)
            try:
                prefill = inputs.prefill(parcel=parcel, on=on)
            except RegisterError as exc:
                context.update(parcel=None, error=" ".join(exc.messages))
                return render(request, "permits/draw.html", context, status=422)
            context["prefill"] = prefill
            context["config"] = {
                **map_config(request=request, membership=_access_for(viewer, municipality)),
                "permit": {"parcel_id": parcel.pk, "parcel": json.loads(parcel.geom.geojson), "site": prefill["site"],
                           "precheck": reverse("api:permits-precheck"), "on": on.isoformat(), "strings": strings()},
            }
            context["config"]["strings"] = {**context["config"]["strings"], **strings()}
        return render(request, "permits/draw.html", context, status=status)


def _proposal_of(post) -> dict:
    try:
        proposal = json.loads(post.get("proposal") or "")
    except ValueError:
        raise RegisterError(_("Draw the building on the map (or upload a drawing) before submitting."),
                            code="no_proposal") from None
    if not isinstance(proposal, dict):
        raise RegisterError(_("Draw the building on the map (or upload a drawing) before submitting."),
                            code="no_proposal")
    return proposal


class NewPermitView(PermitPage):
    def get(self, request):
        viewer = viewer_of(request)
        if not (viewer.is_staff or viewer.is_applicant):
            return render(request, "web/inbox/no_access.html", status=403)
        parcel = _parcel_named(request.GET)
        error = _("No single current parcel matches.") if request.GET and parcel is None else ""
        return self.render_page(request, viewer, parcel=parcel, error=error, status=404 if error else 200)

    def post(self, request):
        viewer = viewer_of(request)
        if not (viewer.is_staff or viewer.is_applicant):
            return render(request, "web/inbox/no_access.html", status=403)
        parcel = _parcel_named(request.POST)
        if parcel is None:
            return self.render_page(request, viewer, parcel=None, error=_("Pick the parcel first."), status=400)
        municipality = Municipality.objects.defer("boundary").get(pk=parcel.municipality_id)
        applicant = Party.objects.filter(pk=request.POST.get("applicant") or 0).first()
        justification = (request.POST.get("justification") or "").strip()
        attrs = {k: request.POST.get(k) for k in ("use", "units", "parking_spaces", "height_m")}
        parties = [(p, PartyRole.DESIGNER_OFFICE) for p in Party.objects.filter(pk__in=viewer.parties,
                                                                                kind="organisation")[:1]]
        upload = request.FILES.get("drawing")
        try:
            with transaction.atomic():
                case = permit_draft_create(municipality=municipality, actor=request.user, parcel=parcel,
                                           applicant=applicant, parties=parties,
                                           data={"with_fence": request.POST.get("with_fence") == "on"})
                if upload is not None:
                    srid = request.POST.get("drawing_crs")
                    proposal_from_file(case=case, actor=request.user, upload=upload,
                                       srid=int(srid) if srid and srid.isdigit() else None, attrs=attrs,
                                       justification=justification)
                else:
                    proposal_add(case=case, actor=request.user, proposal=_proposal_of(request.POST),
                                 justification=justification)
                if request.POST.get("submit") != "draft":
                    cases_services.case_transition(case=case, transition="submit", actor=request.user,
                                                   expected_version=None)
        except RegisterError as exc:
            return self.render_page(request, viewer, parcel=parcel, error=" ".join(str(m) for m in exc.messages),
                                    status=422, proposal=request.POST.get("proposal", ""),
                                    justification=justification)
        return redirect(reverse("web:inbox-case", args=[case.pk]))


class CorrectView(PermitPage):
    def _case(self, request, pk: int):
        viewer = viewer_of(request)
        case = Case.objects.filter(pk=pk, case_type__in=PERMIT_TYPES).first()
        if case is None or not cases_services.roles_on(case, request.user):  # not theirs: not told it exists
            raise Http404("case")
        parcel_id = CaseParcel.objects.filter(case=case).values_list("parcel_id", flat=True).first()
        return viewer, case, Parcel.objects.select_related("plan").get(pk=parcel_id)

    def get(self, request, pk: int):
        viewer, case, parcel = self._case(request, pk)
        return self.render_page(request, viewer, parcel=parcel, case=case)

    def post(self, request, pk: int):
        viewer, case, parcel = self._case(request, pk)
        justification = (request.POST.get("justification") or "").strip()
        attrs = {k: request.POST.get(k) for k in ("use", "units", "parking_spaces", "height_m")}
        try:
            with transaction.atomic():
                if request.FILES.get("drawing") is not None:
                    srid = request.POST.get("drawing_crs")
                    proposal_from_file(case=case, actor=request.user, upload=request.FILES["drawing"],
                                       srid=int(srid) if srid and srid.isdigit() else None, attrs=attrs,
                                       justification=justification)
                else:
                    proposal_add(case=case, actor=request.user, proposal=_proposal_of(request.POST),
                                 justification=justification)
        except RegisterError as exc:
            return self.render_page(request, viewer, parcel=parcel, case=case, status=422,
                                    error=" ".join(str(m) for m in exc.messages),
                                    proposal=request.POST.get("proposal", ""), justification=justification)
        return redirect(reverse("web:inbox-case", args=[case.pk]))
