"""Case documents under /api/v1/cases/<id>/: upload (multipart), list with versions, download; the documents
issued on a case. Thin: reads through ``cases.documents.selectors``, writes through the services (which check
who may add documents and what the file is)."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import ApiKey
from api.access import caller_scopes, needs_scope_message
from api.base import ApiBase
from cases import selectors as case_selectors
from cases.documents import selectors, services
from cases.documents.models import CaseDocument, IssuedDocument
from cases.documents.status import status_of

MULTIPART_OVERHEAD = 1024 * 1024  # the form's other fields and boundaries


class UploadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self):
        super().__init__(_("The upload is larger than the limit of %(mb)d MB.")
                         % {"mb": settings.ARDH_DOCUMENT_MAX_BYTES // (1024 * 1024)})


def upload_limit() -> int:
    return settings.ARDH_DOCUMENT_MAX_BYTES + MULTIPART_OVERHEAD


class TakesUploads:
    """A view whose POST carries documents has the documents' own body limit, checked before the body is read
    (``multipart_only``: only a multipart POST does; a JSON one keeps the usual limit)."""

    multipart_only = True

    def _uploading(self, request) -> bool:
        return request.method == "POST" and (
            not self.multipart_only or request.content_type.startswith("multipart/"))

    def body_limit(self, request) -> int:
        return upload_limit() if self._uploading(request) else super().body_limit(request)

    def too_large(self, request) -> Exception:
        return UploadTooLarge() if self._uploading(request) else super().too_large(request)


def document_summary(doc: CaseDocument) -> dict:
    return {
        "id": doc.pk, "code": doc.code, "version": doc.version, "name": doc.original_name,
        "content_type": doc.content_type, "size": doc.size, "sha256": doc.sha256,
        "uploaded_at": doc.uploaded_at,
        "uploaded_by": doc.uploaded_by.get_username() if doc.uploaded_by_id else doc.uploaded_by_label,
        "visible_to_applicant": doc.visible_to_applicant,
        "file": f"/api/v1/cases/{doc.case_id}/documents/{doc.pk}/file",
    }


def issued_summary(doc: IssuedDocument) -> dict:
    return {
        "id": doc.pk, "kind": doc.kind, "serial": doc.serial, "title_ar": doc.title_ar, "title_en": doc.title_en,
        "issued_at": doc.issued_at, "valid_until": doc.valid_until, "approver_name": doc.approver_name,
        "approver_title": doc.approver_title, "size": doc.size, "sha256": doc.sha256,
        "status": status_of(doc, timezone.localdate()), "revoked_at": doc.revoked_at,
        "revoke_reason": doc.revoke_reason,
        "verification_url": f"{settings.ARDH_PUBLIC_URL}/verify/{doc.token}/",
        "file": f"/api/v1/cases/{doc.case_id}/issued/{doc.pk}/file",
    }


class _DocumentsApi(ApiBase):
    required_scopes = {"POST": "read"}  # the services check who may add documents

    def get_case(self, pk):
        return case_selectors.case_get(municipality=self.municipality, pk=pk)


class CaseDocumentListApi(TakesUploads, _DocumentsApi):
    """A case's documents, each code with its versions (newest first); POST a file as the next version."""

    multipart_only = False  # any POST here is a document

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=50)
        file = serializers.FileField(allow_empty_file=True, max_length=1000)
        visible_to_applicant = serializers.BooleanField(default=True)

    def get_serializer_class(self):  # for the OpenAPI schema
        return self.InputSerializer


    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        case = self.get_case(pk)
        groups = selectors.case_documents(case=case)
        return Response({"documents": [
            {"code": g.code, "latest": document_summary(g.latest),
             "versions": [document_summary(d) for d in g.versions]} for g in groups
        ]})

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        if isinstance(request.auth, ApiKey) and "write" not in caller_scopes(request):
            return Response({"detail": needs_scope_message("write"), "code": "forbidden"}, status=403)
        case = self.get_case(pk)
        ser = self.InputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        doc = services.document_upload(case=case, code=data["code"], upload=data["file"], actor=self.actor,
                                       visible_to_applicant=data["visible_to_applicant"])
        return Response(document_summary(doc), status=status.HTTP_201_CREATED)


def file_response(field, *, filename: str, content_type: str, sha256: str) -> FileResponse:
    response = FileResponse(field.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["ETag"] = f'"{sha256}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class CaseDocumentFileApi(_DocumentsApi):
    """The stored file of one version, as it was uploaded."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk, doc_pk):
        doc = selectors.document_get(case=self.get_case(pk), pk=doc_pk)
        return file_response(doc.file, filename=doc.original_name, content_type=doc.content_type, sha256=doc.sha256)


class IssuedListApi(_DocumentsApi):
    """The documents the municipality issued on a case (decisions, certificates), newest first."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        case = self.get_case(pk)
        return Response({"issued": [issued_summary(d) for d in selectors.issued_documents(case=case)]})


class IssuedFileApi(_DocumentsApi):
    """The PDF of an issued document."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk, doc_pk):
        doc = selectors.issued_get(case=self.get_case(pk), pk=doc_pk)
        return file_response(doc.pdf, filename=f"{doc.serial}.pdf", content_type="application/pdf", sha256=doc.sha256)
