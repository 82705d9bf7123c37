"""The import API: upload -> background dry run -> report -> commit on confirmation."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKB
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiKey, Municipality, Scope
from api.access import caller_actor, caller_municipality, caller_scopes
from api.base import ApiBase
from api.errors import BadInput
from common.json_input import JSONInputError, loads
from geo.apis import BufferInput, target_geometry
from geo.crs import KNOWN_CRS
from imports.errors import ImportRefused
from imports.export import write_rows
from imports.jobs import job_create, job_request_commit
from imports.mapping import TARGETS
from imports.readers import FORMATS
from imports.selectors import jobs_for
from imports.targets import TARGETS as IMPORT_TARGETS
from parcels.map_selectors import analysis_parcels


def _unbound_superuser(request) -> bool:
    return not isinstance(request.auth, ApiKey) and request.user.is_superuser and caller_municipality(request) is None


class CanImport(permissions.BasePermission):
    """Importing is writing parcels: an API key or a member bound to a municipality with the "write"
    scope (a person also needs the add-parcel permission), confined to that municipality; an unbound
    superuser may import anywhere. Other municipalities' jobs do not exist for the caller (404)."""

    message = _("Importing needs an account or key bound to a municipality with the “write” scope.")

    def has_permission(self, request, view):
        if request.auth is None and not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        if isinstance(request.auth, ApiKey):
            return Scope.WRITE in request.auth.scopes
        if _unbound_superuser(request):
            return True
        return (request.user.has_perm("parcels.add_parcel") and caller_municipality(request) is not None
                and Scope.WRITE in caller_scopes(request))


def caller_jobs(request):
    """The jobs the caller may see: those of its municipality (all of them for an unbound superuser)."""
    return jobs_for(municipality=None if _unbound_superuser(request) else caller_municipality(request))


def target_municipality(request, code: str | None) -> Municipality:
    """The municipality an upload goes to: the caller's own (``code`` may name it or be left out).
    Any other code is "not found", whether or not it exists elsewhere."""
    own = caller_municipality(request)
    if _unbound_superuser(request):
        if not code:
            raise exceptions.ValidationError({"municipality": [_("This field is required.")]})
        found = Municipality.objects.filter(code=code).first()
    else:
        found = own if not code or code == own.code else None
    if found is None:
        raise Http404(_("No municipality %(code)s.") % {"code": code})
    return found


@extend_schema_field(OpenApiTypes.OBJECT)  # a JSON object (or its text, in a form field)
class JSONDict(serializers.Field):
    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = loads(data or "{}")
            except JSONInputError:
                raise serializers.ValidationError(_("Must be a JSON object.")) from None
        if not isinstance(data, dict) or set(data) - set(TARGETS):
            raise serializers.ValidationError(_("Must be an object keyed by: %(t)s.") % {"t": ", ".join(TARGETS)})
        return {str(k): str(v) for k, v in data.items()}


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    municipality = serializers.CharField(required=False, max_length=32)  # default: the caller's
    layer = serializers.CharField(required=False, max_length=200)
    srid = serializers.ChoiceField(choices=sorted(KNOWN_CRS), required=False)
    swap_axes = serializers.BooleanField(required=False, default=False)
    encoding = serializers.ChoiceField(choices=["UTF-8", "CP1256", "ISO-8859-1"], required=False)
    source = serializers.SlugField(required=False, allow_unicode=True, max_length=64)
    fields = JSONDict(required=False, default=dict)
    defaults = JSONDict(required=False, default=dict)
    repair = serializers.BooleanField(required=False, default=False)
    retire_missing = serializers.BooleanField(required=False, default=True)
    target = serializers.ChoiceField(choices=sorted(IMPORT_TARGETS), required=False, default="parcels")

    def validate_file(self, f):
        name = (f.name or "").lower()
        if not any(name.endswith(ext) for ext in [*FORMATS, ".zip"]):
            raise serializers.ValidationError(_("Send a .zip (Shapefile), .gpkg, .geojson, .dxf or .csv file."))
        return f


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    original_name = serializers.CharField()
    municipality = serializers.CharField(source="municipality.code")
    created_at = serializers.DateTimeField()
    options = serializers.JSONField()
    report = serializers.JSONField()
    error_code = serializers.CharField()
    error = serializers.CharField()
    error_details = serializers.JSONField()


