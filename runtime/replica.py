"""Reads from the streaming replica (decision 038): read-only work goes to the ``replica`` database, everything else to
the primary (``default``), by one rule for the ORM (``Router``) and for the raw-SQL serving paths (``read_alias``).

- **Which requests**: GET and HEAD whose path matches ``settings.ARDH_REPLICA_PATHS`` (tiles, OGC, at-point, the
  public pages, the portal's pages). A request decides once, at its start (``ReadRoutingMiddleware``, and the
  shortest paths in ``runtime.lean``); code that runs outside a request (jobs, commands) reads from the primary.
- **Read your writes**: a request that writes (any other method, answered below 400) marks its writer — the
  browser by a cookie, an API client by its ``Authorization`` in a small table on the primary — and for
  ``ARDH_READ_YOUR_WRITES_S`` that writer reads from the primary, so nobody sees their own edit vanish.
- **Health**: each process asks the replica at most every ``ARDH_REPLICA_CHECK_S`` whether it streams and how far
  behind it is; a replica that is down, not streaming, or lagging more than ``ARDH_REPLICA_MAX_LAG_S`` is skipped
  until the next check. A statement that fails on the replica mid-request marks it down and the request is
  answered again from the primary (reads only).
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)
REPLICA = "replica"
WROTE_COOKIE = "ardh_wrote"
_alias: contextvars.ContextVar[str] = contextvars.ContextVar("ardh_read_alias", default=DEFAULT_DB_ALIAS)


def configured() -> bool:
    return REPLICA in settings.DATABASES and getattr(settings, "ARDH_REPLICA_READS", False)


def read_alias() -> str:
    """The database this request reads from (the raw-SQL paths ask here; the ORM through ``Router``)."""
    return _alias.get()


class Router:
    def db_for_read(self, model, **hints):
        return _alias.get()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


# --- health ------------------------------------------------------------------------------------------------------
@dataclass
class Health:
    usable: bool = False
    state: str = "not checked"  # in use | down | not streaming | lagging | not configured
    lag_s: float | None = None
    checked_at: float = 0.0


_health = Health()
_health_lock = threading.Lock()
LAG_SQL = """SELECT (SELECT status FROM pg_stat_wal_receiver),
  CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
       ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"""


def health(*, force: bool = False) -> Health:
    """The replica's state, checked at most every ``ARDH_REPLICA_CHECK_S`` per process."""
    if not configured():
        return Health(usable=False, state="not configured")
    now = time.monotonic()
    if not force and now - _health.checked_at < settings.ARDH_REPLICA_CHECK_S:
        return _health
    with _health_lock:
        if not force and now - _health.checked_at < settings.ARDH_REPLICA_CHECK_S:
            return _health
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(LAG_SQL)
                status, lag = cursor.fetchone()
        except DatabaseError as exc:
            _set(False, "down", None, now)
            logger.warning("read replica down: %s", str(exc).splitlines()[0] if str(exc) else exc)
            _close_replica()
            return _health
        lag = float(lag or 0)
        if status != "streaming":
            _set(False, "not streaming", lag, now)
        elif lag > settings.ARDH_REPLICA_MAX_LAG_S:
            _set(False, "lagging", lag, now)
        else:
            _set(True, "in use", lag, now)
        return _health


def _set(usable: bool, state: str, lag: float | None, at: float) -> None:
    _health.usable, _health.state, _health.lag_s, _health.checked_at = usable, state, lag, at


def mark_down(reason: str) -> None:
    with _health_lock:
        _set(False, "down", None, time.monotonic())
    logger.warning("read replica marked down: %s", reason)
    _close_replica()


def _close_replica() -> None:
    try:
        connections[REPLICA].close()
    except DatabaseError:
        pass


# --- the decision ----------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _paths(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def eligible(method: str, path: str) -> bool:
    return method in ("GET", "HEAD") and bool(_paths(tuple(settings.ARDH_REPLICA_PATHS)).match(path))


def writer_of(authorization: str) -> str:
    return hashlib.sha256(authorization.encode()).hexdigest()[:32] if authorization else ""


def wrote_recently(*, cookie: str | None, authorization: str) -> bool:
    window = settings.ARDH_READ_YOUR_WRITES_S
    if cookie:
        try:
            if time.time() - float(cookie) < window:
                return True
        except ValueError:
            pass
    if authorization:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1 FROM runtime_recent_write WHERE writer = %s "
                           "AND written_at > now() - make_interval(secs => %s)", [writer_of(authorization), window])
            return cursor.fetchone() is not None
    return False


def decide(*, method: str, path: str, cookie: str | None, authorization: str) -> str:
    if not configured() or not eligible(method, path):
        return DEFAULT_DB_ALIAS
    if wrote_recently(cookie=cookie, authorization=authorization):
        return DEFAULT_DB_ALIAS
    return REPLICA if health().usable else DEFAULT_DB_ALIAS


def remember_write(*, authorization: str) -> None:
    if authorization:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("INSERT INTO runtime_recent_write (writer, written_at) VALUES (%s, now()) "
                           "ON CONFLICT (writer) DO UPDATE SET written_at = excluded.written_at",
                           [writer_of(authorization)])


class reading_from:
    """``with reading_from(alias):`` — the reads of the block go to ``alias``."""

    def __init__(self, alias: str):
        self.alias = alias

    def __enter__(self):
        self.token = _alias.set(self.alias)
        return self.alias

    def __exit__(self, *exc):
        _alias.reset(self.token)
        return False


def environ_alias(environ) -> str:
    """The decision for a WSGI request that has no Django request yet (the shortest paths)."""
    from http.cookies import SimpleCookie

    cookie = None
    raw = environ.get("HTTP_COOKIE", "")
    if WROTE_COOKIE in raw:
        jar = SimpleCookie()
        try:
            jar.load(raw)
            cookie = jar[WROTE_COOKIE].value if WROTE_COOKIE in jar else None
        except Exception:  # a malformed cookie header: as if absent
            cookie = None
    return decide(method=environ.get("REQUEST_METHOD", ""), path=environ.get("PATH_INFO", ""), cookie=cookie,
                  authorization=environ.get("HTTP_AUTHORIZATION", ""))


class ReadRoutingMiddleware:
    """Decides where the request reads from; marks a writer; answers again from the primary when the replica fails
    under a read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        authorization = request.META.get("HTTP_AUTHORIZATION", "")
        alias = decide(method=request.method, path=request.path_info, cookie=request.COOKIES.get(WROTE_COOKIE),
                       authorization=authorization)
        with reading_from(alias):
            response = self.get_response(request)
        if alias == REPLICA and getattr(request, "_replica_failed", False):
            with reading_from(DEFAULT_DB_ALIAS):
                response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            response.set_cookie(WROTE_COOKIE, str(int(time.time())), max_age=settings.ARDH_READ_YOUR_WRITES_S,
                                httponly=True, samesite="Lax", secure=request.is_secure())
            remember_write(authorization=authorization)
        return response

    def process_exception(self, request, exception):
        if read_alias() == REPLICA and isinstance(exception, DatabaseError):
            request._replica_failed = True
            mark_down(str(exception).splitlines()[0] if str(exception) else type(exception).__name__)
        return None
