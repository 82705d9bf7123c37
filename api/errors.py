"""How refusals become HTTP answers: a status, a message that says what and where, never a 500.

- malformed input, bad geometry -> 400 (``code`` and, for geometry, ``location``)
- a register rule refused (duplicate number, retired parcel, protected record) -> 422
- topology refused (overlap, sliver, line that does not cut) -> 409 with the conflicts
- a workflow step not possible from the status -> 409 with the allowed steps; a role the step needs -> 403;
  a step's conditions unmet -> 422 with the reasons; the same thing already open -> 409 (``existing``); a
  period ran out -> 422 (``ended``: its last day)
- stale ETag -> 412; missing If-Match -> 428; body over the limit -> 413
- a statement cancelled by the request time limit -> 503, answered by Django's middleware for every view
  (runtime/statement_timeout.py): this handler leaves it to Django like any error it does not know
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from common.errors import (
    ConflictError,
    DuplicateError,
    GuardError,
    NotPermitted,
    RegisterError,
    TooLate,
    TopologyError,
    TransitionError,
)
from geo.validation import GeometryError


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = gettext_lazy("This change needs an If-Match header with the record's ETag (read it first).")
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("The record was changed by someone else since you read it. Reload it.")
    default_code = "precondition_failed"


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self):
        super().__init__(
            _("The request body is larger than the limit of %(n)d bytes.") % {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )


class BadInput(APIException):
    """A query parameter or body member that is not acceptable, naming which."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, message: str, *, param: str, code: str = "invalid"):
        super().__init__({"detail": message, "param": param, "code": code})


class GeometryInputError(Exception):
    """A geometry member of a body refused by its structure (``geo.geojson``): answered as a geometry error
    naming the member (``param``), not folded into the serializer's field errors (which have no code or
    location)."""

    def __init__(self, error: GeometryError, *, field: str):
        super().__init__(str(error))
        self.error = error
        self.field = field


def _message(exc: DjangoValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _geometry_body(exc: GeometryError) -> dict:
    body = {"detail": _message(exc), "code": exc.code}
    if exc.location:
        body["location"] = list(exc.location)
    if getattr(exc, "path", None):
        body["path"] = exc.path
    return body


def handle(exc, context):
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    if isinstance(exc, GeometryInputError):
        return Response(_geometry_body(exc.error) | {"param": exc.field}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, GeometryError):
        return Response(_geometry_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ParseError):  # the body is not JSON, or nested too deeply (common.json_input)
        return Response({"detail": str(exc.detail), "code": exc.get_codes()}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ConflictError):
        return Response(
            {"detail": _message(exc), "code": "conflict", "current_version": exc.current_version},
            status=status.HTTP_412_PRECONDITION_FAILED,
        )
    if isinstance(exc, TopologyError):
        return Response(
            {"detail": _message(exc), "code": "topology", "conflicts": exc.conflicts}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, TransitionError):
        return Response({"detail": _message(exc), "code": "transition", "allowed": exc.allowed},
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, NotPermitted):
        return Response({"detail": _message(exc), "code": "forbidden", "needed": exc.needed},
                        status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DuplicateError):
        return Response({"detail": _message(exc), "code": "duplicate", "existing": exc.existing},
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, TooLate):
        return Response({"detail": _message(exc), "code": "too_late", "ended": exc.ended}, status=422)
    if isinstance(exc, GuardError):
        return Response({"detail": _message(exc), "code": "guard", "reasons": [str(r) for r in exc.reasons]},
                        status=422)
    if isinstance(exc, RegisterError):
        return Response({"detail": _message(exc), "code": exc.code or "refused"}, status=422)
    if isinstance(exc, IntegrityError):
        # The database's own rules (unique numbers and codes, checks) are the last line of defence:
        # a refusal there is the client's conflict, not a server error. The transaction was rolled back.
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""
        return Response(
            {"detail": _("This conflicts with a rule of the register (%(rule)s).") % {"rule": constraint or "?"},
             "code": "constraint", "constraint": constraint},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        codes = {e.code for e in exc.error_list} if not hasattr(exc, "error_dict") else {
            e.code for errors in exc.error_dict.values() for e in errors}
        if codes & {"unique", "unique_together"}:  # model validation of a unique rule: a conflict, as above
            return Response({"detail": _message(exc), "code": "duplicate"}, status=status.HTTP_409_CONFLICT)
        code = getattr(exc, "code", None) or next(iter(codes - {None}), None) or "invalid"
        return Response({"detail": _message(exc), "code": code}, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
