"""``/open311/v2/``: Open311 GeoReport v2 (complaints/open311.py)."""

from django.urls import re_path

from complaints import open311

FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="open311-discovery"),
    re_path(r"^services" + FMT, open311.services, name="open311-services"),
    re_path(r"^services/(?P<code>[A-Za-z0-9_-]{1,40})" + FMT, open311.service_definition, name="open311-service"),
    re_path(r"^requests" + FMT, open311.requests, name="open311-requests"),
    re_path(r"^requests/(?P<number>[A-Za-z0-9-]{1,40})" + FMT, open311.one_request, name="open311-request"),
    re_path(r"^tokens/(?P<token_id>[A-Za-z0-9_-]{1,40})" + FMT, open311.token, name="open311-token"),
]