def _too_big(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.ARDH_IMPORT_MAX_UPLOAD_BYTES


class ImportListView(APIView):
    permission_classes = [CanImport]

    @extend_schema(operation_id="v1_imports_list", responses=JobSerializer(many=True))
    def get(self, request):
        return Response(JobSerializer(caller_jobs(request)[:50], many=True).data)

    @extend_schema(operation_id="v1_imports_create", request={"multipart/form-data": UploadSerializer},
                   responses={202: JobSerializer})
    def post(self, request):
        # Refuse before reading the body: the size is known from the header.
        if _too_big(request):
            return Response(
                {"detail": _("The upload is larger than %(mb)d MB.")
                 % {"mb": settings.ARDH_IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)}},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        s = UploadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        upload = data.pop("file")
        muni = target_municipality(request, data.pop("municipality", None))
        if upload.size > settings.ARDH_IMPORT_MAX_UPLOAD_BYTES:
            return Response({"detail": _("The upload is too large.")}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        job = job_create(municipality=muni, actor=caller_actor(request), upload=upload, options=data)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportDetailView(APIView):
    permission_classes = [CanImport]

    @extend_schema(operation_id="v1_imports_retrieve", responses=JobSerializer)
    def get(self, request, pk: int):
        return Response(JobSerializer(get_object_or_404(caller_jobs(request), pk=pk)).data)


class ImportCommitView(APIView):
    permission_classes = [CanImport]

    @extend_schema(operation_id="v1_imports_commit", request=None, responses={202: JobSerializer})
    def post(self, request, pk: int):
        job = get_object_or_404(caller_jobs(request), pk=pk)
        try:
            job = job_request_commit(job=job)
        except ImportRefused as exc:
            return Response({"detail": exc.messages[0], "code": exc.code}, status=status.HTTP_409_CONFLICT)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


# --- The parcels of a buffer analysis as a file (the planners' map): written by this app's exporter.

EXPORT_FORMATS = {"gpkg": ("application/geopackage+sqlite3", ".gpkg"), "csv": ("text/csv", ".csv")}
EXPORT_COLUMNS = ("number", "plan__number", "land_use", "status", "area_m2", "deed_number")
EXPORT_MAX_FEATURES = 50_000


class AnalysisExportApi(ApiBase):
    """The parcels inside a geometry (or within ``metres`` of it) with their land use and area, as a file."""

    required_scopes = {"POST": "read"}

    @extend_schema(
        request=BufferInput,
        parameters=[OpenApiParameter("output", str, enum=list(EXPORT_FORMATS), required=True)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def post(self, request):
        fmt = request.query_params.get("output", "")
        if fmt not in EXPORT_FORMATS:
            raise BadInput(_("“output” must be one of: %(f)s.") % {"f": ", ".join(EXPORT_FORMATS)}, param="output")
        ser = BufferInput(data=request.data, context=self.input_context())
        ser.is_valid(raise_exception=True)
        geom = target_geometry(ser.validated_data, self.municipality)
        qs = analysis_parcels(municipality=self.municipality, geometry=geom, metres=ser.validated_data["metres"])
        columns = qs.annotate(_wkb=AsWKB("geom")).values_list("pk", *EXPORT_COLUMNS, "_wkb")
        rows = list(columns[: EXPORT_MAX_FEATURES + 1])
        if len(rows) > EXPORT_MAX_FEATURES:
            message = _("More than %(n)d parcels: draw a smaller area.") % {"n": EXPORT_MAX_FEATURES}
            raise BadInput(message, param="geometry")
        names = ["id", *(c.replace("plan__number", "plan_number") for c in EXPORT_COLUMNS)]
        content_type, suffix = EXPORT_FORMATS[fmt]
        tmp = Path(tempfile.mkdtemp(prefix="ardh-analysis-")) / f"analysis{suffix}"
        write_rows(names=names, rows=rows, srid=4326, fmt=fmt, out=tmp, layer_name="parcels")
        response = FileResponse(open(tmp, "rb"), content_type=content_type, as_attachment=True,
                                filename=f"ardh-analysis{suffix}")
        tmp.unlink()  # the open handle keeps the data until the response is sent
        tmp.parent.rmdir()
        return response
