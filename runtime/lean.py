"""A short request path for the hot read endpoints: map tiles and OGC API items.

A web map asks for dozens of tiles per screen and a z17 tile costs the database under
a millisecond, so the full middleware stack (static files, CSRF, messages, common,
clickjacking ... about as much as the query itself, see docs/decisions/007) dominated.

``Dispatcher`` sends GET/HEAD requests whose path is a vector tile or an OGC items page
to a second Django handler built from ``settings.ARDH_LEAN_MIDDLEWARE`` and every
other request to the ordinary one. Both are Django: the same URLconf, views, cache,
authentication and permission checks; only middleware that does nothing for these
responses is left out (the lean list keeps security headers, the session and user for
the same-origin map, the language for Arabic error messages, and X-Frame-Options for
the HTML variant of items). There is no second implementation of any endpoint.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache

from django.conf import settings
from django.core import signals
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

from runtime import statement_timeout

# Shortest paths, registered by the serving apps in their ``ready()`` (tiles: a vector tile; ogc: an items
# page): the runtime knows no app. Each is (path pattern, serve); ``serve(environ, start_response)`` answers or
# returns None, and then the lean handler answers.
_SHORTEST: list[tuple[re.Pattern, object]] = []


def register_shortest_path(pattern: str, serve) -> None:
    """Serve GET/HEAD requests whose path matches ``pattern`` on the lean path, trying ``serve`` first.
    ``serve`` is given as a dotted path or a callable; registering the same pattern again replaces it."""
    compiled = re.compile(pattern)
    _SHORTEST[:] = [entry for entry in _SHORTEST if entry[0].pattern != pattern]
    _SHORTEST.append((compiled, serve))


# Machine-to-machine POST endpoints (a bank's payment notifications): no browser, no session, no CSRF or messages
# to serve, so the lean handler answers them too. Registered by their app in ``ready()``.
_LEAN_POSTS: list[re.Pattern] = []


def register_lean_post(pattern: str) -> None:
    """Serve POST requests whose path matches ``pattern`` with the lean handler (authenticated by the view
    itself, e.g. a signature; never a session-authenticated form)."""
    if all(p.pattern != pattern for p in _LEAN_POSTS):
        _LEAN_POSTS.append(re.compile(pattern))


def lean_path(path: str):
    """The ``serve`` of the shortest path registered for ``path``, or None when ``path`` is not lean."""
    for i, (compiled, serve) in enumerate(_SHORTEST):
        if compiled.match(path):
            if isinstance(serve, str):  # imported once, on the first request (it imports views: apps loaded)
                serve = import_string(serve)
                _SHORTEST[i] = (compiled, serve)
            return serve
    return None


class LeanHandler(WSGIHandler):
    """Django's WSGI handler with the middleware of ``settings.ARDH_LEAN_MIDDLEWARE`` (sync only)."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(settings.ARDH_LEAN_MIDDLEWARE):
            instance = import_string(path)(handler)
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


