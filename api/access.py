"""Authentication, tenant and scope checks, throttling: who is asking, for which municipality.

- ``ApiKeyAuthentication``: ``Authorization: Api-Key ardh_<prefix>.<secret>`` (or ``Bearer``), or for reads
  HTTP Basic with the key as the password (desktop GIS such as QGIS 3.22 can send nothing else to an OGC API).
  ``request.auth`` is the ``ApiKey``; ``request.user`` stays anonymous (a key is not a person).
- People use the session (``SessionAuthentication``) and their membership (``accounts.selectors.staff_access``):
  their roles' permissions amount to the same scopes a key holds.
- ``caller_municipality`` is the tenant every selector is scoped by.
"""

from __future__ import annotations

import base64
import binascii
import random
import time
from functools import lru_cache
from typing import NamedTuple

from django.db import connection
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, throttling
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.models import ApiKey, Scope
from accounts.selectors import StaffAccess, staff_access
from accounts.services import KEY_USE_RECORDED_EVERY_S, TOKEN_PREFIX, api_key_touch, hash_secret
from runtime.db import prepared_cursor

# Authorization: <scheme> ardh_<prefix>.<secret>, any case; or Basic base64(<anything>:ardh_<prefix>.<secret>), for
# reads only (READ_ONLY_SCHEMES): QGIS 3.22 offers only Basic, EsriToken and PKI logins for an OGC API source. A
# key in the query string was not an option: it would be written to access logs and copied into "next" links.
KEY_SCHEMES = ("api-key", "bearer", "basic")
READ_ONLY_SCHEMES = ("basic",)
READ_METHODS = ("GET", "HEAD", "OPTIONS")
_KEYWORDS = tuple(scheme.encode() for scheme in KEY_SCHEMES)
_READ_ONLY = tuple(scheme.encode() for scheme in READ_ONLY_SCHEMES)


@lru_cache(maxsize=4)
def _key_query(counting: bool, grant: bool = False) -> tuple[str, list[str], list[str]]:
    """SELECT of a key and its municipality (without the boundary), written once from the models' metadata.

    ``counting``: the same statement also counts the request in the key's throttle window and returns this
    window's and the previous window's hits (``PerKeyThrottle``), so an API-key request makes one round trip
    for authentication and throttling together. Only a key whose secret matched is counted.
    ``grant``: only the columns of a ``KeyGrant`` (no model fields, no municipality row).
    """
    from accounts.models import Municipality

    q = connection.ops.quote_name

    def column(name: str) -> str:
        return f"k.{q(ApiKey._meta.get_field(name).column)}"

    if grant:
        key_fields, muni_fields, join = [], [], ""
        last_used = column("last_used_at")
        use_due = f"({last_used} IS NULL OR {last_used} < now() - interval '{KEY_USE_RECORDED_EVERY_S} seconds')"
        # In KeyGrant's order (find_key_grant builds it from the row).
        columns = [column("id"), column("municipality"), column("scopes"), column("rate_per_minute"), use_due]
    else:
        key_fields = [f.attname for f in ApiKey._meta.concrete_fields]
        muni_fields = [f.attname for f in Municipality._meta.concrete_fields if f.name != "boundary"]
        columns = [column(n) for n in key_fields] + [f"m.{q(n)}" for n in muni_fields]
        join = f" JOIN {q(Municipality._meta.db_table)} m ON m.id = k.municipality_id"
    select = f"SELECT {', '.join(columns)}"
    matches = f"k.prefix = %s AND k.is_active AND {column('secret_hash')} = %s"
    where = f" FROM {q(ApiKey._meta.db_table)} k{join} WHERE {matches}"
    if not counting:
        return select + where, key_fields, muni_fields
    # Last three columns: the counter's name, this window's hits (after this request) and the previous window's.
    counter = f", '{PerKeyThrottle.KEY_PREFIX}' || {column('id')} AS throttle_key"
    hit, counts = _throttle_count_sql("k.throttle_key", " FROM k")
    sql = f"WITH k AS ({select}{counter}{where}), {hit} SELECT k.*, {counts} FROM k"  # noqa: S608 (metadata only)
    return sql, key_fields, muni_fields


def find_active_key(prefix: str, secret: str, *, count_in_window: int | None = None) -> ApiKey | None:
    """The active key with this prefix and secret, its municipality attached (the boundary is loaded only
    when used); None when there is no such key or the secret does not match.

    One hand-written statement: compiling the equivalent ORM query cost more than running it, on every
    API request. The secret's SHA-256 is compared in the database: the stored hash of a random 256-bit
    secret, so a comparison's timing tells nothing that helps forge a key. With ``count_in_window`` the
    request is counted in that throttle window by the same statement and ``key.throttle_hits`` is
    ``(window, hits in it, hits in the previous one)``.
    """
    from accounts.models import Municipality

    counting = count_in_window is not None
    sql, key_fields, muni_fields = _key_query(counting)
    params = [prefix, hash_secret(secret)]
    if counting:
        params += [count_in_window, count_in_window - 1]
    with prepared_cursor() as cursor:  # planned once per connection: it runs on every API request
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    n_key, n_muni = len(key_fields), len(muni_fields)
    key = ApiKey.from_db(connection.alias, key_fields, row[:n_key])
    municipality = Municipality.from_db(connection.alias, muni_fields, row[n_key : n_key + n_muni])
    ApiKey._meta.get_field("municipality").set_cached_value(key, municipality)
    if counting:
        key.throttle_hits = (count_in_window, *row[-2:])
    return key


