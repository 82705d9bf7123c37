"""A time limit for the SQL of web requests: a runaway statement is cancelled and answered 503, never a 500.

Neither HTTP server ends a stuck request (docs/decisions/009), and the database is where requests are slow.
While a request is being served, the connections of its thread run with PostgreSQL's ``statement_timeout`` set
to ``settings.ARDH_REQUEST_STATEMENT_TIMEOUT_MS`` (0 = no limit). Queue jobs, management commands,
migrations and test fixtures run without it.

How, and what it costs (a ``SET`` is a round trip, as long as a z17 tile's query):

- The limit is a property of the *connection*, set when a request first uses it and then left in place:
  request threads of the server only ever serve requests, and their persistent connections keep the setting,
  so a request on a connection that has it costs no statement at all (a comparison in ``request_started``).
  A connection opened during a request gets the ``SET`` right after it connects (``connection_created``),
  next to the handshake's own round trips.
- Queue jobs run in the worker process (``runtime/jobs.py``), whose connections no request ever touches;
  commands and migrations never serve requests. Neither gets the limit.
- A thread that serves requests *and* does other work (the test suite's thread: fixtures, ``call_command``
  after a request) finds a guard on the connection between requests: the first statement outside a request
  resets the limit first. The guard is taken off while a request runs, so requests pay nothing per
  statement; in the server it never fires.

Not a connection option (``options=-c statement_timeout``, zero round trips): every connection of the web
process would carry it, and the limit would follow requests into commands run from tests and into the worker
(which reads the same settings).

A cancelled statement (``QueryCanceled``; Django raises it as ``OperationalError`` with the psycopg error as
``__cause__``) becomes :func:`cancelled_response`, and a database that went away under the request (restarted,
shut down, unreachable) :func:`unavailable_response` — both 503 with ``Retry-After`` — in one place
(:func:`database_response`): :class:`StatementTimeoutMiddleware` on the full
and the lean middleware lists (views, DRF views, whose exception handler leaves it to Django, templates) and
:func:`server_error` (``handler500``) for a statement cancelled in a middleware.
"""

from __future__ import annotations

import select
import threading

import psycopg
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import JsonResponse
from django.utils.translation import gettext as _

RETRY_AFTER_S = 10
UNAVAILABLE_RETRY_AFTER_S = 5
_GONE = {"57P01", "57P02", "57P03"}  # admin_shutdown, crash_shutdown, cannot_connect_now
_state = threading.local()  # .serving: this thread is between request_started and request_finished


def limit_ms() -> int:
    return max(0, int(getattr(settings, "ARDH_REQUEST_STATEMENT_TIMEOUT_MS", 0) or 0))


def serving() -> bool:
    return getattr(_state, "serving", False)


def _set(conn, ms: int | None) -> None:
    """``SET`` (a number) or ``RESET`` (None) the connection's statement_timeout, straight on psycopg (no
    Django cursor: not through the guard, not in the query log)."""
    statement = "RESET statement_timeout" if ms is None else f"SET statement_timeout = {int(ms)}"
    with conn.wrap_database_errors:
        conn.connection.execute(statement)
    conn.ardh_statement_timeout = ms


def _apply(conn) -> None:
    ms = limit_ms() or None
    if getattr(conn, "ardh_statement_timeout", None) != ms:
        _set(conn, ms)


def _guard(execute, sql, params, many, context):
    """Outside a request, a connection still carrying a request's limit is reset before its statement."""
    conn = context["connection"]
    if getattr(conn, "ardh_statement_timeout", None) is not None and not serving():
        _set(conn, None)
    return execute(sql, params, many, context)


