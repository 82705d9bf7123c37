"""The inspectors' installable web app (issue 20 §2, docs/inspections.md): a page, its service worker and its
manifest. The page works without a network once the day is downloaded: the service worker keeps the page, its
scripts and the day's map; IndexedDB keeps the day's visits and the results recorded offline until they sync."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from web.inbox.viewer import viewer_of

SHELL_ASSETS = ("web/inspect/app.js", "web/inspect/inspect.css", "web/site.css", "vendor/maplibre-gl/maplibre-gl.js",
                "vendor/maplibre-gl/maplibre-gl.css", "vendor/rtl-text/mapbox-gl-rtl-text.js")


def shell_urls() -> list[str]:
    return [reverse("inspect:app"), reverse("inspect:manifest"), *[static(a) for a in SHELL_ASSETS]]


HERE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def shell_version() -> str:
    """Changes whenever an asset's address or the app's own code changes: the service worker then takes a new
    shell cache (and drops the old one)."""
    digest = hashlib.sha256(json.dumps(shell_urls()).encode())
    for path in [*sorted((HERE / "static" / "web" / "inspect").iterdir()), HERE / "templates" / "inspect" / "sw.js"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@method_decorator(ensure_csrf_cookie, name="dispatch")
class InspectAppView(LoginRequiredMixin, View):
    login_url = reverse_lazy("web:login")

    def get(self, request):
        viewer = viewer_of(request)
        if viewer.access is None or not viewer.access.can("inspections.perform"):
            return render(request, "web/inbox/no_access.html", status=403)
        return render(request, "inspect/app.html", {
            "viewer": viewer, "supervises": viewer.access.can("inspections.supervise"),
            "strings": {
                "downloaded": _("%(n)s visits ready offline (map: %(t)s tiles)"),
                "saved": _("Saved on this device: waiting to sync"),
                "pending": _("%(n)s results waiting to sync"),
                "offline": _("Offline"), "online": _("Online"),
                "applied": _("Synced"), "conflict": _("Held: the office will decide"),
                "refused": _("Refused (kept for the supervisor)"), "invalid": _("Not accepted"),
                "fine": _("Fine SAR %(a)s, SADAD account %(n)s"),
                "answer_all": _("Answer every question before saving."),
                "signin": _("Your session ended: sign in again, then sync (nothing is lost)."),
                "no_day": _("Download the day while you have a network."),
                "expired": _("expired"), "yes": _("yes"), "no": _("no"),
                "sync_failed": _("The server cannot be reached: the results stay on this device."),
                "nothing": _("No visits due today."),
                "hours": _("Open"), "order": _("Stop"), "save": _("Save the visit"),
            }})


@require_GET
def service_worker(request):
    body = render(request, "inspect/sw.js", {"version": shell_version(), "shell": json.dumps(shell_urls()),
                                             "app": reverse("inspect:app")}).content
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("inspect:app")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    return JsonResponse({
        "name": _("Ardh inspections"), "short_name": _("Inspections"), "start_url": reverse("inspect:app"),
        "scope": reverse("inspect:app"), "display": "standalone", "dir": "rtl", "lang": "ar",
        "background_color": "#ffffff", "theme_color": "#0b6e4f",
        "icons": [{"src": static("web/inspect/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }, content_type="application/manifest+json")
