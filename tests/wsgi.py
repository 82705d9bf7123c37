"""Calling a WSGI application directly, as a server would (no test client in between)."""

from __future__ import annotations

import io
import sys


def call_wsgi(app, path: str, query: str = "", headers: dict | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of a GET of ``path`` from ``app``; the iterable is closed as a server closes it."""
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "testserver",
        "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr, "HTTP_ACCEPT_LANGUAGE": "en", **(headers or {}),
    }
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(response_headers)

    result = app(environ, start_response)
    body = b"".join(result)
    if hasattr(result, "close"):  # a WSGI iterable may have close()
        result.close()
    return seen["status"], seen["headers"], body


def counting_dispatcher():
    """The WSGI application as served (``runtime.lean.Dispatcher``) over a lean handler that counts the requests
    it answers (``app.lean.calls``): what it did not answer, a shortest path did."""
    from django.core.wsgi import get_wsgi_application

    from runtime.lean import Dispatcher, LeanHandler

    class Counting(LeanHandler):
        calls = 0

        def __call__(self, environ, start_response):
            self.calls += 1
            return super().__call__(environ, start_response)

    return Dispatcher(get_wsgi_application(), Counting())
