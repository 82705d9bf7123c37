"""The same callers as the REST API (API key or session), the same tenant, the same throttle."""

from __future__ import annotations

import math
from types import SimpleNamespace

from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions

from api.access import ApiKeyAuthentication, PerKeyThrottle
from api.models import Membership


class Refused(Exception):
    def __init__(self, response: JsonResponse):
        self.response = response


def caller(request) -> SimpleNamespace:
    """The caller's municipality, or Refused with 401/403/429."""
    try:
        result = ApiKeyAuthentication().authenticate(request)
    except exceptions.AuthenticationFailed as exc:
        raise Refused(_problem(401, str(exc.detail))) from None
    if result is not None:
        user, key = result
        who = SimpleNamespace(auth=key, user=user, META=request.META, municipality=key.municipality)
    elif request.user.is_authenticated:
        membership = Membership.objects.select_related("municipality").filter(user=request.user).first()
        if membership is None:
            raise Refused(_problem(403, _("Your account is not bound to a municipality.")))
        who = SimpleNamespace(auth=None, user=request.user, META=request.META, municipality=membership.municipality)
    else:
        response = _problem(401, _("Sign in, or send an API key (Authorization: Api-Key ...)."))
        response["WWW-Authenticate"] = 'Api-Key realm="ardh"'
        raise Refused(response)
    throttle = PerKeyThrottle()
    if not throttle.allow_request(who, None):
        response = _problem(429, _("Too many requests; slow down."))
        response["Retry-After"] = str(max(1, math.ceil(throttle.wait() or 1)))  # whole seconds, never "0"
        raise Refused(response)
    return who


def _problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"code": str(status), "description": detail}, status=status)


def bad_request(detail: str) -> JsonResponse:
    return _problem(400, detail)


def not_found(detail: str) -> JsonResponse:
    return _problem(404, detail)
