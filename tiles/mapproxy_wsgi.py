"""MapProxy as a server of its own (docker-compose service ``mapproxy``, behind the proxy at /mapproxy/):
``python -m runtime.serve --application tiles.mapproxy_wsgi:application``. The same MapProxy configuration as the
one mounted inside the app (tiles/mapproxy_app.py, for ``make demo``); it fetches our raster tiles from the app
(``ARDH_MAPPROXY_SOURCE_URL``), so WMS/WMTS load is taken off the app's threads and scales on its own.
"""

from __future__ import annotations

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django.setup()

from tiles.mapproxy_app import _bad_path, app  # noqa: E402 (after django.setup)

PREFIX = "/mapproxy"


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == PREFIX or path.startswith(PREFIX + "/"):  # the proxy passes the whole path on
        environ = {**environ, "SCRIPT_NAME": environ.get("SCRIPT_NAME", "").rstrip("/") + PREFIX,
                   "PATH_INFO": path[len(PREFIX):] or "/"}
    reason = _bad_path(environ.get("PATH_INFO", "").lstrip("/"))
    if reason:
        body = json.dumps({"detail": reason}).encode()
        start_response("400 Bad Request", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    return app()(environ, start_response)
