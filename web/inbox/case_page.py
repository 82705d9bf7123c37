"""``/inbox/cases/<id>/``: one case — header, location map, the type's own panel, parties, application,
timeline — and the steps the signed-in person may take now, posted with the version they read."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Membership
from cases import applicant, privacy, selectors, services
from cases.documents import selectors as documents
from cases.documents import services as document_services
from cases.layers import STATUS_COLOURS
from cases.models import Case, PartyRole
from cases.types import UnknownCaseType, get_case_type
from common.errors import ConflictError, GuardError, NotPermitted, RegisterError, TransitionError
from common.versions import check_version
from parcels.models import Parcel
from web.inbox import present
from web.inbox.case_bills import bills_of
from web.inbox.viewer import Viewer, viewer_of
from web.map_config import map_config

# A refusal of a service, as the page shows it: the HTTP status and a heading.
REFUSALS = (
    (ConflictError, 412), (NotPermitted, 403), (TransitionError, 409), (GuardError, 422), (RegisterError, 400),
)


def refusal_status(exc: RegisterError) -> int:
    return next(status for kind, status in REFUSALS if isinstance(exc, kind))


def refusal_text(exc: RegisterError) -> str:
    if isinstance(exc, ConflictError):
        return _("The case changed since you opened it; reload the page and try again. Nothing was saved.")
    return " ".join(str(m) for m in exc.messages)


def note_required(step) -> bool:
    """A refusing or penalising step says why (the applicant may object to it)."""
    return bool(step.note_required or step.objectionable)


def case_for(viewer: Viewer, pk: int) -> Case:
    if viewer.is_staff:
        return selectors.case_get(municipality=viewer.municipality, pk=pk)
    return applicant.my_case_get(user=viewer.user, pk=pk)


def _location(case: Case) -> dict:
    parcels = [{"type": "Feature", "geometry": json.loads(p.geom.geojson),
                "properties": {"role": "case", "number": p.number}}
               for p in Parcel.objects.filter(pk__in=case.parcels.values("pk")).only("geom", "number")]
    area = ([{"type": "Feature", "geometry": json.loads(case.area.geojson), "properties": {"role": "area"}}]
            if case.area else [])
    return {"type": "FeatureCollection", "features": parcels + area,
            "point": [case.location.x, case.location.y], "status": case.status}


def _data_rows(ct, data: dict) -> list[tuple[str, str]]:
    out = []
    for f in ct.fields:
        if f.name not in data:
            continue
        value = data[f.name]
        if f.kind == "choice":
            value = next((str(label) for c, label in f.choices if c == value), value)
        elif f.kind == "boolean":
            value = _("yes") if value else _("no")
        out.append((str(f.label), value))
    return out


def _timeline(case: Case, *, for_applicant: bool, ct) -> list[dict]:
    def label(code):
        return present.status_label(case.case_type, code) if code else ""
    out = []
    for e in selectors.timeline(case=case, for_applicant=for_applicant):
        step = ct.transition(e.data.get("transition", "")) if ct and e.data else None
        out.append({"entry": e, "kind": e.get_kind_display(), "from": label(e.from_status), "to": label(e.to_status),
                    "step": str(step.label) if step else "",
                    "who": e.actor.get_username() if e.actor_id else e.actor_label,
                    "internal": not e.visible_to_applicant})
    return out


def page_context(request, viewer: Viewer, case: Case, *, revealed: list[dict] | None = None) -> dict:
    try:
        ct = get_case_type(case.case_type)
    except UnknownCaseType:
        ct = None
    applicant_view = not viewer.is_staff
    steps = []
    if ct is not None:
        names = (applicant.applicant_steps(case=case, user=request.user) if applicant_view
                 else services.allowed_transitions(case=case, actor=request.user))
        for name in names:
            step = ct.transition(name)
            steps.append({"name": name, "label": str(step.label), "note_required": note_required(step)})
    detail = ""
    if ct is not None and ct.detail_template:
        # The type's own panel, for staff and the applicant alike: its context is computed for this person
        # (e.g. the survey's figures for both; the form to send a new survey only for the applicant's side).
        extra = ct.detail_context(case, request.user) if ct.detail_context else {}
        detail = mark_safe(render_to_string(ct.detail_template, {"case": case, **extra}, request=request))  # noqa: S308
    roles = dict(PartyRole.choices)
    party_rows = [{**row, "role": roles.get(row["role"], row["role"]),
                   "name": (row["name_ar"] if present.arabic() else row["name_en"] or row["name_ar"])}
                  for row in (revealed if revealed is not None else privacy.parties_of(case))]
    declared = {d.code: d for d in ct.documents} if ct else {}
    doc_groups = [{"code": g.code, "label": str(declared[g.code].label) if g.code in declared else g.code,
                   "versions": g.versions}
                  for g in documents.case_documents(case=case, for_applicant=applicant_view)]
    context = {
        "viewer": viewer, "case": case, "ct": ct, "type": present.type_title(case.case_type),
        "status": present.status_label(case.case_type, case.status),
        "queue": present.name_of(case.queue_role), "assignee": case.assignee,
        "steps": steps, "detail": detail, "parties": party_rows,
        "data": _data_rows(ct, case.data) if ct else [],
        "timeline": _timeline(case, for_applicant=applicant_view, ct=ct),
        "documents": doc_groups, "revealed": revealed is not None,
        "upload_codes": [(d.code, str(d.label)) for d in (ct.documents if ct else ())] + [("other", _("other"))],
        "issued": documents.issued_documents(case=case, for_applicant=applicant_view),
        "file_prefix": f"/api/v1/{'my/' if applicant_view else ''}cases/{case.pk}/",
        "can_work": viewer.is_staff and case.closed_at is None,
        "mine": case.assignee_id == request.user.pk,
        "colleagues": (Membership.objects.filter(municipality_id=case.municipality_id, is_active=True)
                       .select_related("user").order_by("user__username")) if viewer.supervises else [],
        "waiting_on": (("applicant", _("the applicant")), ("agency", _("another agency"))),
        "act_url": reverse("web:inbox-act", args=[case.pk]),
        "bills": bills_of(case, for_applicant=applicant_view),
    }
    if viewer.is_staff:
        context["config"] = {**map_config(request=request, membership=viewer.access),
                             "inbox": {"case": _location(case), "colours": STATUS_COLOURS}}
    return context


class CaseView(LoginRequiredMixin, View):
    login_url = reverse_lazy("web:login")

    def get(self, request, pk: int):
        viewer = viewer_of(request)
        if not (viewer.is_staff or viewer.is_applicant):
            return _render(request, "web/inbox/no_access.html", {}, 403)
        case = case_for(viewer, pk)
        return _render(request, "web/inbox/case.html", page_context(request, viewer, case), 200)


class ActView(LoginRequiredMixin, View):
    """A form of the case page posted: a step, claim/assign, hold/resume, a comment. A refusal re-renders the
    page with the reason (and the refusal's status); nothing is written then."""

    login_url = reverse_lazy("web:login")

    def post(self, request, pk: int):
        viewer = viewer_of(request)
        if not (viewer.is_staff or viewer.is_applicant):
            return _render(request, "web/inbox/no_access.html", {}, 403)
        case = case_for(viewer, pk)
        p = request.POST
        version = _version(p.get("version"))
        action = p.get("action", "")
        try:
            if action == "reveal":  # the parties in full, for this page only; the view is logged (PDPL)
                if not viewer.is_staff:
                    raise NotPermitted(_("Only the municipality's staff do this."))
                rows = privacy.reveal_parties(case=case, actor=request.user, purpose=p.get("purpose", "")[:100])
                return _render(request, "web/inbox/case.html", page_context(request, viewer, case, revealed=rows), 200)
            done = self.act(request, viewer, case, action, version, p)
        except RegisterError as exc:
            case.refresh_from_db()
            context = page_context(request, viewer, case)
            context["error"] = refusal_text(exc)
            context["stale"] = isinstance(exc, ConflictError)
            return _render(request, "web/inbox/case.html", context, refusal_status(exc))
        messages.success(request, done)
        return redirect("web:inbox-case", pk=case.pk)

    def act(self, request, viewer, case, action, version, p) -> str:
        user, note = request.user, (p.get("note") or "").strip()[:2000]
        if version is None:
            raise RegisterError(_("The form did not say which version of the case you read; reload the page."),
                                code="no_version")
        if action == "transition":
            name = p.get("transition", "")[:50]
            try:
                step = get_case_type(case.case_type).transition(name)
            except UnknownCaseType:
                step = None  # the service says why (an unknown type of case)
            if step is not None and note_required(step) and not note and case.status in step.sources:
                raise RegisterError(_("Say why: “%(step)s” needs a note.") % {"step": step.label}, code="no_note")
            case = services.case_transition(case=case, transition=name, actor=user, expected_version=version,
                                            note=note or None)
            return _("Done: the case is now “%(status)s”.") % {
                "status": present.status_label(case.case_type, case.status)}
        if action == "upload":  # the applicant's side and staff alike
            upload = request.FILES.get("file")
            if upload is None:
                raise RegisterError(_("Choose a file to upload."), code="no_file")
            document = document_services.document_upload(case=case, code=p.get("code", "")[:50], upload=upload,
                                                         actor=user)
            return _("Uploaded: %(name)s (version %(version)s).") % {"name": document.original_name,
                                                                    "version": document.version}
        if not viewer.is_staff:
            raise NotPermitted(_("Only the municipality's staff do this."))
        if action == "claim":
            services.case_assign(case=case, actor=user, assignee=user, expected_version=version, note=note or None)
            return _("The case is assigned to you.")
        if action == "assign":
            assignee = (Membership.objects.filter(municipality_id=case.municipality_id, is_active=True,
                                                  user_id=_version(p.get("assignee")))
                        .select_related("user").first())
            if assignee is None:
                raise RegisterError(_("Choose a colleague of this municipality."), code="assignee")
            services.case_assign(case=case, actor=user, assignee=assignee.user, expected_version=version,
                                 note=note or None)
            return _("The case is assigned to %(name)s.") % {"name": assignee.user.get_username()}
        if action == "hold":
            services.case_hold(case=case, actor=user, reason=p.get("reason", "")[:1000],
                               waiting_on=p.get("waiting_on", "applicant"), expected_version=version)
            return _("The case is on hold.")
        if action == "resume":
            services.case_resume(case=case, actor=user, expected_version=version)
            return _("The case is resumed.")
        if action == "comment":
            check_version(case, version)  # a comment on what the person saw, not on a case changed since
            services.case_comment(case=case, actor=user, body=p.get("body", ""),
                                  visible_to_applicant=p.get("to_applicant") == "1")
            return _("Your comment is in the timeline.")
        raise RegisterError(_("Unknown action."), code="action")


def _version(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _render(request, template: str, context: dict, status: int):
    from django.shortcuts import render

    return render(request, template, context, status=status)
