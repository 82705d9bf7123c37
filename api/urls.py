"""/api/v1/: every app's own API, one way (docs/decisions/011-anatomy-of-an-app.md).

An app that serves an API has ``apis.py`` (thin classes on ``api.base.ApiBase``) and a URL module, and names
that module in its AppConfig: ``api_urls = "myapp.urls"``. Its routes appear here under /api/v1/, in the
order of INSTALLED_APPS; the API toolkit knows no app.
"""

from django.apps import apps
from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include(config.api_urls))
    for config in apps.get_app_configs()
    if getattr(config, "api_urls", None)
]
