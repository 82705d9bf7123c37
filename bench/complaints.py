"""`make bench-portal`, its complaints part, on the bench city (1M parcels): how long routing a report takes
(server time: the district polygon containing the pin, its edge, the handler; and the nearby open reports of
the category), and a burst of 500 reports in a minute from 100 citizens, each on its own 127.0.0.x address,
through the portal's form on Ardh as served (runtime/serve.py) — accepted vs lost, counted in the database.

Goals (issue 22): routing <= 20 ms; the burst accepted with 0 lost.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import free_port, start_ardh, stop  # noqa: E402

HOST = "127.0.0.1"
CITIZENS = int(os.environ.get("BENCH_COMPLAINT_CITIZENS", "100"))
PER_CITIZEN = int(os.environ.get("BENCH_COMPLAINTS_EACH", "5"))
ROUTES = 300
GOAL_ROUTE_MS = 20.0


def setup():
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from accounts.models import Municipality, Person
    from complaints.reference import categories_sync

    categories_sync()
    muni = Municipality.objects.get(code="al-rass-demo")
    users = get_user_model().objects
    citizens = []
    for i in range(CITIZENS):
        nid = f"18{i:08d}"
        user = users.filter(username=f"bench-citizen-{i}").first() or users.create_user(f"bench-citizen-{i}")
        person, _ = Person.objects.get_or_create(national_id=nid, defaults={"kind": "person", "name_ar": f"مواطن {i}",
                                                                           "mobile": f"+96658{i:07d}"})
        if person.user_id != user.pk:
            Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
            person.user = user
            person.save(update_fields=["user"])
        citizens.append(user)
    return muni, citizens


def points(muni, n: int, rng) -> list:
    from parcels.models import Parcel

    ids = list(Parcel.objects.filter(municipality=muni, valid_to__isnull=True).order_by("id")
               .values_list("id", flat=True)[:200_000])
    chosen = Parcel.objects.filter(pk__in=rng.sample(ids, n)).only("geom")
    return [p.geom.point_on_surface for p in chosen]


def route_times(muni, pts) -> tuple[list[float], list[float]]:
    from complaints.models import Category
    from complaints.selectors import nearby_open, route

    pothole = Category.objects.get(code="pothole")
    routing, nearby = [], []
    for p in pts:
        t0 = time.perf_counter()
        route(municipality=muni, point=p, category=pothole)
        routing.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        list(nearby_open(municipality=muni, point=p, category=pothole)[:5])
        nearby.append((time.perf_counter() - t0) * 1000)
    return routing, nearby


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    s = SessionStore()
    s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return f"{settings.SESSION_COOKIE_NAME}={s.session_key}"


def citizen_burst(port: int, i: int, cookie: str, pts: list) -> list[tuple[int, float]]:
    """One citizen on 127.0.0.(i+2): the form (its CSRF token), then its reports, one after another."""
    source = (f"127.0.0.{2 + i % 250}", 0)
    conn = HTTPConnection(HOST, port, timeout=60, source_address=source)
    conn.request("GET", "/portal/complaints/new/?m=RAS", headers={"Cookie": cookie})
    response = conn.getresponse()
    page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    cookies = cookie + (f"; csrftoken={csrf.group(1)}" if csrf else "")
    out = []
    for k, p in enumerate(pts):
        body = urllib.parse.urlencode({
            "csrfmiddlewaretoken": token, "recipient": "municipality",
            "category": ["pothole", "lighting", "waste"][k % 3],
            "description": f"بلاغ تجريبي {i}-{k}", "lon": f"{p.x:.7f}", "lat": f"{p.y:.7f}", "confirm_place": "1",
            "file_anyway": "1"})
        t0 = time.perf_counter()
        conn.request("POST", "/portal/complaints/new/", body=body, headers={
            "Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{HOST}:{port}/portal/complaints/new/"})
        r = conn.getresponse()
        r.read()
        out.append((r.status, (time.perf_counter() - t0) * 1000))
    conn.close()
    return out


def main() -> None:
    import random

    rng = random.Random(1448)
    muni, citizens = setup()
    from complaints.models import Complaint

    pts = points(muni, ROUTES + CITIZENS * PER_CITIZEN, rng)
    routing, nearby = route_times(muni, pts[:ROUTES])
    cookies = [session_cookie(u) for u in citizens]
    before = Complaint.objects.filter(municipality=muni).count()
    port = free_port()
    server = start_ardh(port, env={"ARDH_DB_NAME": os.environ.get("ARDH_DB_NAME", "ardh")})
    try:
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=25) as pool:
            futures = [pool.submit(citizen_burst, port, i, cookies[i],
                                   pts[ROUTES + i * PER_CITIZEN: ROUTES + (i + 1) * PER_CITIZEN])
                       for i in range(CITIZENS)]
            results = [r for f in futures for r in f.result()]
        took = time.perf_counter() - t0
    finally:
        stop(server)
    after = Complaint.objects.filter(municipality=muni).count()
    accepted = sum(1 for status, _ms in results if status == 302)
    sent = len(results)
    times = sorted(ms for _s, ms in results)
    q = statistics.quantiles
    print(f"\nbench-portal (complaints): {muni.name_en}, {ROUTES} random pins")
    print(f"  routing (district, edge, handler)   p50 {statistics.median(routing):5.1f} ms  p95 "
          f"{q(routing, n=20)[18]:5.1f} ms   goal <= {GOAL_ROUTE_MS:.0f} ms -> "
          f"{'met' if q(routing, n=20)[18] <= GOAL_ROUTE_MS else 'NOT met'}")
    print(f"  nearby open reports of the category  p50 {statistics.median(nearby):5.1f} ms  p95 "
          f"{q(nearby, n=20)[18]:5.1f} ms")
    print(f"  burst: {sent} reports from {CITIZENS} citizens on {min(CITIZENS, 250)} addresses in {took:.1f} s; "
          f"answered 302 (filed) {accepted}, other {sent - accepted} "
          f"({sorted({s for s, _ in results if s != 302})}); in the database {after - before}; "
          f"lost {sent - (after - before)}; per report p50 {statistics.median(times):.0f} ms, "
          f"p95 {q(times, n=20)[18]:.0f} ms   goal: within a minute, 0 lost -> "
          f"{'met' if took <= 60 and after - before == sent else 'NOT met'}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    main()
