"""Request bodies read with a time limit, before the application sees them (issue 15, item 2).

Granian hands a request to an application thread as soon as its headers are in; the body is read from that
thread (``wsgi.input``), as fast as the client sends it. A client that declares a body and sends it a byte a
second held a thread for as long as it liked, and a handful of them held every thread of the server: the
health check and every other request waited. Granian has a time limit for headers, none for bodies.

:class:`BodyDeadline` (the outermost WSGI layer, ``config/wsgi.py``) reads a declared body in full before the
application runs, within ``ARDH_REQUEST_BODY_TIMEOUT_S`` (default 30 s) plus the time the body takes at
``ARDH_REQUEST_BODY_MIN_BYTES_PER_S`` (default 50,000 bytes/s: a 512 MB import upload gets about three hours).
A body not complete by then is answered **408** (a translated reason, ``code: "timeout"``) and the thread is
free again. The body is kept in memory up to ``DATA_UPLOAD_MAX_MEMORY_SIZE``, in a temporary file beyond.

Granian's ``wsgi.input.read(n)`` returns only when ``n`` bytes are in (or the body ended), and cannot be
interrupted from another thread (a second thread reading the body stalls Granian's worker; tried). So the
body is read in pieces sized from the rate seen so far, each meant to take about a quarter of a second: a
trickling client meets the time limit within a piece's time of it. What this cannot bound is a client that
stops sending altogether in the middle of a read: nothing returns from that read until it sends again or
disconnects. Production therefore has nginx in front (``deploy/nginx.conf``), which buffers every request
body before passing the request on (``client_body_timeout`` between two reads of the client), so that a slow
or silent client costs nginx a connection and never reaches an application thread (docs/operations.md).
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


class BodyTimeout(Exception):
    pass


def read_body(stream, length: int, *, deadline: float, spool_over: int, clock=time.monotonic):
    """The first ``length`` bytes of ``stream`` in a file object positioned at its start, read before
    ``deadline`` (``clock``'s time); BodyTimeout when they were not all in by then, or the stream ended first."""
    body = io.BytesIO() if length <= spool_over else tempfile.SpooledTemporaryFile(max_size=spool_over)
    received, piece, started = 0, 1, clock()
    while received < length:
        if clock() >= deadline:
            raise BodyTimeout
        data = stream.read(min(piece, length - received))
        if not data:
            raise BodyTimeout  # the client went away (or the server ended the body) before sending it all
        body.write(data)
        received += len(data)
        # The rate so far, over at least a piece's time: a burst does not make the next read a long one. A body
        # already in comes in pieces doubling in size; a byte a second, a byte at a time.
        rate = received / max(clock() - started, PIECE_SECONDS)
        piece = max(1, min(MAX_PIECE, int(rate * PIECE_SECONDS)))
    body.seek(0)
    return body


class BodyDeadline:
    """WSGI middleware: the application gets a request only once its declared body is in, or a 408."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        length = declared_length(environ)
        if length == 0 or length > max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.ARDH_IMPORT_MAX_UPLOAD_BYTES):
            # Nothing to read, or more than any view accepts: those refuse it by its header (413), unread.
            return self.app(environ, start_response)
        allowed = settings.ARDH_REQUEST_BODY_TIMEOUT_S + length / settings.ARDH_REQUEST_BODY_MIN_BYTES_PER_S
        try:
            environ["wsgi.input"] = read_body(environ["wsgi.input"], length, deadline=time.monotonic() + allowed,
                                              spool_over=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        except BodyTimeout:
            return self.timed_out(environ, start_response, allowed)
        return self.app(environ, start_response)

    @staticmethod
    def timed_out(environ, start_response, allowed: float):
        from config.lean import emit

        logger.warning("Request Timeout: the body of %s %s did not arrive within %.0f s",
                       environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), allowed)
        request = WSGIRequest({**environ, "wsgi.input": io.BytesIO(), "CONTENT_LENGTH": "0"})
        with translation.override(translation.get_language_from_request(request)):
            reason = _("The request body did not arrive within %(seconds)d s.") % {"seconds": round(allowed)}
            response = JsonResponse({"detail": reason, "code": "timeout"}, status=408,
                                    json_dumps_params={"ensure_ascii": False})
            return emit(response, start_response)
