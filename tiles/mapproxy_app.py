"""MapProxy mounted inside Django at /mapproxy/: the request is handed to MapProxy's WSGI app.

One MapProxy app per process, built on first use from the generated configuration
(tiles/mapproxy_conf.py); ``reset()`` rebuilds it (tests, or after ingesting a new
orthophoto).
"""

from __future__ import annotations

import io
import threading

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tiles.mapproxy_conf import write_config

_lock = threading.Lock()
_apps: dict[str, object] = {}


def app():
    source_url = settings.ARDH_MAPPROXY_SOURCE_URL
    with _lock:
        if source_url not in _apps:
            from mapproxy.wsgiapp import make_wsgi_app

            _apps[source_url] = make_wsgi_app(str(write_config(source_url=source_url)))
        return _apps[source_url]


def reset() -> None:
    with _lock:
        _apps.clear()


def _bad_path(path: str) -> str | None:
    if any(ch in path for ch in "\\\x00"):
        return _("The path contains a backslash or NUL character.")
    if any(segment in {".", ".."} for segment in path.split("/")):
        return _("The path may not contain '.' or '..' segments.")
    return None


@csrf_exempt
def mapproxy(request, path: str = ""):
    reason = _bad_path(path)
    if reason:
        return JsonResponse({"detail": reason}, status=400)
    environ = {k: v for k, v in request.META.items() if isinstance(v, str) or k.startswith("wsgi.")}
    environ["SCRIPT_NAME"] = request.META.get("SCRIPT_NAME", "").rstrip("/") + "/mapproxy"
    environ["PATH_INFO"] = "/" + path
    environ["wsgi.input"] = io.BytesIO(request.body if request.method == "POST" else b"")
    status_headers: list = []

    def start_response(status, headers, exc_info=None):
        status_headers[:] = [status, headers]

    body = b"".join(app()(environ, start_response))
    status, headers = status_headers
    code = int(status.split(" ", 1)[0])
    if code == 500 and body.startswith(b"internal error: invalid request"):
        code = 400  # MapProxy reports requests it cannot parse as 500; they are the client's mistake
    response = HttpResponse(body, status=code)
    for name, value in headers:
        if name.lower() not in {"content-length", "connection"}:
            response[name] = value
    return response