class KeyGrant(NamedTuple):
    """An active API key as its lookup found it, this request counted in its throttle window: all a read of the
    registers needs (OGC API Features), without the key's and its municipality's model instances, whose columns
    and construction cost a third of a millisecond per request (docs/decisions/007)."""

    key_id: int
    municipality_id: int
    scopes: list[str]
    rate_per_minute: int
    use_due: bool  # its use was last recorded over KEY_USE_RECORDED_EVERY_S ago, or never
    hits: tuple[int, int, int]  # (window, hits in it after this request, hits in the previous window)


def find_key_grant(prefix: str, secret: str, *, window: int) -> KeyGrant | None:
    """``find_active_key``'s statement with a grant's columns, counting the request in ``window``; None when there
    is no such active key or the secret does not match."""
    sql = _key_query(True, grant=True)[0]
    with prepared_cursor() as cursor:
        cursor.execute(sql, [prefix, hash_secret(secret), window, window - 1])
        row = cursor.fetchone()
    if row is None:
        return None
    return KeyGrant(*row[:5], hits=(window, *row[-2:]))


def key_token(request) -> tuple[str, str] | None:
    """(prefix, secret) of the request's ``Authorization: Api-Key ...`` (or ``Bearer``, or ``Basic`` with the key as
    the password, for a read); None without one; ``AuthenticationFailed`` when it is malformed, or Basic for a
    write."""
    parts = get_authorization_header(request).split()
    if not parts or parts[0].lower() not in _KEYWORDS:
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
    if parts[0].lower() in _READ_ONLY:
        if request.method not in READ_METHODS:
            raise exceptions.AuthenticationFailed(
                _("HTTP Basic (the API key as the password) is for reading only; send writes with "
                  "Authorization: Api-Key ..."))
        try:
            token = base64.b64decode(parts[1], validate=True).decode("ascii").split(":", 1)[1]
        except (binascii.Error, UnicodeDecodeError, IndexError):
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header.")) from None
    else:
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Malformed API key.")) from None
    if not token.startswith(TOKEN_PREFIX) or "." not in token:
        raise exceptions.AuthenticationFailed(_("Malformed API key."))
    prefix, secret = token[len(TOKEN_PREFIX) :].split(".", 1)
    return prefix, secret


def unknown_key_message() -> str:
    return _("Unknown or revoked API key.")


def needs_scope_message(scope: str) -> str:
    """Why a caller without ``scope`` is refused (403), in the REST API, OGC API Features and tiles alike."""
    return _("This needs the “%(scope)s” scope.") % {"scope": scope}


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key ardh_<prefix>.<secret>``. Every view that authenticates this way for the REST
    API and OGC API Features also throttles (``PerKeyThrottle``), so the request is counted by the key's own
    lookup (``counts``); tiles authenticate without counting."""

    def __init__(self, *, counts: bool = True):
        self.counts = counts

    def authenticate(self, request):
        token = key_token(request)
        if token is None:
            return None
        key = find_active_key(*token, count_in_window=PerKeyThrottle.window() if self.counts else None)
        if key is None:
            raise exceptions.AuthenticationFailed(unknown_key_message())
        api_key_touch(key=key)
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser(), key

    def authenticate_header(self, request):
        return 'Api-Key realm="ardh"'


# The session key of the municipality a person with several memberships works in now (their first otherwise).
SESSION_MUNICIPALITY = "ardh_municipality"


def person_access(request, **options) -> StaffAccess | None:
    """The signed-in person's access in the municipality they work in now (the session's choice, else their
    first membership); None for anonymous callers and people without a membership. ``options`` go to
    ``accounts.selectors.staff_access``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    session = getattr(request, "session", None)
    chosen = session.get(SESSION_MUNICIPALITY) if session is not None else None
    access = staff_access(user, municipality_id=chosen, **options) if chosen else None
    return access or staff_access(user, **options)


def _membership(request) -> StaffAccess | None:
    if not hasattr(request, "_ardh_membership"):
        request._ardh_membership = person_access(request)
    return request._ardh_membership


def caller_municipality(request):
    """The municipality the caller is bound to, or None."""
    if isinstance(request.auth, ApiKey):
        return request.auth.municipality
    m = _membership(request)
    return m.municipality if m else None


def caller_scopes(request) -> set[str]:
    if isinstance(request.auth, ApiKey):
        return set(request.auth.scopes)
    m = _membership(request)
    return set(m.scopes) if m else set()


def caller_actor(request):
    """Who a write is recorded as: the person, or a label naming the key."""
    if isinstance(request.auth, ApiKey):
        return f"api-key {request.auth.prefix} ({request.auth.name})"
    return request.user


