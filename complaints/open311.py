"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the same reports, at ``/open311/v2/``, so
existing 311 apps and dashboards work with Ardh: discovery, the service list (the categories), a service's
definition, posting a request (with an API key of the municipality, scope "write"), reading requests with the
spec's filters, and a token's request. JSON or XML by the extension, errors as the spec's list of
``{code, description}``. Ardh's statuses map to open/closed; the state itself is in ``status_notes``. Read
answers carry no personal data: no names or contact, and the description only to the municipality's own key."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from xml.etree import ElementTree as ET

from django.contrib.gis.geos import Point
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Municipality, Party
from accounts.phones import normalised_mobile
from accounts.services import TOKEN_PREFIX
from api.access import find_active_key
from cases.applicant_notify import last_note_to_applicant
from cases.services import case_apply
from cases.types import get_case_type
from common.errors import RegisterError
from complaints.models import Category, Channel, Complaint, Recipient

CLOSED = {"resolved", "closed", "rejected"}
SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_REQUESTS = 1000


# --- answers in JSON or XML ---------------------------------------------------------------------------------
def _xml(tag: str, value) -> ET.Element:
    el = ET.Element(tag)
    if isinstance(value, dict):
        for k, v in value.items():
            el.append(_xml(k, v))
    elif isinstance(value, list):
        item = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
                "values": "value", "endpoints": "endpoint", "formats": "format"}.get(tag, "item")
        for v in value:
            el.append(_xml(item, v))
    elif value is not None:
        el.text = str(value).lower() if isinstance(value, bool) else str(value)
    return el


def answer(fmt: str, root: str, body, status: int = 200):
    if fmt == "xml":
        data = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(_xml(root, body), encoding="utf-8")
        return HttpResponse(data, status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error(fmt: str, status: int, description: str):
    return answer(fmt, "errors", [{"code": status, "description": description}], status=status)


# --- jurisdiction, key, services -----------------------------------------------------------------------------
def _jurisdiction(request) -> Municipality | None:
    code = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "").strip()[:64]
    qs = Municipality.objects.exclude(short_code="").defer("boundary").order_by("pk")
    return qs.filter(code=code).first() if code else qs.first()


def _key(request):
    token = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    if not token.startswith(TOKEN_PREFIX) or "." not in token:
        return None
    prefix, secret = token[len(TOKEN_PREFIX):].split(".", 1)
    return find_active_key(prefix, secret)


def _service(c: Category, english: bool) -> dict:
    return {"service_code": c.code, "service_name": c.name_en if english else c.name_ar,
            "description": c.description_en or c.name_en, "metadata": True, "type": "realtime",
            "keywords": c.kind, "group": c.kind}


def _english(request) -> bool:
    return not (translation.get_language() or "ar").startswith("ar")


@require_GET
def discovery(request, fmt: str):
    base = request.build_absolute_uri("/open311/v2/")
    return answer(fmt, "discovery", {
        "changeset": "2026-12-05T00:00:00Z", "contact": "The municipality's e-services (Ardh)",
        "key_service": request.build_absolute_uri("/admin/accounts/apikey/"),
        "endpoints": [{"specification": SPEC, "url": base, "changeset": "2026-12-05T00:00:00Z",
                       "type": "production", "formats": ["application/json", "text/xml"]}]})


@require_GET
def services(request, fmt: str):
    if _jurisdiction(request) is None:
        return error(fmt, 404, "jurisdiction_id not found")
    return answer(fmt, "services", [_service(c, _english(request)) for c in Category.objects.all()])


@require_GET
def service_definition(request, code: str, fmt: str):
    category = Category.objects.filter(code=code[:40]).first()
    if category is None:
        return error(fmt, 404, f"service_code {code[:40]} not found")
    return answer(fmt, "service_definition", {"service_code": category.code, "attributes": [{
        "variable": True, "code": "recipient", "datatype": "singlevaluelist", "required": False,
        "datatype_description": "Whom the report is for", "order": 1,
        "description": "To the municipality (default) or to the municipal council",
        "values": [{"key": k, "name": str(label)} for k, label in Recipient.choices]}]})


# --- requests -------------------------------------------------------------------------------------------------
def _status(c: Complaint) -> tuple[str, str]:
    label = str(get_case_type("complaint").state(c.case.status).label)
    note = last_note_to_applicant(c.case_id) if c.case.status in CLOSED else ""
    return ("closed" if c.case.status in CLOSED else "open"), (f"{label}. {note}".strip() if note else label)


def _iso(value) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _request(c: Complaint, *, english: bool, own: bool) -> dict:
    status, notes = _status(c)
    due = c.case.due_date
    return {
        "service_request_id": c.case.number, "status": status, "status_notes": notes,
        "service_name": c.category.name_en if english else c.category.name_ar, "service_code": c.category_id,
        "description": c.description if own else None,
        "agency_responsible": c.municipality.name_en if english else c.municipality.name_ar,
        "service_notice": None, "requested_datetime": _iso(c.case.created_at), "updated_datetime": _iso(c.updated_at),
        "expected_datetime": f"{due.isoformat()}T23:59:59+03:00" if due and status == "open" else None,
        "address": (c.district.name_en or c.district.name_ar) if c.district else c.address or None,
        "address_id": c.district.code if c.district else None, "zipcode": None,
        "lat": round(c.geom.y, 6), "long": round(c.geom.x, 6), "media_url": None, "token": c.token,
    }


