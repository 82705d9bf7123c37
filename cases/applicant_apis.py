"""The applicant's API, ``/api/v1/my/cases/...``: a signed-in person (an owner, an office's employee) follows and
moves the cases they act for, in every municipality, without a staff membership (``api.base.PersonApiBase``).
They see what is meant for the applicant only, take only the applicant's steps, apply and object. Thin:
``cases.applicant`` reads, ``cases.services`` and ``cases.objections`` write."""

from __future__ import annotations

import json

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.models import Municipality, Party, Person
from accounts.selectors import acting_parties
from api import params
from api.base import PersonApiBase, etag, expected_version
from api.errors import BadInput
from api.serializers import GeometryInputField, TenantRecordField
from cases import applicant, objections, selectors, services
from cases.models import Case, Objection
from cases.privacy import parties_of
from cases.staff_apis import ObjectionInput
from cases.types import APPLICANT, UnknownCaseType, get_case_type
from common.errors import NotPermitted
from parcels.models import Parcel

IF_MATCH = [OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)]


def _type_titles(case: Case) -> tuple[str, str, str]:
    try:
        ct = get_case_type(case.case_type)
        return ct.title_ar, ct.title_en, str(ct.state(case.status).label)
    except (UnknownCaseType, StopIteration):
        return case.case_type, case.case_type, case.status


def my_summary(case: Case) -> dict:
    title_ar, title_en, status_label = _type_titles(case)
    today = timezone.localdate()
    return {
        "id": case.pk, "number": case.number, "case_type": case.case_type, "title_ar": title_ar,
        "title_en": title_en, "status": case.status, "status_label": status_label,
        "municipality": {"code": case.municipality.code, "name_ar": case.municipality.name_ar,
                         "name_en": case.municipality.name_en},
        "due_date": case.due_date, "on_hold": case.on_hold, "closed": case.closed_at is not None,
        "overdue": bool(case.due_date and not case.on_hold and case.due_date < today),
        "created_at": case.created_at, "version": case.version,
    }


def my_detail(case: Case, user) -> dict:
    """The applicant's view: no internal notes, no staff names, national IDs masked."""
    body = my_summary(case)
    entries = selectors.timeline(case=case, for_applicant=True)
    objected = Objection.objects.filter(objected_case=case).select_related("case").order_by("id")
    body |= {
        "data": case.data,
        "location": json.loads(case.location.geojson),
        "hold_reason": case.hold_reason if case.on_hold else "",
        "parties": parties_of(case),
        "parcels": [{"id": p.pk, "number": p.number, "deed_number": p.deed_number}
                    for p in case.parcels.order_by("id")],
        "allowed_transitions": applicant.applicant_steps(case=case, user=user),
        "objections": [{"number": o.case.number, "id": o.case_id, "status": o.case.status,
                        "decision": o.transition} for o in objected],
        "may_object_to": objections.objection_options(case),
        "timeline": [{"kind": e.kind, "at": e.at, "from_status": e.from_status, "to_status": e.to_status,
                      "body": e.body, "data": e.data} for e in entries],
    }
    return body


def _answer(case: Case, user, code=status.HTTP_200_OK) -> Response:
    case = Case.objects.select_related("municipality").defer("municipality__boundary").get(pk=case.pk)
    return Response(my_detail(case, user), status=code, headers={"ETag": etag(case)})


class ApplyInput(serializers.Serializer):
    municipality = serializers.SlugField(max_length=64, help_text="the municipality's code")
    case_type = serializers.CharField(max_length=50)
    applicant = serializers.IntegerField(required=False, help_text="party id; default: yourself")
    data = serializers.DictField(required=False, default=dict)
    parcels = serializers.ListField(child=TenantRecordField(model=Parcel), required=False, default=list,
                                    max_length=200)
    point = GeometryInputField(allowed=("Point",), required=False, allow_null=True)
    area = GeometryInputField(allowed=("Polygon", "MultiPolygon"), required=False, allow_null=True)


class MyCaseListApi(PersonApiBase):
    """The cases I act for (mine, and of whom I represent), in every municipality; and applying for one."""

    lists_records = True  # GET lists (the OpenAPI operation id says so: api/schema.py)

    def get_serializer_class(self):
        return ApplyInput

    @extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter("limit", int),
                               OpenApiParameter("offset", int)], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        q = request.query_params
        limit = params.number(q, "limit", default=50, low=1, high=params.MAX_LIMIT, integer=True)
        offset = params.number(q, "offset", default=0, low=0, high=10**9, integer=True)
        rows = list(applicant.my_cases(user=request.user, status=q.get("status", "")[:50] or None)
                    [offset : offset + limit + 1])
        return Response({"results": [my_summary(c) for c in rows[:limit]], "numberReturned": len(rows[:limit]),
                         "next": len(rows) > limit})

    @extend_schema(responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        code = request.data.get("municipality") if hasattr(request.data, "get") else None
        municipality = Municipality.objects.filter(code=str(code or "")[:64]).defer("boundary").first()
        if municipality is None:
            raise BadInput(_("No municipality with this code."), param="municipality")
        ser = ApplyInput(data=request.data, context=self.input_context(municipality=municipality))
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        me = Person.objects.filter(user=request.user).first()
        if me is None:
            raise NotPermitted(_("Your sign-in is not linked to a person; you cannot apply for a case."),
                               needed=[APPLICANT])
        applicant_party = me if "applicant" not in data else Party.objects.filter(pk=data["applicant"]).first()
        if applicant_party is None or applicant_party.pk not in acting_parties(request.user):
            raise BadInput(_("You may apply only for yourself or for whom you validly represent."),
                           param="applicant")
        parties = [(applicant_party, "applicant")]
        if applicant_party.pk != me.pk:
            parties.append((me, "representative"))
        case = services.case_create(
            municipality=municipality, case_type=data["case_type"], actor=request.user, data=data["data"],
            parties=parties, parcels=data["parcels"], point=data.get("point"), area=data.get("area"),
        )
        return _answer(case, request.user, status.HTTP_201_CREATED)


class MyCaseDetailApi(PersonApiBase):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        return _answer(applicant.my_case_get(user=request.user, pk=pk), request.user)


class MyCaseTransitionApi(PersonApiBase):
    """The applicant's steps (resubmit, withdraw, ...), with If-Match."""

    class InputSerializer(serializers.Serializer):
        transition = serializers.CharField(max_length=50)

    def get_serializer_class(self):
        return self.InputSerializer

    @extend_schema(parameters=IF_MATCH, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        case = applicant.my_case_get(user=request.user, pk=pk)
        version = expected_version(request, case)
        ser = self.InputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        step = get_case_type(case.case_type).transition(ser.validated_data["transition"])
        if step is not None and APPLICANT not in step.roles:
            raise NotPermitted(_("“%(step)s” is a step for the municipality's staff, not for the applicant.")
                               % {"step": step.label}, needed=list(step.roles))
        case = services.case_transition(case=case, transition=ser.validated_data["transition"], actor=request.user,
                                        expected_version=version)
        return _answer(case, request.user)


class MyCaseObjectionApi(PersonApiBase):
    """Object to a refusing or penalising decision on my case (within its period)."""

    def get_serializer_class(self):
        return ObjectionInput

    @extend_schema(responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        case = applicant.my_case_get(user=request.user, pk=pk)
        ser = ObjectionInput(data=request.data)
        ser.is_valid(raise_exception=True)
        objection = objections.objection_file(case=case, actor=request.user, **ser.validated_data)
        return _answer(objection.case, request.user, status.HTTP_201_CREATED)
