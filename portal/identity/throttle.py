"""Limits against abuse, counted in PostgreSQL so every server process shares them: fixed windows per (kind,
address) and per (kind, ID number) in the API's throttle table (``api_throttle_window``, unlogged: a crash
forgets at most a window). One statement per counter: it adds the hit and returns the window's count. A window
is stored under the minute it ends in (the table's unit: the API's pruning keeps it until then)."""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.db import connection

_HIT = ("INSERT INTO api_throttle_window AS w (key, window_start, hits) VALUES (%s, %s, 1) "
        "ON CONFLICT (key, window_start) DO UPDATE SET hits = w.hits + 1 RETURNING hits")


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or — behind ``ARDH_TRUSTED_PROXIES`` proxies (production: nginx) — the
    address the nearest trusted proxy appended to X-Forwarded-For (what a client writes there itself is
    ignored)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "ARDH_TRUSTED_PROXIES", 0)
    if proxies:
        chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(chain) >= proxies:
            remote = chain[-proxies]
    try:
        return str(ipaddress.ip_address(remote))
    except ValueError:
        return "unknown"


def throttle_hit(*, kind: str, address: str, national_id: str = "", per_address: int, per_id: int,
                 window_s: int) -> int | None:
    """Count one attempt of ``kind`` from ``address`` (and for ``national_id``); None when within the limits,
    else the seconds until the window ends (for Retry-After). A refused attempt is counted too."""
    now = time.time()
    window = int(now // window_s)
    last_minute = ((window + 1) * window_s) // 60 - 1
    counters = [(f"portal:{kind}:a:{address}:{window_s}", per_address)]
    if national_id:
        counters.append((f"portal:{kind}:i:{national_id}:{window_s}", per_id))
    over = False
    with connection.cursor() as cursor:
        for key, limit in counters:
            cursor.execute(_HIT, [key, last_minute])
            over = over or cursor.fetchone()[0] > limit
    return max(1, int((window + 1) * window_s - now)) if over else None