class TenantScope(permissions.BasePermission):
    """The caller must be bound to a municipality and hold the view's scope for the method.

    Views say ``required_scopes = {"GET": "read", "POST": "write", ...}``; reads default to
    "read", writes to "write".
    """

    message = _("Your account or key is not bound to a municipality.")

    def has_permission(self, request, view):
        if request.auth is None and not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        if caller_municipality(request) is None:
            return False
        default = Scope.READ if request.method in permissions.SAFE_METHODS else Scope.WRITE
        needed = getattr(view, "required_scopes", {}).get(request.method, default)
        if needed not in caller_scopes(request):
            self.message = needs_scope_message(needed)
            return False
        return True


class SignedInPerson(permissions.BasePermission):
    """A signed-in person acting for themselves (an applicant, an office's employee): no membership in a
    municipality is needed, and an API key is refused (a key is another system, not a person). What they may
    see and do is decided by the selectors and services (``accounts.selectors.acting_parties``)."""

    message = _("This is for a signed-in person, not for an API key.")

    def has_permission(self, request, view):
        if isinstance(request.auth, ApiKey):
            return False
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        return True


def _throttle_count_sql(key: str, source: str) -> tuple[str, str]:
    """The throttle's count, written once for both statements that take it (``PerKeyThrottle._SQL`` and the
    counting key lookup): a CTE ``hit`` adding one to the counter ``key`` (an SQL expression over ``source``)
    in the window given by the next parameter, and the select list of this window's hits after it and the
    hits of the window given by the parameter after that (the previous one)."""
    hit = (
        f"hit AS (INSERT INTO api_throttle_window AS w (key, window_start, hits) SELECT {key}, %s, 1{source} "
        "ON CONFLICT (key, window_start) DO UPDATE SET hits = w.hits + 1 RETURNING hits)"
    )
    previous = f"SELECT p.hits FROM api_throttle_window p WHERE p.key = {key} AND p.window_start = %s"  # noqa: S608
    counts = f"(SELECT hits FROM hit), COALESCE(({previous}), 0)"  # noqa: S608
    return hit, counts


class PerKeyThrottle(throttling.BaseThrottle):
    """Each API key has its own budget (``rate_per_minute``); people share one per user; others one per address.

    Counted in PostgreSQL, so every server process (and every host) shares one budget per key.
    A sliding-window counter: the hits of this minute plus the previous minute's hits weighted by
    how much of it still lies in the last 60 s. One statement per request increments and reads
    atomically (INSERT ... ON CONFLICT ... RETURNING), so concurrent requests never lose a count,
    which a get-then-set on a shared cache would. The table is UNLOGGED (no WAL: a crash forgets
    at most a minute of counts). See docs/decisions/007-serving-path.md.
    """

    WINDOW = 60  # seconds
    KEY_PREFIX = "key:"  # the counter of an API key: "key:<id>" (also written by find_active_key)
    USER_RATE = 600  # requests per minute for people (a session)
    _SQL = "WITH {} SELECT {}".format(*_throttle_count_sql("%s", ""))  # parameters: key, window, key, window - 1

    def __init__(self):
        self._wait = None

    @classmethod
    def window(cls, now: float | None = None) -> int:
        return int((time.time() if now is None else now) // cls.WINDOW)

    def rate(self, request) -> int:
        if isinstance(request.auth, ApiKey):
            return request.auth.rate_per_minute
        return self.USER_RATE

    def allow_request(self, request, view):
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = time.time()
        hits = getattr(request.auth, "throttle_hits", None)  # counted when the key was looked up
        if hits is None:
            window = self.window(now)
            with connection.cursor() as cursor:
                cursor.execute(self._SQL, [key, window, key, window - 1])
                hits = (window, *cursor.fetchone())
        self._wait = throttle_wait(hits, limit=self.rate(request), now=now)
        return self._wait is None

    def wait(self):
        return self._wait

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return f"{self.KEY_PREFIX}{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        # Anonymous callers only ever reach the published API description (every data view needs a
        # caller first): not worth a database write per request.
        return None


def throttle_wait(hits: tuple[int, int, int], *, limit: int, now: float | None = None) -> float | None:
    """``PerKeyThrottle``'s sliding window: None when a request counted as ``hits`` (window, hits in it, hits in
    the previous window) at ``now`` (default: now) is within ``limit`` per minute, else the seconds until it
    would be. Now and then (one call in a thousand) it also deletes the windows no request can count any more."""
    window, current, previous = hits
    now = time.time() if now is None else now
    if random.random() < 0.001:  # now and then, forget windows nobody can ask about any more
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM api_throttle_window WHERE window_start < %s", [window - 1])
    span = PerKeyThrottle.WINDOW
    elapsed = min(max(now / span - window, 0.0), 1.0)
    if current + previous * (1 - elapsed) <= limit:
        return None
    # Until enough of the previous minute has slid out (or, if this minute alone is over, its end).
    if current > limit or previous == 0:
        return span * (1 - elapsed)
    needed = (current + previous * (1 - elapsed) - limit) / previous
    return max(1.0, min(span * (1 - elapsed), needed * span))
