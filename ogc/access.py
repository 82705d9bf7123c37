"""The same callers as the REST API (API key or session), the same tenant, the same throttle; reads need the
"read" scope, as the REST API's reads do (``api.access.TenantScope``)."""

from __future__ import annotations

import math
from functools import cached_property
from types import SimpleNamespace

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions

from accounts.models import Scope
from accounts.services import api_key_record_use
from api.access import (
    PerKeyThrottle,
    find_key_grant,
    key_token,
    needs_scope_message,
    person_access,
    throttle_wait,
    unknown_key_message,
)


class Refused(Exception):
    def __init__(self, response: JsonResponse):
        self.response = response


class Caller:
    """Who is asking, as the OGC views need it: the municipality they are bound to. Its id is known at once; the
    row is loaded when a view uses it (a page of items needs only the id)."""

    def __init__(self, municipality_id: int, municipality=None):
        self.municipality_id = municipality_id
        if municipality is not None:
            self.__dict__["municipality"] = municipality

    @cached_property
    def municipality(self):
        from accounts.models import Municipality

        return Municipality.objects.get(pk=self.municipality_id)


def caller(request) -> Caller:
    """The caller, or Refused with 401/403/429."""
    try:
        token = key_token(request)
    except exceptions.AuthenticationFailed as exc:
        raise Refused(_problem(401, str(exc.detail))) from None
    if token is not None:
        return _key_caller(*token)
    if not request.user.is_authenticated:
        response = _problem(401, _("Sign in, or send an API key (Authorization: Api-Key ...)."))
        response["WWW-Authenticate"] = 'Api-Key realm="ardh"'
        raise Refused(response)
    membership = person_access(request)
    if membership is None:
        raise Refused(_problem(403, _("Your account is not bound to a municipality.")))
    _check_scope(membership.scopes)
    throttle = PerKeyThrottle()
    if not throttle.allow_request(SimpleNamespace(auth=None, user=request.user, META=request.META), None):
        raise Refused(_too_many(throttle.wait()))
    return Caller(membership.municipality_id, membership.municipality)


def _key_caller(prefix: str, secret: str) -> Caller:
    """An API key: one statement finds it and counts the request (``api.access.find_key_grant``)."""
    grant = find_key_grant(prefix, secret, window=PerKeyThrottle.window())
    if grant is None:
        raise Refused(_problem(401, unknown_key_message()))
    if grant.use_due:
        api_key_record_use(key_id=grant.key_id, at=timezone.now())
    _check_scope(grant.scopes)
    wait = throttle_wait(grant.hits, limit=grant.rate_per_minute)
    if wait is not None:
        raise Refused(_too_many(wait))
    return Caller(grant.municipality_id)


def _check_scope(scopes) -> None:
    if Scope.READ not in scopes:
        raise Refused(_problem(403, needs_scope_message(Scope.READ.value)))


def _too_many(wait: float | None) -> JsonResponse:
    response = _problem(429, _("Too many requests; slow down."))
    response["Retry-After"] = str(max(1, math.ceil(wait or 1)))  # whole seconds, never "0"
    return response


def _problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"code": str(status), "description": detail}, status=status)


def bad_request(detail: str) -> JsonResponse:
    return _problem(400, detail)


def not_found(detail: str) -> JsonResponse:
    return _problem(404, detail)
