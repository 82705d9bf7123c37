"""Request bodies, read in full before the application sees them: within a time limit, chunked ones too.

**Slow clients** (issue 15, item 2). Granian hands a request to an application thread as soon as its headers
are in; the body is read from that thread (``wsgi.input``), as fast as the client sends it. A client that
declares a body and sends it a byte a second held a thread for as long as it liked, and a handful of them held
every thread of the server. :class:`BodyDeadline`, the outermost WSGI layer (``config/wsgi.py``), reads the
body first, within ``ARDH_REQUEST_BODY_TIMEOUT_S`` (default 30 s) plus the time the body takes at
``ARDH_REQUEST_BODY_MIN_BYTES_PER_S`` (default 50,000 bytes/s: a 512 MB import upload gets about three
hours). A body not in by then is answered **408** (a translated reason, ``code: "timeout"``) and the thread is
free again. The body is kept in memory up to ``DATA_UPLOAD_MAX_MEMORY_SIZE``, in a temporary file beyond.

Granian's ``wsgi.input.read(n)`` returns only when ``n`` bytes are in (or the body ended), and cannot be
interrupted from another thread (a second thread reading the body stalls Granian's worker; tried). So a
read never asks for more bytes than a client sending a byte a second delivers before the time limit, and
pieces double while the bytes are already there (a fast client) and shrink to a quarter second's worth once a
read has had to wait: a trickling client meets the time limit within about a second of it. What this cannot
bound is a client that stops sending altogether in the middle of a read; production therefore has nginx in front
(``deploy/nginx.conf.template``), which buffers every request body before passing the request on
(docs/operations.md).

**Chunked bodies** (``Transfer-Encoding: chunked``, no ``Content-Length``: ``curl -T -``, ``requests`` with a
generator). Django reads ``CONTENT_LENGTH`` bytes and nothing when it is missing, so such a body was taken for
an empty one ("this field is required"). The server hands the body over de-chunked; it is read here the same
way, under the same time limit (measured on the bytes received so far), up to the largest body any endpoint
accepts (``DATA_UPLOAD_MAX_MEMORY_SIZE``, an import upload's ``ARDH_IMPORT_MAX_UPLOAD_BYTES``): beyond it,
**413**. The application then sees an ordinary body with its length.
"""

from __future__ import annotations

import io
import logging
import tempfile
import time

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

PIECE_SECONDS = 0.25  # each read is sized to take about this long at the rate seen so far
MAX_PIECE = 1 << 20


def declared_length(environ) -> int:
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def is_chunked(environ) -> bool:
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower() and not environ.get("CONTENT_LENGTH")


def largest_body() -> int:
    """The largest body any view accepts (an import upload)."""
    return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0, getattr(settings, "ARDH_IMPORT_MAX_UPLOAD_BYTES", 0))


def allowed_seconds(size: int) -> float:
    """How long a body of ``size`` bytes may take to arrive."""
    return settings.ARDH_REQUEST_BODY_TIMEOUT_S + size / settings.ARDH_REQUEST_BODY_MIN_BYTES_PER_S


class BodyTimeout(Exception):
    pass


class BodyTooLarge(Exception):
    pass


def read_body(stream, length: int | None, *, spool_over: int, limit: int | None = None, clock=time.monotonic):
    """(a file object positioned at the start of the body, its size): the first ``length`` bytes of ``stream``,
    or, with ``length`` None (chunked), everything up to its end, at most ``limit`` bytes (BodyTooLarge beyond).
    BodyTimeout when the bytes did not come in within ``allowed_seconds`` of what was expected (the declared
    length, or what has come so far), or the stream ended before the declared length."""
    known = length is not None
    body = io.BytesIO() if known and length <= spool_over else tempfile.SpooledTemporaryFile(max_size=spool_over)
    received, piece, started = 0, 1, clock()
    while not known or received < length:
        remaining = allowed_seconds(length if known else received) - (clock() - started)
        if remaining <= 0:
            raise BodyTimeout
        # Never ask for more than a client sending a byte a second delivers before the time limit: a read cannot
        # be interrupted, so this is what keeps a trickling client's read from outlasting the limit.
        want = min(piece, max(1, int(remaining)))
        if known:
            want = min(want, length - received)
        asked = clock()
        data = stream.read(want)
        took = clock() - asked
        if not data:
            if known:
                raise BodyTimeout  # the client went away (or the server ended the body) before sending it all
            break  # a chunked body's end
        received += len(data)
        if limit is not None and received > limit:
            raise BodyTooLarge
        body.write(data)
        # A read that came at once (the bytes were there: a fast client, or what a slow one sent while the request
        # waited for a thread) doubles the next one; a read that had to wait sizes the next from its own rate, so
        # a client sending a byte a second is read a byte at a time from its first wait on. (A rate measured over
        # the whole body counted bytes that had waited in the server's buffer, and the next read then asked for
        # more bytes than a trickling client sends in a minute.)
        if took < PIECE_SECONDS:
            piece = min(MAX_PIECE, piece * 2)
        else:
            piece = max(1, min(MAX_PIECE, int(len(data) / took * PIECE_SECONDS)))
    body.seek(0)
    return body, received


class BodyDeadline:
    """WSGI middleware: the application gets a request only once its body is in (408 when it is too slow, 413
    for a chunked body larger than any view accepts)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        spool = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or MAX_PIECE
        started = time.monotonic()
        if is_chunked(environ):
            try:
                environ["wsgi.input"], size = read_body(environ["wsgi.input"], None, spool_over=spool,
                                                        limit=largest_body())
            except BodyTimeout:
                return self.refused(environ, start_response, 408, self._late(time.monotonic() - started))
            except BodyTooLarge:
                message = _("The request body is larger than the limit of %(n)d bytes.") % {"n": largest_body()}
                return self.refused(environ, start_response, 413, (message, "too_large"))
            environ["CONTENT_LENGTH"] = str(size)
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            return self.app(environ, start_response)
        length = declared_length(environ)
        if length == 0 or length > largest_body():
            # Nothing to read, or more than any view accepts: those refuse it by its header (413), unread.
            return self.app(environ, start_response)
        try:
            environ["wsgi.input"], _size = read_body(environ["wsgi.input"], length, spool_over=spool)
        except BodyTimeout:
            return self.refused(environ, start_response, 408, self._late(allowed_seconds(length)))
        return self.app(environ, start_response)

    @staticmethod
    def _late(seconds: float):
        return lambda: (_("The request body did not arrive within %(seconds)d s.") % {"seconds": round(seconds)},
                        "timeout")

    @staticmethod
    def refused(environ, start_response, status: int, reason):
        """``reason``: (message, code), or a callable giving them (translated in the client's language)."""
        from runtime.lean import emit

        logger.warning("Request body refused (%d): %s %s", status, environ.get("REQUEST_METHOD"),
                       environ.get("PATH_INFO"))
        request = WSGIRequest({**environ, "wsgi.input": io.BytesIO(), "CONTENT_LENGTH": "0"})
        with translation.override(translation.get_language_from_request(request)):
            message, code = reason() if callable(reason) else reason
            response = JsonResponse({"detail": str(message), "code": code}, status=status,
                                    json_dumps_params={"ensure_ascii": False})
            return emit(response, start_response)
