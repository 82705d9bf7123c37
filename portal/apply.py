"""``/portal/services/`` and ``/portal/apply/<service>/``: every service registered on the backbone that a person
may apply for, and its application form drawn from the case type (fields, documents), with the parcel picked
among mine, by deed number or on the map, and a draft to finish later.

A service that needs a parcel is applied for on a parcel the applicant holds (``parcels.ParcelOwnership``): a
form for another person's parcel is refused, naming the parcel but nothing of its owner."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.gis.geos import Point
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Party
from accounts.selectors import acting_parties
from cases import services
from cases.types import APPLICANT, UnknownCaseType, all_case_types, get_case_type
from common.errors import RegisterError
from parcels.models import ParcelOwnership
from parcels.selectors import parcels_current, parcels_held_by
from portal.context import portal_municipality
from portal.drafts import ApplicationDraft, draft_drop, draft_save, drafts_of
from portal.maps import public_map_config
from portal.pages import citizen_of, citizen_required, page
from web.inbox.apply import accept, form_fields, raw_values
from web.inbox.case_page import refusal_status, refusal_text
from web.inbox.present import arabic


def portal_types():
    """The case types a person applies for themselves (not opened by staff only, not from another case)."""
    return [t for t in all_case_types() if APPLICANT in t.create_roles and not t.internal]


@citizen_required
def service_list(request):
    person = citizen_of(request)
    rows = [{"code": t.code, "title": t.title_ar if arabic() else t.title_en, "needs_parcel": t.needs_parcel}
            for t in portal_types()]
    return page(request, "portal/services.html", {"services": rows, "drafts": drafts_of(person=person)})


def _case_type(code: str):
    try:
        ct = get_case_type(code)
    except UnknownCaseType:
        raise Http404("service") from None
    if ct not in portal_types():
        raise Http404("service")
    return ct


class Form:
    """One application form: what the page shows and what a post asks for."""

    def __init__(self, request, ct):
        self.request, self.ct = request, ct
        self.person = citizen_of(request)
        self.municipality = portal_municipality(request)
        self.parties = acting_parties(request.user)

    def context(self, *, values: dict, errors: dict, error: str = "", post=None) -> dict:
        ct, muni = self.ct, self.municipality
        post = post if post is not None else values
        held = list(parcels_held_by(municipality=muni, parties=self.parties)[:50]) if muni else []
        return {
            "ct": ct, "title": ct.title_ar if arabic() else ct.title_en,
            "fields": form_fields(ct, values, errors), "errors": errors, "error": error, "post": post,
            "documents": [{"code": d.code, "label": str(d.label), "required": d.required,
                           "accept": accept(d.content_types), "error": errors.get(f"doc_{d.code}", "")}
                          for d in ct.documents],
            "parties": Party.objects.filter(pk__in=self.parties).order_by("kind", "pk"),
            "held": held, "config": public_map_config(muni, pick=True),
        }

    def applicant(self, post, errors) -> Party | None:
        try:
            pk = int(post.get("party") or 0)
        except ValueError:
            pk = 0
        if pk not in self.parties:
            errors["party"] = _("Choose yourself or a party you represent.")
            return None
        return Party.objects.get(pk=pk)

    def location(self, post, applicant: Party | None, errors):
        """(parcel, point): the parcel picked among mine, named by deed or parcel number, or under the point
        clicked on the map; a service that needs a parcel needs one its applicant holds."""
        muni, ct = self.municipality, self.ct
        current = parcels_current(municipality=muni)
        parcel, point = None, None
        q = ((post.get("parcel_text") or "").strip() or (post.get("parcel") or "").strip())[:32]
        if q:
            found = list(current.filter(Q(deed_number=q) | Q(number=q))
                         .only("pk", "municipality_id", "valid_to", "number", "deed_number")[:2])
            if not found:
                errors["parcel"] = _("No current parcel with this deed or parcel number.")
                return None, None
            if len(found) > 1:
                errors["parcel"] = _("Several parcels have this number; give the deed number.")
                return None, None
            parcel = found[0]
        else:
            try:
                lon, lat = float(post.get("lon", "")), float(post.get("lat", ""))
            except ValueError:
                errors["parcel"] = (_("Choose your parcel, give its deed number, or tap it on the map.")
                                    if ct.needs_parcel else _("Choose your parcel, or tap the place on the map."))
                return None, None
            point = Point(lon, lat, srid=4326)
            parcel = current.filter(geom__intersects=point).only("pk", "municipality_id", "valid_to",
                                                                 "number").first()
            if parcel is None and ct.needs_parcel:
                errors["parcel"] = _("There is no current parcel where you tapped.")
                return None, None
        if parcel is not None and ct.needs_parcel and applicant is not None:
            holds = ParcelOwnership.objects.filter(parcel=parcel, party=applicant, until__isnull=True).exists()
            if not holds:
                errors["parcel"] = _("Parcel %(number)s is not registered to the applicant. You can apply only on "
                                     "a parcel the applicant owns; if it is theirs, bring the deed to the "
                                     "municipality to record it.") % {"number": parcel.number}
                return None, None
        return parcel, (None if parcel else point)


@citizen_required
def apply(request, case_type: str):
    ct = _case_type(case_type)
    form = Form(request, ct)
    if form.municipality is None:
        raise Http404("municipality")
    if request.method != "POST":
        draft = ApplicationDraft.objects.filter(municipality=form.municipality, person=form.person,
                                                case_type=ct.code).first()
        values = {k[2:]: v for k, v in (draft.values if draft else {}).items() if k.startswith("f_")}
        post = draft.values | {"party": str(draft.applicant_id or "")} if draft else {}
        return page(request, "portal/apply.html", form.context(values=values, errors={}, post=post) |
                    {"draft": draft})
    p = request.POST
    values = {f.name: p.get(f"f_{f.name}", "") for f in ct.fields}
    if "save_draft" in p:
        kept = {k: v for k, v in p.items() if k.startswith("f_") or k in ("parcel", "parcel_text", "lon", "lat")}
        party = form.applicant(p, {})
        draft_save(municipality=form.municipality, person=form.person, case_type=ct.code, applicant=party,
                   values=kept)
        messages.success(request, _("Your draft is saved. Come back to it from the services page."))
        return redirect("portal:apply", case_type=ct.code)
    data = raw_values(ct, p)
    _cleaned, errors = ct.clean_data(data)
    for d in ct.documents:
        if d.required and f"doc_{d.code}" not in request.FILES:
            errors[f"doc_{d.code}"] = _("This document is required.")
    applicant = form.applicant(p, errors)
    parcel, point = form.location(p, applicant, errors)
    context = {"values": values, "post": p}
    if errors:
        return page(request, "portal/apply.html", form.context(errors=errors, error=_("Correct the fields marked "
                                                                                          "below."), **context),
                    status=400)
    parties = [(applicant, "applicant")]
    if applicant.pk != form.person.pk:
        parties.append((form.person, "representative"))
    files = {d.code: request.FILES[f"doc_{d.code}"] for d in ct.documents if f"doc_{d.code}" in request.FILES}
    try:
        case = services.case_apply(municipality=form.municipality, case_type=ct.code, actor=request.user, data=data,
                                   parties=parties, parcels=[parcel] if parcel else [], point=point, files=files)
    except RegisterError as exc:
        return page(request, "portal/apply.html", form.context(errors=errors, error=refusal_text(exc), **context),
                    status=refusal_status(exc))
    draft_drop(municipality=form.municipality, person=form.person, case_type=ct.code)
    messages.success(request, _("Your application %(number)s is submitted.") % {"number": case.number})
    return redirect(reverse("portal:transaction", args=[case.pk]))
