"""Who may read which tiles: the registry's ``permission`` made real.

- Public layers (the base map) with their public fields: anyone, cacheable by anyone.
- A tenant layer, or restricted fields of any layer (``?fields=deed_number``): only a caller
  bound to a municipality with the "read" scope, i.e. a signed-in person with a membership
  (the session cookie of the same-origin web map) or an API key. The tile then holds only
  that municipality's rows, so asking for a tile over another municipality gives an empty
  tile, exactly as a tile over empty desert does: nothing about other tenants leaks.

Answers: 401 without credentials (or with a bad key), 403 for a caller without a
municipality or without the "read" scope, 404 only for layers that do not exist (the same
for every caller). Layer names are not secret (the registry is the published index).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from rest_framework import exceptions

from accounts.models import ApiKey, Scope
from api.access import ApiKeyAuthentication, needs_scope_message, person_access


class TileRefused(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class TileCaller:
    municipality_id: int
    label: str


def tile_caller(request) -> TileCaller:
    """The municipality a private tile is cut for; TileRefused (401/403) when there is none."""
    try:
        found = ApiKeyAuthentication(counts=False).authenticate(request)  # tiles are not throttled
    except exceptions.AuthenticationFailed as exc:
        raise TileRefused(401, str(exc.detail)) from None
    if found is not None:
        key: ApiKey = found[1]
        scopes, municipality_id, label = set(key.scopes), key.municipality_id, f"key {key.prefix}"
    else:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            reason = _("This layer needs a signed-in session or an API key (Authorization: Api-Key ...).")
            raise TileRefused(401, reason)
        membership = person_access(request, with_municipality=False)
        if membership is None:
            raise TileRefused(403, _("Your account is not bound to a municipality."))
        scopes, municipality_id, label = set(membership.scopes), membership.municipality_id, f"user {user.pk}"
    if Scope.READ not in scopes:
        raise TileRefused(403, needs_scope_message(Scope.READ.value))
    return TileCaller(municipality_id=municipality_id, label=label)