def _hung_up(conn) -> bool:
    """An idle connection the server has written to (its FATAL "terminating connection" when it shuts down or
    restarts) or closed: readable with nothing asked. A zero-timeout poll of the socket, no round trip —
    Django's own health check pings only after ``ARDH_DB_PING_AFTER_S`` idle, and a restart within that window
    would otherwise fail one request per idle connection of every server process."""
    try:
        readable, _w, _x = select.select([conn.connection.fileno()], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return True
    return bool(readable)


def on_request_started(**kwargs) -> None:
    _state.serving = True
    _state.used = used = connections.all(initialized_only=True)  # and those connected during the request
    for conn in used:
        if _guard in conn.execute_wrappers:  # no guard inside a request: no cost per statement
            conn.execute_wrappers.remove(_guard)
        if conn.connection is not None and _hung_up(conn):
            conn.close()  # the server ended it while idle (a restart): the request opens a new one
        if conn.connection is not None:
            try:
                _apply(conn)
            except DatabaseError:  # a connection that died while idle: the request opens a new one
                conn.close()


def on_request_finished(**kwargs) -> None:
    _state.serving = False
    for conn in getattr(_state, "used", ()):
        if getattr(conn, "ardh_statement_timeout", None) is not None and _guard not in conn.execute_wrappers:
            conn.execute_wrappers.insert(0, _guard)  # first: context managers pushing their own pop the last
    _state.used = []


def on_connection_created(sender, connection, **kwargs) -> None:
    connection.ardh_statement_timeout = None  # a new session starts with the server's default
    if serving():
        _apply(connection)
        if connection not in _state.used:
            _state.used.append(connection)


def connect_receivers() -> None:
    from django.core.signals import request_finished, request_started
    from django.db.backends.signals import connection_created

    request_started.connect(on_request_started, dispatch_uid="ardh-statement-timeout-start")
    request_finished.connect(on_request_finished, dispatch_uid="ardh-statement-timeout-finish")
    connection_created.connect(on_connection_created, dispatch_uid="ardh-statement-timeout-connect")


# --- A cancelled statement is a 503 ------------------------------------------------------------------


def is_cancelled(exc: BaseException | None) -> bool:
    """The statement was cancelled (our statement_timeout, or an operator's pg_cancel_backend)."""
    if isinstance(exc, OperationalError):
        exc = exc.__cause__
    return isinstance(exc, psycopg.errors.QueryCanceled)


def is_unavailable(exc: BaseException | None) -> bool:
    """The database went away under the request or cannot be reached: the server restarted or shut down
    (``AdminShutdown``, "the database system is starting up"), the connection broke or was refused. The
    request's transaction never committed, so nothing of it was written."""
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return False
    cause = exc.__cause__
    if cause is None:
        return isinstance(exc, InterfaceError)  # Django's own "connection already closed"
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is None:  # no answer from the server: the connection broke or was refused
        return isinstance(cause, (psycopg.OperationalError, psycopg.InterfaceError))
    return sqlstate.startswith("08") or sqlstate in _GONE  # not a deadlock, a lock timeout or a full disk


def unavailable_response(request=None) -> JsonResponse:
    response = JsonResponse(
        {"detail": _("The database is restarting or cannot be reached, so nothing of this request was done or "
                     "saved. Try again in a few seconds."),
         "code": "unavailable"},
        status=503, json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_S)
    return response


def database_response(exc: BaseException | None, request=None) -> JsonResponse | None:
    """The 503 for a database that stopped the statement or went away; None for any other failure."""
    if is_cancelled(exc):
        return cancelled_response(request)
    if is_unavailable(exc):
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()  # this thread's next request opens a new connection
        return unavailable_response(request)
    return None


def cancelled_response(request=None) -> JsonResponse:
    seconds = limit_ms() / 1000  # Django logs the 503 (django.request) with the path
    response = JsonResponse(
        {"detail": _("The database did not answer in time (limit %(seconds)s s), so the request was stopped. "
                     "Try again in a moment, or ask for less: a smaller area, page or filter.")
         % {"seconds": f"{seconds:g}"},
         "code": "timeout"},
        status=503, json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


class StatementTimeoutMiddleware:
    """A view (or its template) whose statement was cancelled answers 503 with the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from runtime.replica import REPLICA, read_alias

        if read_alias() == REPLICA and is_unavailable(exception):
            return None  # the replica went away under a read: ReadRoutingMiddleware answers again from the primary
        return database_response(exception, request)


def server_error(request, *args, **kwargs):
    """``handler500``: a statement cancelled or a database gone outside a view (in a middleware: sessions,
    authentication) is still a 503."""
    import sys

    from django.views.defaults import server_error as django_server_error

    return database_response(sys.exc_info()[1], request) or django_server_error(request, *args, **kwargs)
