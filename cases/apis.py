"""Cases under /api/v1/: the case types' forms, list (filters, bbox), detail, create, and the actions (with
If-Match): transitions, assignment, hold and resume, comments. Thin: reads through ``cases.selectors``, writes
through ``cases.services`` (which check roles: 403; the workflow: 409; guards: 422)."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.models import ApiKey, Party, Person
from api import params
from api.access import caller_scopes, needs_scope_message
from api.base import ApiBase, etag, expected_version
from api.errors import BadInput
from api.serializers import GeometryInputField, TenantRecordField
from cases import selectors, services
from cases.documents.apis import TakesUploads
from cases.models import Case, PartyRole
from cases.types import UnknownCaseType, all_case_types, get_case_type
from parcels.models import District, Parcel

IF_MATCH = [OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)]
LIST_PARAMETERS = [
    OpenApiParameter("bbox", str, description="minLon,minLat,maxLon,maxLat (EPSG:4326)"),
    OpenApiParameter("case_type", str), OpenApiParameter("status", str),
    OpenApiParameter("queue", str, description="'mine': cases in my queues or assigned to me"),
    OpenApiParameter("overdue", bool), OpenApiParameter("district", str, description="district code"),
    OpenApiParameter("number", str), OpenApiParameter("national_id", str, description="logged look-up"),
    OpenApiParameter("parcel", int), OpenApiParameter("deed", str),
    OpenApiParameter("limit", int), OpenApiParameter("offset", int),
]
_FILTERS = {"bbox", "case_type", "status", "queue", "overdue", "district", "number", "national_id", "parcel", "deed",
            "limit", "offset"}


def _label(case_type_code: str, status_code: str) -> str:
    try:
        return str(get_case_type(case_type_code).state(status_code).label)
    except (UnknownCaseType, StopIteration):
        return status_code


def _person_summary(party) -> dict:
    # A Person is its party (applicants() gives Person rows): asking it for .person would query again, per row.
    person = party if isinstance(party, Person) else getattr(party, "person", None) if party.kind == "person" else None
    return {"id": party.pk, "kind": party.kind, "name_ar": party.name_ar, "name_en": party.name_en,
            "national_id": person.masked_national_id if person else None}


def case_summary(case: Case, applicant=None) -> dict:
    today = timezone.localdate()
    return {
        "id": case.pk, "number": case.number, "case_type": case.case_type, "status": case.status,
        "status_label": _label(case.case_type, case.status),
        "queue": case.queue_role.code if case.queue_role_id else None,
        "assignee": case.assignee.get_username() if case.assignee_id else None,
        "due_date": case.due_date, "on_hold": case.on_hold, "held_since": case.held_since,
        "hold_reason": case.hold_reason,
        "overdue": bool(case.due_date and not case.on_hold and case.due_date < today),
        # A point always (cases.models.Case.location): written out directly, not through GDAL's GeoJSON per row.
        "location": {"type": "Point", "coordinates": [case.location.x, case.location.y]},
        "applicant": _person_summary(applicant) if applicant is not None else None,
        "created_at": case.created_at, "version": case.version,
    }


def _detail(case: Case, actor) -> dict:
    parties = case.case_parties.select_related("party__person").order_by("id")
    timeline = selectors.timeline(case=case)
    body = case_summary(case)
    body.pop("applicant")
    body |= {
        "data": case.data,
        "area": json.loads(case.area.geojson) if case.area else None,
        "parties": [{**_person_summary(p.party), "role": p.role} for p in parties],
        "parcels": [{"id": p.pk, "number": p.number, "deed_number": p.deed_number}
                    for p in case.parcels.order_by("id")],
        "links": [{"kind": link.kind, "to": link.to_case.number} for link in case.links_out.select_related("to_case")],
        # Cases that point at this one (an objection to it, a permit that follows it).
        "linked_from": [{"kind": link.kind, "from": link.from_case.number, "id": link.from_case_id,
                         "status": link.from_case.status}
                        for link in case.links_in.select_related("from_case").order_by("id")],
        # The steps this person may take now (an API key takes none).
        "allowed_transitions": [] if isinstance(actor, str) else services.allowed_transitions(case=case, actor=actor),
        "timeline": [
            {"kind": e.kind, "at": e.at, "by": e.actor.get_username() if e.actor_id else e.actor_label,
             "visible_to_applicant": e.visible_to_applicant, "from_status": e.from_status,
             "to_status": e.to_status, "body": e.body, "data": e.data}
            for e in timeline
        ],
    }
    return body


def _answer(case: Case, actor, code=status.HTTP_200_OK) -> Response:
    case = Case.objects.select_related("queue_role", "assignee").get(pk=case.pk)
    return Response(_detail(case, actor), status=code, headers={"ETag": etag(case)})


class CaseTypeListApi(ApiBase):
    """The case types and what each asks of the applicant: the inbox and the portal render forms from it."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response({"case_types": [t.describe() for t in all_case_types()]})