class Dispatcher:
    """The WSGI application: lean paths to the lean handler, everything else to the full one.

    On a lean path a shorter one is tried first (no Django request handling at all, see the modules that
    register them with :func:`register_shortest_path`: e.g. a public tile without parameters, ``tiles.fast``,
    or a JSON page of items for an API key, ``ogc.fast``). They answer None for anything else, and the lean
    handler answers.
    """

    def __init__(self, full: WSGIHandler, lean: WSGIHandler | None = None):
        self.full = full
        self.lean = lean or LeanHandler()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD")
        if method == "POST" and any(p.match(path) for p in _LEAN_POSTS):
            return self.lean(environ, start_response)
        shortest = lean_path(path) if method in ("GET", "HEAD") else None
        if shortest is not None:
            try:
                body = self.shortest(shortest, environ, start_response)
            except Exception as exc:
                if not (statement_timeout.is_cancelled(exc) or statement_timeout.is_unavailable(exc)):
                    raise
                return database_failed(exc, environ, start_response)
            if body is not None:
                return body
            return self.lean(environ, start_response)
        return self.full(environ, start_response)


    @staticmethod
    def shortest(serve, environ, start_response):
        """A shortest path reads where the request's rule says (runtime/replica.py); a replica that fails under
        it is marked down and the path runs again on the primary."""
        from django.db import DEFAULT_DB_ALIAS, DatabaseError

        from runtime import replica

        alias = replica.environ_alias(environ)
        try:
            with replica.reading_from(alias):
                return serve(environ, start_response)
        except DatabaseError as exc:
            if alias != replica.REPLICA or statement_timeout.is_cancelled(exc):
                raise
            replica.mark_down(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        with replica.reading_from(DEFAULT_DB_ALIAS):
            return serve(environ, start_response)


def database_failed(exc, environ, start_response):
    """The 503 of a statement cancelled, or of a database gone, on a shortest path (no Django request there), in
    the language the client asks for, as the middleware would answer it."""
    from django.core.handlers.wsgi import WSGIRequest

    request = WSGIRequest(environ)
    with translation.override(translation.get_language_from_request(request)):
        return emit(statement_timeout.database_response(exc, request), start_response)


# --- Answering without the middleware --------------------------------------------------------------


def as_request(environ, work):
    """``work()`` run as Django runs a request on a shortest path: between ``request_started`` and
    ``request_finished`` (connection management, the statement time limit). A cancelled statement or a database
    gone goes up to the Dispatcher (503, without a second try); any other failure gives None, and Django serves
    the request again and answers (and logs) it as always. A streamed response (``emit`` returns it as the body)
    ends the request when the server closes it, after its last piece."""
    signals.request_started.send(sender=__name__, environ=environ)
    response = None
    try:
        response = work()
        return response
    except Exception as exc:
        if statement_timeout.is_cancelled(exc) or statement_timeout.is_unavailable(exc):
            raise
        return None
    finally:
        if not getattr(response, "streaming", False):
            signals.request_finished.send(sender=__name__)
        # else the request ends when the server closes the streamed body (HttpResponseBase.close), as in Django


def plain_http(environ) -> bool:
    """Whether the security middleware would add only :func:`security_headers` to this request's response: it
    came over plain HTTP (also by ``SECURE_PROXY_SSL_HEADER``, read as Django reads it) and HTTPS is not
    enforced by a redirect. A secure request gets HSTS, an insecure one may be redirected: Django's business."""
    if settings.SECURE_SSL_REDIRECT or environ.get("wsgi.url_scheme") == "https":
        return False
    proxy = settings.SECURE_PROXY_SSL_HEADER
    return not (proxy and environ.get(proxy[0], "").split(",", 1)[0].strip() == proxy[1])


@lru_cache(maxsize=1)
def security_headers() -> tuple[tuple[str, str], ...]:
    """What SecurityMiddleware and XFrameOptionsMiddleware add to a plain-HTTP response."""
    headers = []
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        headers.append(("Referrer-Policy", policy if isinstance(policy, str) else ",".join(policy)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    headers.append(("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()))
    return tuple(headers)


def emit(response: HttpResponseBase, start_response):
    """Start a Django response made on a shortest path, with what the lean middleware adds to a plain-HTTP
    response that used neither the session nor the user: the language (LocaleMiddleware, for the language
    active now), Content-Length (CommonMiddleware, not for a streamed body) and the security headers. The
    body: a list, or the streamed response itself, which the server closes (ending the request)."""
    patch_vary_headers(response, ("Accept-Language",))
    response.headers.setdefault("Content-Language", translation.get_language())
    if not response.streaming:
        content = response.content
        response.headers.setdefault("Content-Length", str(len(content)))
    for name, value in security_headers():
        response.headers.setdefault(name, value)
    headers = [*response.items(), *(("Set-Cookie", c.output(header="")) for c in response.cookies.values())]
    start_response(f"{response.status_code} {response.reason_phrase}", headers)
    return response if response.streaming else [content]


# --- Database health checks without a ping per request --------------------------------------------
# Django's CONN_HEALTH_CHECKS runs ``SELECT 1`` before the first query of every request: a round trip
# as long as a whole z17 tile query. A connection that served a request moments ago is alive for all
# practical purposes, so the check is only kept for connections idle longer than ARDH_DB_PING_AFTER_S
# (a database restart is noticed after idleness, when it matters; under load no ping is sent).

_last_used: dict[int, float] = {}


def _alias_connections():
    from django.db import connections

    return [connections[alias] for alias in connections]


def skip_recent_health_checks(**kwargs) -> None:
    """request_started receiver (after Django's close_old_connections): mark fresh connections checked."""
    limit = getattr(settings, "ARDH_DB_PING_AFTER_S", 0)
    now = time.monotonic()
    for conn in _alias_connections():
        last = _last_used.get(id(conn))
        if conn.connection is not None and conn.health_check_enabled and last is not None and now - last < limit:
            conn.health_check_done = True


def note_connections_used(**kwargs) -> None:
    """request_finished receiver: remember when each open, error-free connection last served a request."""
    now = time.monotonic()
    for conn in _alias_connections():
        if conn.connection is not None and not conn.errors_occurred:
            _last_used[id(conn)] = now
        else:
            _last_used.pop(id(conn), None)


def connect_health_check_receivers() -> None:
    from django.core.signals import request_finished, request_started

    request_started.connect(skip_recent_health_checks, dispatch_uid="ardh-skip-recent-health-checks")
    request_finished.connect(note_connections_used, dispatch_uid="ardh-note-connections-used")