def _date(value: str):
    parsed = parse_datetime(value) if value else None
    if value and parsed is None:
        raise ValueError(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request, fmt: str):
    return post_request(request, fmt) if request.method == "POST" else list_requests(request, fmt)


def list_requests(request, fmt: str):
    municipality = _jurisdiction(request)
    if municipality is None:
        return error(fmt, 404, "jurisdiction_id not found")
    q = request.GET
    qs = (Complaint.objects.filter(municipality=municipality)
          .select_related("case", "category", "district", "municipality").order_by("-case__created_at"))
    ids = [i.strip() for i in q.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        qs = qs.filter(case__number__in=ids[:MAX_REQUESTS])
    else:
        try:
            start, end = _date(q.get("start_date", "")), _date(q.get("end_date", ""))
        except ValueError as exc:
            return error(fmt, 400, f"start_date or end_date is not a W3C date-time: {str(exc)[:40]}")
        if start is None and end is None:
            start = timezone.now() - timedelta(days=90)
        if start is not None:
            qs = qs.filter(case__created_at__gte=start)
        if end is not None:
            qs = qs.filter(case__created_at__lte=end)
        if q.get("service_code"):
            qs = qs.filter(category_id__in=[c.strip() for c in q["service_code"].split(",")])
        status = q.get("status", "").strip().lower()
        if status == "open":
            qs = qs.exclude(case__status__in=CLOSED)
        elif status == "closed":
            qs = qs.filter(case__status__in=CLOSED)
        elif status:
            return error(fmt, 400, "status must be open or closed")
    key = _key(request)
    own = key is not None and key.municipality_id == municipality.pk
    english = _english(request)
    return answer(fmt, "service_requests", [_request(c, english=english, own=own) for c in qs[:MAX_REQUESTS]])


@require_GET
def one_request(request, number: str, fmt: str):
    complaint = (Complaint.objects.select_related("case", "category", "district", "municipality")
                 .filter(case__number=number[:40]).first())
    if complaint is None:
        return error(fmt, 404, f"service_request_id {number[:40]} not found")
    key = _key(request)
    own = key is not None and key.municipality_id == complaint.municipality_id
    return answer(fmt, "service_requests", [_request(complaint, english=_english(request), own=own)])


@require_GET
def token(request, token_id: str, fmt: str):
    complaint = Complaint.objects.select_related("case").filter(token=token_id[:32]).first()
    if complaint is None:
        return error(fmt, 404, "token not found")
    return answer(fmt, "service_requests", [{"service_request_id": complaint.case.number, "token": complaint.token}])


def _reporter(p) -> Party:
    name = " ".join(x for x in (p.get("first_name", "").strip(), p.get("last_name", "").strip()) if x)[:200]
    email = p.get("email", "").strip()[:254]
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        email = ""
    return Party.objects.create(kind="person", name_ar=name or "مبلّغ (Open311)", name_en=name or "Open311 reporter",
                                mobile=normalised_mobile(p.get("phone", "")) or "", email=email)


def post_request(request, fmt: str):
    p = request.POST
    key = _key(request)
    if key is None:
        return error(fmt, 403, "api_key is missing or not valid")
    if "write" not in (key.scopes or []):
        return error(fmt, 403, "this api_key may not post requests (scope write)")
    municipality = _jurisdiction(request)
    if municipality is None or municipality.pk != key.municipality_id:
        return error(fmt, 404, "jurisdiction_id is not the api_key's municipality")
    category = Category.objects.filter(code=p.get("service_code", "")[:40]).first()
    if category is None:
        return error(fmt, 404, "service_code not found")
    try:
        point = Point(float(p.get("long", "")), float(p.get("lat", "")), srid=4326)
    except ValueError:
        return error(fmt, 400, "lat and long are required (WGS84 decimal degrees): Ardh places every report "
                               "by its coordinates")
    if not (-90 <= point.y <= 90 and -180 <= point.x <= 180):
        return error(fmt, 400, "lat or long out of range")
    description = p.get("description", "").strip()[:2000]
    if not description:
        return error(fmt, 400, "description is required")
    recipient = p.get("attribute[recipient]") if p.get("attribute[recipient]") in Recipient.values else "municipality"
    try:
        with transaction.atomic():
            case = case_apply(municipality=municipality, case_type="complaint", actor=f"open311: {key.name}"[:128],
                              data={"category": category.code, "recipient": recipient, "description": description},
                              parties=[(_reporter(p), "applicant")], point=point)
            Complaint.objects.filter(case=case).update(channel=Channel.OPEN311,
                                                       address=p.get("address_string", "")[:300])
    except RegisterError as exc:
        return error(fmt, 400, " ".join(str(m) for m in exc.messages))
    complaint = Complaint.objects.get(case=case)
    return answer(fmt, "service_requests", [{"service_request_id": case.number, "token": complaint.token,
                                             "service_notice": "", "account_id": None}], status=201)