class CaseListApi(TakesUploads, ApiBase):
    lists_records = True  # GET lists (the OpenAPI operation id says so: api/schema.py)
    # Reading is the "read" scope; opening a case: a person by the type's roles (the service asks), a key
    # (another system, the portal) by its "write" scope.
    required_scopes = {"POST": "read"}

    class InputSerializer(serializers.Serializer):
        case_type = serializers.CharField(max_length=50)
        data = serializers.DictField(required=False, default=dict)
        parties = serializers.ListField(child=serializers.DictField(), max_length=50)
        parcels = serializers.ListField(child=TenantRecordField(model=Parcel), required=False, default=list,
                                        max_length=200)
        point = GeometryInputField(allowed=("Point",), required=False, allow_null=True)
        area = GeometryInputField(allowed=("Polygon", "MultiPolygon"), required=False, allow_null=True)

    def get_serializer_class(self):  # for the OpenAPI schema
        return self.InputSerializer


    @extend_schema(parameters=LIST_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        q, muni = request.query_params, self.municipality
        unknown = sorted(set(q) - _FILTERS)
        if unknown:
            raise BadInput(_("Cannot filter by “%(f)s”; allowed: %(allowed)s.")
                           % {"f": unknown[0][:40], "allowed": ", ".join(sorted(_FILTERS))}, param=unknown[0][:40])
        limit = params.number(q, "limit", default=100, low=1, high=params.MAX_LIMIT, integer=True)
        offset = params.number(q, "offset", default=0, low=0, high=10**9, integer=True)
        filters = {"case_type": q.get("case_type", "")[:50] or None, "status": q.get("status", "")[:50] or None,
                   "bbox": params.bbox(q.get("bbox")), "overdue": _boolean(q, "overdue")}
        if q.get("district"):
            district = District.objects.filter(municipality=muni, code=q["district"][:32]).first()
            if district is None:
                raise BadInput(_("No district with this code."), param="district")
            filters["district"] = district
        if q.get("queue"):
            if q["queue"] != "mine":
                raise BadInput(_("queue can only be “mine”."), param="queue")
            if isinstance(request.auth, ApiKey):
                raise BadInput(_("An API key has no queue."), param="queue")
            qs = selectors.inbox(user=request.user, municipality=muni, **filters)
        else:
            qs = selectors.case_list(municipality=muni, **filters).order_by("-id")
        if q.get("number"):
            qs = qs.filter(pk__in=selectors.find_by_number(municipality=muni, number=q["number"]).values("pk"))
        if q.get("parcel"):
            pk = params.number(q, "parcel", low=1, high=2**62, integer=True)
            qs = qs.filter(pk__in=selectors.find_by_parcel(municipality=muni, parcel_id=pk).values("pk"))
        if q.get("deed"):
            qs = qs.filter(pk__in=selectors.find_by_deed(municipality=muni, deed_number=q["deed"]).values("pk"))
        if q.get("national_id"):
            found = selectors.find_by_national_id(municipality=muni, national_id=q["national_id"], actor=self.actor,
                                                  purpose="case search (API)")
            qs = qs.filter(pk__in=found.values("pk"))
        # A list shows neither the application's values nor the drawn area: not read, not parsed, per row.
        rows = list(qs.select_related("queue_role", "assignee").defer("data", "area")[offset : offset + limit + 1])
        has_next = len(rows) > limit
        rows = rows[:limit]
        people = selectors.applicants(rows)
        return Response({
            "results": [case_summary(c, people.get(c.pk)) for c in rows], "numberReturned": len(rows),
            "next": has_next,
        })

    @extend_schema(responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        if isinstance(request.auth, ApiKey) and "write" not in caller_scopes(request):
            return Response({"detail": needs_scope_message("write"), "code": "forbidden"}, status=403)
        files = None
        body = request.data
        if request.content_type.startswith("multipart/"):
            # The application as JSON in the "payload" field; each file under its document code.
            try:
                body = json.loads(request.data.get("payload") or "")
            except ValueError:
                raise BadInput(_("Give the application as JSON in the field “payload”."), param="payload") from None
            if not isinstance(body, dict):
                raise BadInput(_("Give the application as JSON in the field “payload”."), param="payload")
            files = {code[:50]: request.FILES[code] for code in request.FILES}
        ser = self.InputSerializer(data=body, context=self.input_context(municipality=self.municipality))
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        parties = []
        for i, item in enumerate(data["parties"]):
            party = Party.objects.filter(pk=_int(item.get("party"), f"parties[{i}].party")).first()
            if party is None:
                raise BadInput(_("No party with this id."), param=f"parties[{i}].party")
            if item.get("role") not in PartyRole.values:
                raise BadInput(_("Role on the case must be one of %(roles)s.") % {"roles": ", ".join(PartyRole.values)},
                               param=f"parties[{i}].role")
            parties.append((party, item["role"]))
        application = {
            "municipality": self.municipality, "case_type": data["case_type"], "actor": self.actor,
            "data": data["data"], "parties": parties, "parcels": data["parcels"], "point": data.get("point"),
            "area": data.get("area"),
        }
        # With files: the type's documents are checked (required ones present) and stored with the case.
        case = services.case_create(**application) if files is None else services.case_apply(**application,
                                                                                               files=files)
        return _answer(case, self.actor, status.HTTP_201_CREATED)


def _int(value, param: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise BadInput(_("Give a record id."), param=param)
    return int(value)


def _boolean(q, name: str) -> bool | None:
    raw = q.get(name)
    if raw in (None, ""):
        return None
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise BadInput(_("%(name)s must be true or false.") % {"name": name}, param=name)


class _CaseApi(ApiBase):
    required_scopes = {"POST": "read"}  # the services check the roles a step needs
    InputSerializer = None  # a step's body, where it has one

    def get_serializer_class(self):  # for the OpenAPI schema
        return self.InputSerializer

    def get_case(self, pk) -> Case:
        return selectors.case_get(municipality=self.municipality, pk=pk)

    def step(self, request, pk) -> tuple[Case, int, dict]:
        """A step on a case: the case (of the caller's municipality), the version the caller read (If-Match),
        and the validated body."""
        case = self.get_case(pk)
        version = expected_version(request, case)
        ser = self.InputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return case, version, ser.validated_data


class CaseDetailApi(_CaseApi):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        return _answer(self.get_case(pk), self.actor)


class CaseTransitionApi(_CaseApi):
    class InputSerializer(serializers.Serializer):
        transition = serializers.CharField(max_length=50)
        note = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    @extend_schema(parameters=IF_MATCH, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        case, version, data = self.step(request, pk)
        case = services.case_transition(case=case, transition=data["transition"], actor=self.actor,
                                        expected_version=version, note=data.get("note") or None)
        return _answer(case, self.actor)


class CaseAssignApi(_CaseApi):
    class InputSerializer(serializers.Serializer):
        assignee = serializers.IntegerField(required=False, allow_null=True)
        queue = serializers.SlugField(max_length=50, required=False)
        note = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    @extend_schema(parameters=IF_MATCH, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        case, version, data = self.step(request, pk)
        assignee = None
        if data.get("assignee") is not None:
            assignee = get_user_model().objects.filter(pk=data["assignee"]).first()
            if assignee is None:
                raise BadInput(_("No such person."), param="assignee")
        case = services.case_assign(case=case, actor=self.actor, assignee=assignee, queue_role=data.get("queue"),
                                    expected_version=version, note=data.get("note") or None)
        return _answer(case, self.actor)


class CaseHoldApi(_CaseApi):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000)
        waiting_on = serializers.ChoiceField(choices=services.HOLD_WAITING_ON, default="applicant")

    @extend_schema(parameters=IF_MATCH, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        case, version, data = self.step(request, pk)
        case = services.case_hold(case=case, actor=self.actor, expected_version=version, **data)
        return _answer(case, self.actor)


class CaseResumeApi(_CaseApi):
    @extend_schema(parameters=IF_MATCH, request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        case = self.get_case(pk)
        case = services.case_resume(case=case, actor=self.actor, expected_version=expected_version(request, case))
        return _answer(case, self.actor)


class CaseCommentApi(_CaseApi):
    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=5000)
        visible_to_applicant = serializers.BooleanField(default=False)

    @extend_schema(responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        case = self.get_case(pk)
        ser = self.InputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.case_comment(case=case, actor=self.actor, **ser.validated_data)
        return _answer(case, self.actor, status.HTTP_201_CREATED)


