"""Survey decisions under /api/v1/: the comparison of a case's surveys with the register (staff and the
applicant), a new survey version (the applicant, multipart), a reviewer's acceptance of a deviation.
Applying is the backbone's: ``POST /api/v1/my/cases/`` or ``POST /api/v1/cases/`` (multipart, case_type
``survey_decision``, the survey as the document ``survey``), which calls this process's ``apply``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.base import ApiBase, PersonApiBase
from api.errors import BadInput
from cases import selectors as case_selectors
from cases.applicant import my_case_get
from cases.documents.apis import TakesUploads
from cases.models import Case
from surveys import services
from surveys.selectors import surveys_of


def comparison(case: Case) -> dict:
    if case.case_type != services.CODE:
        raise BadInput(_("Case %(n)s is not a survey decision.") % {"n": case.number}, param="case")
    surveys = list(surveys_of(case=case).select_related("parcel"))
    latest = surveys[0] if surveys else None
    overlays = services.panel_context(case, None)["overlays"] if latest else None
    return {
        "case": case.number, "status": case.status,
        "surveys": [{
            "number": s.number, "parcel": s.parcel.number, "source_srid": s.source_srid, "corners": s.corners,
            "comparison": s.comparison, "within_tolerance": s.within_tolerance, "fee": s.fee, "notes": s.notes,
            "deviation_reason": s.deviation_reason, "created_at": s.created_at,
        } for s in surveys],
        "outlines": overlays,
    }


class SurveyComparisonApi(ApiBase):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        return Response(comparison(case_selectors.case_get(municipality=self.municipality, pk=pk)))


class SurveyAcceptDeviationApi(ApiBase):
    required_scopes = {"POST": "read"}  # the service asks for the survey reviewer's role

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000)

    def get_serializer_class(self):
        return self.InputSerializer

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        case = case_selectors.case_get(municipality=self.municipality, pk=pk)
        ser = self.InputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.survey_accept_deviation(case=case, actor=self.actor, reason=ser.validated_data["reason"])
        return Response(comparison(case))


class MySurveyComparisonApi(PersonApiBase):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        return Response(comparison(my_case_get(user=request.user, pk=pk)))


class MySurveyVersionApi(TakesUploads, PersonApiBase):
    """A new survey for a returned case: ``file`` (CSV, GeoJSON or DXF) and optionally ``survey_crs`` (EPSG)."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        survey_crs = serializers.IntegerField(required=False, min_value=1, max_value=999999)

    def get_serializer_class(self):
        return self.InputSerializer


    @extend_schema(responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        case = my_case_get(user=request.user, pk=pk)
        ser = self.InputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.survey_add_version(case=case, actor=request.user, upload=ser.validated_data["file"],
                                    srid=ser.validated_data.get("survey_crs"))
        return Response(comparison(case), status=status.HTTP_201_CREATED)
