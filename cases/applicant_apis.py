"""The applicant's API, ``/api/v1/my/cases/...``: a signed-in person (an owner, an office's employee) follows and
moves the cases they act for, in every municipality, without a staff membership (``api.base.PersonApiBase``).
They see what is meant for the applicant only (timeline entries, documents, issued documents), take only the
applicant's steps, apply (with documents: ``case_apply``), add documents and object. Thin: ``cases.applicant``
and ``cases.documents.selectors`` read; ``cases.services``, ``cases.documents.services`` and
``cases.objections`` write."""

from __future__ import annotations

import json

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import Municipality, Party, Person
from accounts.selectors import acting_parties
from api import params
from api.base import PersonApiBase, etag, expected_version
from api.errors import BadInput
from api.serializers import GeometryInputField, TenantRecordField
from cases import applicant, objections, selectors, services
from cases.documents import selectors as documents
from cases.documents import services as document_services
from cases.documents.apis import TakesUploads, file_response
from cases.documents.models import CaseDocument, IssuedDocument
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


def _document(doc: CaseDocument) -> dict:
    return {"id": doc.pk, "code": doc.code, "version": doc.version, "name": doc.original_name,
            "content_type": doc.content_type, "size": doc.size, "sha256": doc.sha256, "uploaded_at": doc.uploaded_at,
            "file": f"/api/v1/my/cases/{doc.case_id}/documents/{doc.pk}/file"}


def _issued(doc: IssuedDocument) -> dict:
    return {"id": doc.pk, "kind": doc.kind, "serial": doc.serial, "title_ar": doc.title_ar, "title_en": doc.title_en,
            "issued_at": doc.issued_at, "valid_until": doc.valid_until, "revoked_at": doc.revoked_at,
            "file": f"/api/v1/my/cases/{doc.case_id}/issued/{doc.pk}/file"}


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
        "documents": [{"code": g.code, "latest": _document(g.latest), "versions": [_document(d) for d in g.versions]}
                      for g in documents.case_documents(case=case, for_applicant=True)],
        "issued": [_issued(d) for d in documents.issued_documents(case=case, for_applicant=True)],
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


class MyCaseListApi(TakesUploads, PersonApiBase):
    """The cases I act for (mine, and of whom I represent), in every municipality; and applying for one (JSON, or
    multipart: the application as JSON in ``payload`` and each document under its code)."""

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
        body, files = request.data, None
        if request.content_type.startswith("multipart/"):
            try:
                body = json.loads(request.data.get("payload") or "")
            except ValueError:
                raise BadInput(_("Give the application as JSON in the field “payload”."), param="payload") from None
            if not isinstance(body, dict):
                raise BadInput(_("Give the application as JSON in the field “payload”."), param="payload")
            files = {code[:50]: request.FILES[code] for code in request.FILES}
        code = body.get("municipality") if hasattr(body, "get") else None
        municipality = Municipality.objects.filter(code=str(code or "")[:64]).defer("boundary").first()
        if municipality is None:
            raise BadInput(_("No municipality with this code."), param="municipality")
        ser = ApplyInput(data=body, context=self.input_context(municipality=municipality))
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
        application = {"municipality": municipality, "case_type": data["case_type"], "actor": request.user,
                       "data": data["data"], "parties": parties, "parcels": data["parcels"],
                       "point": data.get("point"), "area": data.get("area")}
        # With files: the type's documents are checked (required ones present) and stored with the case, as
        # POST /api/v1/cases/ does.
        case = (services.case_create(**application) if files is None
                else services.case_apply(**application, files=files))
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


class MyCaseDocumentListApi(TakesUploads, PersonApiBase):
    """Add a document to my case (multipart: ``code``, ``file``): the next version of that code, seen by staff and
    by me."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=50)
        file = serializers.FileField(allow_empty_file=True, max_length=1000)

    def get_serializer_class(self):
        return self.InputSerializer

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        case = applicant.my_case_get(user=request.user, pk=pk)
        ser = self.InputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        doc = document_services.document_upload(case=case, code=ser.validated_data["code"],
                                                upload=ser.validated_data["file"], actor=request.user)
        return Response(_document(doc), status=status.HTTP_201_CREATED)


class MyCaseDocumentFileApi(PersonApiBase):
    """A document of my case that I may see, as it was uploaded."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk, doc_pk):
        case = applicant.my_case_get(user=request.user, pk=pk)
        doc = documents.document_get(case=case, pk=doc_pk, for_applicant=True)
        return file_response(doc.file, filename=doc.original_name, content_type=doc.content_type, sha256=doc.sha256)


class MyCaseIssuedFileApi(PersonApiBase):
    """A document the municipality issued to me on my case (its PDF)."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk, doc_pk):
        case = applicant.my_case_get(user=request.user, pk=pk)
        doc = documents.issued_get(case=case, pk=doc_pk, for_applicant=True)
        return file_response(doc.pdf, filename=f"{doc.serial}.pdf", content_type="application/pdf", sha256=doc.sha256)
