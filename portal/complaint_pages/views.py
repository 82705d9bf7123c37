"""``/portal/complaints/…``: report a problem or suggest something with a pin (or my position) and a photo; the
place is checked and routed, a pin near a district's edge is confirmed, an open report of the same thing nearby
is offered to join; my report's page with its rating; the public map of open reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.gis.geos import Point
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import applicant, services
from common.errors import RegisterError
from complaints.models import Category, Complaint, Recipient
from complaints.selectors import complaint_of_case, nearby_open, route
from complaints.services import complaint_join, complaint_rate, photo_check
from portal.context import portal_municipality
from portal.identity.throttle import client_address, throttle_hit
from portal.maps import public_map_config
from portal.pages import citizen_of, citizen_required, page
from web.inbox.present import name_of, status_label

FILE_LIMIT = {"per_address": 10, "per_id": 10, "window_s": 60}


def _form(request, *, status: int = 200, **extra):
    municipality = portal_municipality(request)
    return page(request, "portal/complaints/new.html", {
        "categories": Category.objects.all(), "recipients": Recipient.choices, "post": request.POST,
        "config": public_map_config(municipality, pick=True), **extra}, status=status)


@citizen_required
def complaint_new(request):
    if request.method != "POST":
        return _form(request)
    p, me = request.POST, citizen_of(request)
    municipality = portal_municipality(request)
    errors = {}
    category = Category.objects.filter(code=(p.get("category") or "")[:40]).first()
    if category is None:
        errors["category"] = _("Choose what it is about.")
    description = (p.get("description") or "").strip()
    if len(description) < 5:
        errors["description"] = _("Describe it in a few words.")
    try:
        point = Point(float(p.get("lon", "")), float(p.get("lat", "")), srid=4326)
    except ValueError:
        point = None
        errors["place"] = _("Say where it is: tap the map or use your position.")
    photo = request.FILES.get("photo")
    if photo is not None:
        try:
            photo_check(photo)
        except RegisterError as exc:
            errors["photo"] = str(exc)
    if errors:
        return _form(request, errors=errors, error=_("Correct the fields marked below."), status=400)
    recipient = p.get("recipient") if p.get("recipient") in Recipient.values else Recipient.MUNICIPALITY
    found = route(municipality=municipality, point=point, category=category, recipient=recipient)
    if not found.inside:
        return _form(request, errors={"place": _("This place is outside %(name)s: the municipality handles reports "
                                                 "within its boundary only.") % {"name": name_of(municipality)}},
                     status=400)
    if found.near_edge and found.district is not None and not p.get("confirm_place"):
        return _form(request, confirm={"district": found.district}, status=200)
    duplicates = [] if p.get("file_anyway") else list(
        nearby_open(municipality=municipality, point=point, category=category)[:5])
    if duplicates:
        return _form(request, duplicates=[{"complaint": c, "status": status_label("complaint", c.case.status),
                                           "metres": round(c.distance.m)} for c in duplicates])
    wait = throttle_hit(kind="complaint", address=client_address(request), national_id=me.national_id,
                        **FILE_LIMIT)
    if wait is not None:
        response = _form(request, error=_("Too many reports from here in a short time. Wait a minute and try "
                                          "again."), status=429)
        response["Retry-After"] = str(wait)
        return response
    try:
        case = services.case_apply(
            municipality=municipality, case_type="complaint", actor=request.user,
            data={"category": category.code, "recipient": recipient, "description": description[:2000]},
            parties=[(me, "applicant")], point=point, files={"photo": photo} if photo is not None else {})
    except RegisterError as exc:
        return _form(request, error=" ".join(str(m) for m in exc.messages), status=400)
    messages.success(request, _("Your report %(number)s is received.") % {"number": case.number})
    return redirect("portal:complaint", pk=case.pk)


@require_POST
@citizen_required
def complaint_join_view(request, pk: int):
    complaint = Complaint.objects.select_related("case").filter(case_id=pk, case__closed_at__isnull=True).first()
    if complaint is None:
        raise Http404("complaint")
    complaint_join(complaint=complaint, party=citizen_of(request), actor=request.user)
    messages.success(request, _("You joined report %(number)s: you will be told of its progress.")
                     % {"number": complaint.case.number})
    return redirect("portal:transactions")


@citizen_required
def complaint_detail(request, pk: int):
    case = applicant.my_case_get(user=request.user, pk=pk)
    complaint = complaint_of_case(case.pk)
    if complaint is None:
        raise Http404("complaint")
    return page(request, "portal/complaints/detail.html", {
        "case": case, "complaint": complaint, "status": status_label(case.case_type, case.status)})


@require_POST
@citizen_required
def complaint_rate_view(request, pk: int):
    case = applicant.my_case_get(user=request.user, pk=pk)
    complaint = complaint_of_case(case.pk)
    try:
        rating = int(request.POST.get("rating") or 0)
    except ValueError:
        rating = 0
    try:
        complaint_rate(complaint=complaint, rating=rating, note=(request.POST.get("note") or "").strip())
        if case.status == "resolved":
            services.case_transition(case=case, transition="close", actor=request.user, expected_version=None)
    except RegisterError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    else:
        messages.success(request, _("Thank you: your rating is recorded."))
    return redirect("portal:complaint", pk=pk)


def complaints_map(request):
    municipality = portal_municipality(request)
    return page(request, "portal/complaints/map.html", {
        "config": public_map_config(municipality, complaints={"layer": "complaints_open"}),
        "categories": Category.objects.all()})
