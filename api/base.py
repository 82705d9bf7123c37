"""What every API view shares: the body-size limit, the tenant, ETags, feature collections."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import APIView

from api import params
from api.access import SignedInPerson, caller_actor, caller_municipality
from api.errors import BadInput, PayloadTooLarge, PreconditionFailed, PreconditionRequired
from api.schema import ArdhAutoSchema
from api.serializers import FeatureOutputSerializer
from geo.crs import storage_srid


class ApiBase(APIView):
    schema = ArdhAutoSchema()

    def body_limit(self, request) -> int:
        """The largest body this view reads (a view taking documents has theirs: cases.documents.apis)."""
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def too_large(self, request) -> Exception:
        return PayloadTooLarge()

    def initial(self, request, *args, **kwargs):
        # Refuse big bodies before reading them (Django would only say 400 when .body is touched).
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.body_limit(request):
            raise self.too_large(request)
        self.notes = []  # what was changed in the input on the way in (e.g. Z dropped): "warnings" in the answer
        super().initial(request, *args, **kwargs)

    def input_context(self, **extra) -> dict:
        """Context of an input serializer: the CRS of posted geometry and the list its notes go to."""
        return {"input_srid": self.input_srid(), "notes": self.notes, **extra}

    def finalize_response(self, request, response, *args, **kwargs):
        notes = getattr(self, "notes", None)
        if notes and response.status_code < 400 and isinstance(getattr(response, "data", None), dict):
            response.data["warnings"] = notes
        return super().finalize_response(request, response, *args, **kwargs)

    @property
    def municipality(self):
        return caller_municipality(self.request)

    @property
    def actor(self):
        return caller_actor(self.request)

    def output_srid(self) -> int:
        return params.srid(self.request.query_params)

    def input_srid(self) -> int:
        return params.srid(self.request.query_params, name="input_srid", default=storage_srid())


class PersonApiBase(ApiBase):
    """A view for a signed-in person as themselves (``/api/v1/my/...``): the applicant's side. Staff and keys keep
    ``ApiBase`` (a membership or a key bound to a municipality); here the person needs neither, and ``actor`` is
    always the person."""

    permission_classes = [SignedInPerson]

    @property
    def actor(self):
        return self.request.user


def etag(obj) -> str:
    return f'"{obj.version}"'


def expected_version(request, obj) -> int:
    """The version the client read, from If-Match: 428 without it, 412 if it is stale.

    A write needs a strong match (RFC 9110, 13.1.1): a weak tag (``W/"3"``) never matches, so it is a 412
    that says why; ``*`` matches any current record; a list matches when one of its tags does."""
    header = request.META.get("HTTP_IF_MATCH")
    if not header or not header.strip():
        raise PreconditionRequired()
    if header.strip() == "*":
        return obj.version
    tags = [t.strip() for t in header.split(",")]
    versions = []
    for tag in tags:
        weak = tag.startswith("W/")
        value = tag[2:] if weak else tag
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        elif weak:
            value = ""
        if not _is_version(value):  # bare digits (no quotes) are still taken, as before
            raise BadInput(_('If-Match must be the ETag of the record, e.g. "3".'), param="If-Match")
        if not weak:
            versions.append(int(value))
    if obj.version in versions:
        return obj.version
    if not versions:
        raise PreconditionFailed(_("A weak ETag (W/...) cannot match for a change; send the ETag as it was given."))
    raise PreconditionFailed()


def _is_version(text: str) -> bool:
    return 0 < len(text) <= 12 and text.isascii() and text.isdigit()


def feature_collection(rows, *, layer, request, limit: int, offset: int, srid: int) -> Response:
    """A page of features; one row more than the page was fetched to know whether there is a next page."""
    rows = list(rows)
    has_next = len(rows) > limit
    rows = rows[:limit]
    ser = FeatureOutputSerializer(rows, many=True, context={"layer": layer})
    links = []
    if has_next:
        links.append({"rel": "next", "href": _page_url(request, offset + limit, limit)})
    if offset > 0:
        links.append({"rel": "prev", "href": _page_url(request, max(offset - limit, 0), limit)})
    body = {"type": "FeatureCollection", "features": ser.data, "numberReturned": len(rows), "links": links}
    if srid != 4326:
        body["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
    return Response(body)


def _page_url(request, offset: int, limit: int) -> str:
    q = request.query_params.copy()
    q["offset"] = str(offset)
    q["limit"] = str(limit)
    return request.build_absolute_uri(request.path) + "?" + q.urlencode()
