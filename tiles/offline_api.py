"""The offline package API (issue 4, item 7): request a district's package, follow it, download it.

POST /api/v1/offline-packages/ {"district": "D001", "minzoom": 13, "maxzoom": 17} -> 202 and the package
GET  /api/v1/offline-packages/                   -> the caller's municipality's packages
GET  /api/v1/offline-packages/{id}/              -> status, progress, size, download links
GET  /api/v1/offline-packages/{id}/download/     -> the vector MBTiles (?part=ortho: the orthophoto MBTiles)

The same callers as the rest of the API (API key or session with a membership), scoped to
their municipality: another municipality's district or package is a 404, as if absent.
"""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Scope
from api.access import caller_actor, caller_municipality
from parcels.models import District
from tiles.grid import MAX_ZOOM
from tiles.models import OfflinePackage
from tiles.offline_jobs import PackageRefused, package_request
from tiles.selectors import packages_for


class RequestSerializer(serializers.Serializer):
    district = serializers.CharField(max_length=32, help_text="District code, e.g. D001")
    minzoom = serializers.IntegerField(min_value=0, max_value=MAX_ZOOM, default=12)
    maxzoom = serializers.IntegerField(min_value=0, max_value=MAX_ZOOM, default=17)

    def validate(self, data):
        if data["minzoom"] > data["maxzoom"]:
            raise serializers.ValidationError({"minzoom": _("minzoom must not be greater than maxzoom.")})
        return data


class PackageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    district = serializers.CharField(source="district.code")
    minzoom = serializers.IntegerField()
    maxzoom = serializers.IntegerField()
    status = serializers.CharField()
    tiles_total = serializers.IntegerField()
    tiles_done = serializers.IntegerField()
    size_bytes = serializers.IntegerField(allow_null=True, help_text="Both files together, when ready")
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    links = serializers.SerializerMethodField()

    def get_links(self, package) -> dict:
        request = self.context["request"]
        url = lambda name, *a: request.build_absolute_uri(reverse(name, args=a))  # noqa: E731
        links = {"self": url("api:offline-package", package.pk)}
        if package.status == OfflinePackage.Status.READY:
            links["download"] = url("api:offline-package-download", package.pk)
            if package.ortho_path:
                links["download_ortho"] = links["download"] + "?part=ortho"
        return links


def _package(request, pk: int) -> OfflinePackage:
    found = packages_for(municipality=caller_municipality(request)).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such offline package."))
    return found


def _refused(exc: PackageRefused) -> Response:
    return Response({"detail": str(exc)}, status=exc.status)


class OfflinePackageListApi(APIView):
    required_scopes = {"GET": Scope.READ, "POST": Scope.READ}

    @extend_schema(responses={200: PackageSerializer(many=True)})
    def get(self, request):
        found = packages_for(municipality=caller_municipality(request))[:50]
        return Response(PackageSerializer(found, many=True, context={"request": request}).data)

    @extend_schema(request=RequestSerializer, responses={202: PackageSerializer, 400: OpenApiTypes.OBJECT,
                                                         404: OpenApiTypes.OBJECT, 429: OpenApiTypes.OBJECT})
    def post(self, request):
        s = RequestSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        municipality = caller_municipality(request)
        district = District.objects.filter(municipality=municipality, code=s.validated_data["district"]).first()
        if district is None:
            return Response({"detail": _("No district with that code in your municipality.")}, status=404)
        actor = caller_actor(request)
        try:
            package = package_request(
                municipality=municipality, district=district, minzoom=s.validated_data["minzoom"],
                maxzoom=s.validated_data["maxzoom"], user=actor if not isinstance(actor, str) else None,
                label=str(actor),
            )
        except PackageRefused as exc:
            return _refused(exc)
        data = PackageSerializer(package, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["links"]["self"]})


class OfflinePackageDetailApi(APIView):
    @extend_schema(responses={200: PackageSerializer})
    def get(self, request, pk: int):
        return Response(PackageSerializer(_package(request, pk), context={"request": request}).data)


class OfflinePackageDownloadApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("part", str, enum=["vector", "ortho"], required=False)],
        responses={(200, "application/vnd.mapbox-vector-tile+mbtiles"): OpenApiTypes.BINARY,
                   404: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk: int):
        package = _package(request, pk)
        part = request.query_params.get("part", "vector")
        if part not in ("vector", "ortho"):
            return Response({"detail": _("part must be vector or ortho.")}, status=400)
        if package.status != OfflinePackage.Status.READY:
            return Response({"detail": _("The package is not ready (it is %(s)s).") % {
                "s": package.get_status_display()}}, status=409)
        path = Path(package.ortho_path if part == "ortho" else package.vector_path)
        if not package.ortho_path and part == "ortho":
            return Response({"detail": _("This package has no orthophoto (none was made for the city).")}, status=404)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            return Response({"detail": _("The package file is gone; request it again.")}, status=410)
        response = FileResponse(handle, as_attachment=True, filename=path.name,
                                content_type="application/vnd.sqlite3")
        response["X-Package-Size"] = str(package.size_bytes or 0)
        return response
