"""Request bodies sent chunked (``Transfer-Encoding: chunked``, no ``Content-Length``).

Django reads ``CONTENT_LENGTH`` bytes of ``wsgi.input`` and nothing when it is missing, so a chunked body
(``curl -T -``, Python ``requests`` with a generator, many HTTP libraries streaming a file) was read as
empty: "this field is required" for a body that was there. The server (Granian) hands the body over
de-chunked; this middleware, first in the list, reads it before anything else does, up to the largest body
any endpoint accepts (``DATA_UPLOAD_MAX_MEMORY_SIZE``, an import upload's ``ARDH_IMPORT_MAX_UPLOAD_BYTES``),
into a spooled file (memory, then disk), and gives Django the body with its length. Over the limit -> 413.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import JsonResponse
from django.utils.translation import gettext as _

_CHUNK = 64 * 1024


def _limit() -> int:
    return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0, getattr(settings, "ARDH_IMPORT_MAX_UPLOAD_BYTES", 0))


def is_chunked(meta) -> bool:
    return "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower() and not meta.get("CONTENT_LENGTH")


class ChunkedBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_chunked(request.META):
            refused = self._read_body(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _read_body(self, request):
        limit = _limit()
        source = request.environ["wsgi.input"]
        spool = tempfile.SpooledTemporaryFile(max_size=settings.DATA_UPLOAD_MAX_MEMORY_SIZE or _CHUNK)
        size = 0
        while True:
            piece = source.read(_CHUNK)
            if not piece:
                break
            size += len(piece)
            if size > limit:
                spool.close()
                message = _("The request body is larger than the limit of %(n)d bytes.") % {"n": limit}
                return JsonResponse({"detail": message, "code": "too_large"}, status=413)
            spool.write(piece)
        spool.seek(0)
        request.META["CONTENT_LENGTH"] = str(size)
        request.environ["wsgi.input"] = spool
        request._stream = LimitedStream(spool, size)  # what HttpRequest.read() and .body read from
        return None
