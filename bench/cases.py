"""`make bench-cases`: the cases backbone on the 1M-parcel bench city with BENCH_CASES (default 100,000) cases.

Goals (issue 17): the inbox list page p99 <= 50 ms server time; a transition <= 20 ms; a job starts <= 1 s after
its commit on an idle worker.

1. Data (skipped when the bench city already holds BENCH_CASES bench cases): cases of every case type registered
   at run time (generic form types; a bench type of the same shape as a process's when none is), spread over
   their states (open ones twice as often), queues, assignees (BENCH_STAFF staff, one of them the measured
   reviewer), due dates (many overdue), holds, on random current parcels of the city (location = a point on the
   parcel, so every district has some); numbers from the municipality's counter (``RAS-1448-000123``: the
   counter is moved on by BENCH_CASES in one statement, so numbers stay unique and gap-free for the cases made
   after); parties (an applicant among BENCH_PEOPLE people, national IDs 19xxxxxxxx); a timeline row for the
   creation and for each step of the path through the type's declared steps to the case's status. Written with
   COPY (rows built in Python from the models' own fields and defaults), not 100k service calls.
2. Inbox: ``GET /api/v1/cases/?queue=mine`` and ``?status=...&overdue=true`` and their variants, first page, as
   the reviewer (a busy queue: she holds every queue role), through Django's test client in this process: the
   full middleware stack, session authentication, URL routing, the DRF view, the selectors, JSON rendering —
   the "server time" of the request without HTTP parsing and the socket (measured with ``time.perf_counter``
   around ``Client.get``). p50/p95/p99 over BENCH_INBOX_N (default 300) requests, round-robin over the filters,
   after a warm-up; the per-filter p99 too.
3. Transitions: ``cases.services.case_transition`` on BENCH_TRANSITIONS (default 300) distinct open cases,
   each in its own transaction (commit included), by a person holding the step's role: p50/p95/max.
4. Job start after commit on an idle worker: ``bench/jobs_bench.py`` (`make bench-jobs`), BENCH_JOBS jobs.
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

INBOX_GOAL_MS, TRANSITION_GOAL_MS, JOB_GOAL_S = 50.0, 20.0, 1.0
BENCH_USER = "bench_cases"  # creates the bench cases (their marker) and is the measured reviewer
SEED = 1448


def log(msg: str) -> None:
    print(msg, flush=True)


def setup_django() -> None:
    import django

    django.setup()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


# --- the case types ---------------------------------------------------------------------------------


def bench_types() -> list:
    """The generic case types registered at run time; a bench type shaped like a process's when there is none."""
    from cases.types import APPLICANT, CaseType, State, Transition, register_case_type
    from fixtures.demo_cases import demo_types

    types = demo_types()
    if types:
        return types
    return [register_case_type(CaseType(
        code="bench_permit", title_ar="رخصة (قياس الأداء)", title_en="Permit (benchmark)",
        states=(State("submitted", "submitted", sla_days=3, queue_role="permit_reviewer"),
                State("in_review", "in review", sla_days=5, queue_role="permit_reviewer"),
                State("approval", "awaiting approval", sla_days=2, queue_role="permit_approver"),
                State("returned", "returned", sla_days=10),
                State("approved", "approved", final=True), State("rejected", "rejected", final=True),
                State("withdrawn", "withdrawn", final=True)),
        initial="submitted",
        transitions=(
            Transition("start_review", "start", ("submitted",), "in_review", roles=("permit_reviewer",)),
            Transition("return", "return", ("in_review",), "returned", roles=("permit_reviewer",)),
            Transition("resubmit", "resubmit", ("returned",), "submitted", roles=(APPLICANT, "permit_reviewer")),
            Transition("recommend", "recommend", ("in_review",), "approval", roles=("permit_reviewer",)),
            Transition("approve", "approve", ("approval",), "approved", roles=("permit_approver",)),
            Transition("reject", "reject", ("approval", "in_review"), "rejected", roles=("permit_approver",)),
            Transition("withdraw", "withdraw", ("submitted", "returned"), "withdrawn", roles=(APPLICANT,)),
        ),
        create_roles=("permit_reviewer", APPLICANT),
    ))]


# --- people ------------------------------------------------------------------------------------------


def bench_people(muni, types, *, staff: int, people: int):
    """The measured reviewer (every role the types name), ``staff`` colleagues holding one queue role each, and
    ``people`` applicants (found or made once; persons' rows written with plain INSERTs)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from accounts.models import Person
    from accounts.services import membership_grant
    from fixtures.demo_cases import staff_roles_named

    user_model = get_user_model()
    roles = sorted(staff_roles_named(types))
    queue_roles = sorted({s.queue_role for t in types for s in t.states if s.queue_role})
    reviewer, _ = user_model.objects.get_or_create(username=BENCH_USER, defaults={"is_staff": True})
    membership_grant(user=reviewer, municipality=muni, roles=roles)
    colleagues = []
    for i in range(staff):
        user, made = user_model.objects.get_or_create(username=f"bench_staff_{i:02d}", defaults={"is_staff": True})
        if made or not user.memberships.filter(municipality=muni).exists():
            membership_grant(user=user, municipality=muni, roles=[queue_roles[i % len(queue_roles)]])
        colleagues.append(user)
    have = Person.objects.filter(national_id__startswith="19").count()
    if have < people:
        with connection.cursor() as cur:
            for i in range(have, people):
                cur.execute("INSERT INTO accounts_party (kind, name_ar, name_en, mobile, email, created_at) "
                            "VALUES ('person', %s, %s, '', '', now()) RETURNING id",
                            [f"مراجع {i}", f"Applicant {i}"])
                (pid,) = cur.fetchone()
                cur.execute("INSERT INTO accounts_person (party_ptr_id, national_id) VALUES (%s, %s)",
                            [pid, f"19{i:08d}"])
    applicants = list(Person.objects.filter(national_id__startswith="19").order_by("pk")
                      .values_list("pk", flat=True)[:people])
    return reviewer, colleagues, applicants


# --- rows --------------------------------------------------------------------------------------------


def _copy(model, rows: list[dict]) -> None:
    """COPY ``rows`` into ``model``'s table: every concrete column but the id, from the row or the field's
    default (so columns other apps add with a default need nothing here)."""
    from django.contrib.gis.db.models import GeometryField
    from django.db import connection
    from django.db.models import JSONField

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_cols = {f.attname for f in fields if isinstance(f, JSONField)}
    geom_cols = {f.attname for f in fields if isinstance(f, GeometryField)}
    with connection.cursor() as cur, cur.cursor.copy(
            f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = []
            for f in fields:
                v = row.get(f.attname, defaults[f.attname])
                if f.attname in json_cols:
                    v = json.dumps(v, ensure_ascii=False)
                elif f.attname in geom_cols and v is not None and not isinstance(v, str):
                    v = v.hexewkb.decode() if isinstance(v.hexewkb, bytes) else v.hexewkb
                values.append(v)
            copy.write_row(values)


def _reserve_numbers(muni, n: int, day) -> list[str]:
    """``n`` numbers of the municipality's counter for the Hijri year of ``day``, in one statement."""
    from django.db import connection

    from cases.numbering import hijri_year

    year = hijri_year(day)
    with connection.cursor() as cur:
        cur.execute("INSERT INTO cases_casecounter AS c (municipality_id, hijri_year, last) VALUES (%s, %s, %s) "
                    "ON CONFLICT (municipality_id, hijri_year) DO UPDATE SET last = c.last + %s RETURNING last",
                    [muni.pk, year, n, n])
        (last,) = cur.fetchone()
    return [f"{muni.short_code}-{year}-{k:06d}" for k in range(last - n + 1, last + 1)]


def delete_bench_cases(muni, reviewer) -> int:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_gone ON COMMIT DROP AS SELECT id FROM cases_case "
                    "WHERE municipality_id = %s AND created_by_id = %s", [muni.pk, reviewer.pk])
        for table, col in (("cases_timelineentry", "case_id"), ("cases_caseparty", "case_id"),
                           ("cases_caseparcel", "case_id"), ("cases_caselink", "from_case_id"),
                           ("cases_caselink", "to_case_id"), ("cases_case", "id")):
            cur.execute(f"DELETE FROM {table} WHERE {col} IN (SELECT id FROM bench_gone)")  # noqa: S608
        cur.execute("SELECT count(*) FROM bench_gone")
        (gone,) = cur.fetchone()
        cur.execute("DROP TABLE bench_gone")
        return gone


def generate(muni, types, reviewer, colleagues, applicants, *, n: int, seed: int = SEED) -> None:
    """``n`` bench cases with their parcels, applicants and timelines (one transaction)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Role
    from cases import calendar
    from cases.models import Case, CaseParcel, CaseParty, TimelineEntry
    from cases.selectors import holidays
    from fixtures.demo_cases import path_to
    from fixtures.demo_values import CannotSample, application

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    role_ids = dict(Role.objects.values_list("code", "pk"))
    off = holidays(municipality_id=muni.pk, start=today - timedelta(days=400), end=today + timedelta(days=400))
    holders: dict[str, list[int]] = {}
    for user in [reviewer, *colleagues]:
        for code in user.memberships.get(municipality=muni).roles.values_list("code", flat=True):
            holders.setdefault(code, []).append(user.pk)
    plans = {}  # (type, goal, detour) -> step names
    samples = {}  # type -> application values the type accepts (fixtures.demo_values), reused round-robin
    for ct in types:
        try:
            samples[ct.code] = [application(ct, rng) for _ in range(50)]
        except CannotSample:
            samples[ct.code] = [{}]
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT setseed(%s)", [seed / 10_000])
            cur.execute("SELECT id, encode(ST_AsEWKB(ST_PointOnSurface(geom)), 'hex') FROM parcels_parcel "
                        "WHERE municipality_id = %s AND valid_to IS NULL ORDER BY random() LIMIT %s", [muni.pk, n])
            parcels = cur.fetchall()
        if not parcels:
            raise SystemExit("the bench city has no parcels")
        numbers = _reserve_numbers(muni, n, today)
        cases, meta = [], []
        for i in range(n):
            ct = types[i % len(types)]
            reachable = [s for s in ct.states if path_to(ct, s.code, detour=False) is not None]
            weighted = [s for s in reachable if not s.final] * 2 + [s for s in reachable if s.final]
            goal = rng.choice(weighted)
            detour = rng.random() < 0.2
            steps = plans.setdefault((ct.code, goal.code, detour), path_to(ct, goal.code, detour=detour) or [])
            opened = now - timedelta(days=rng.uniform(0.1, 60))
            status_since = opened + (now - opened) * rng.uniform(0.3, 0.95) if steps else opened
            queue = goal.queue_role
            if queue is None and not goal.final:  # a state without a queue keeps the last one it passed
                trail = [ct.initial] + [ct.transition(s).target for s in steps]
                queue = next((ct.state(s).queue_role for s in reversed(trail) if ct.state(s).queue_role), None)
            assignee = None
            if not goal.final and queue and rng.random() < 0.5:
                people = holders.get(queue, [])
                assignee = reviewer.pk if rng.random() < 0.1 else (rng.choice(people) if people else None)
            held = not goal.final and rng.random() < 0.05
            due = None if goal.final or goal.sla_days is None else calendar.add_working_days(
                timezone.localtime(status_since).date(), goal.sla_days, off)
            parcel_id, point = parcels[i % len(parcels)]
            cases.append({
                "created_at": opened, "updated_at": status_since, "version": 1 + len(steps),
                "municipality_id": muni.pk, "number": numbers[i], "case_type": ct.code, "status": goal.code,
                "queue_role_id": None if goal.final else role_ids.get(queue), "assignee_id": assignee,
                "due_date": due, "status_since": status_since,
                "held_since": (today - timedelta(days=rng.randint(0, 10))) if held else None,
                "hold_reason": "بانتظار المالك" if held else "", "closed_at": status_since if goal.final else None,
                "data": samples[ct.code][i % len(samples[ct.code])], "location": point, "area": None,
                "created_by_id": reviewer.pk,
            })
            meta.append((parcel_id, rng.choice(applicants), steps, opened, status_since, ct))
        _copy(Case, cases)
        ids = dict(Case.objects.filter(municipality=muni, number__in=numbers).values_list("number", "pk"))
        parcel_rows, party_rows, entries = [], [], []
        actor_pool = [reviewer.pk, *(u.pk for u in colleagues)]
        for row, (parcel_id, applicant, steps, opened, status_since, ct) in zip(cases, meta, strict=True):
            case_id = ids[row["number"]]
            parcel_rows.append({"case_id": case_id, "parcel_id": parcel_id})
            party_rows.append({"case_id": case_id, "party_id": applicant, "role": "applicant"})
            entries.append({"case_id": case_id, "kind": "created", "at": opened, "actor_label": "bench",
                            "visible_to_applicant": True, "to_status": ct.initial, "data": {}})
            status = ct.initial
            for k, name in enumerate(steps, start=1):
                target = ct.transition(name).target
                at = opened + (status_since - opened) * (k / len(steps))
                entries.append({"case_id": case_id, "kind": "transition", "at": at,
                                "actor_id": actor_pool[(case_id + k) % len(actor_pool)],
                                "visible_to_applicant": True, "from_status": status, "to_status": target,
                                "data": {"transition": name}})
                status = target
        _copy(CaseParcel, parcel_rows)
        _copy(CaseParty, party_rows)
        _copy(TimelineEntry, entries)
    with connection.cursor() as cur:
        for table in ("cases_case", "cases_caseparty", "cases_caseparcel", "cases_timelineentry"):
            cur.execute(f"ANALYZE {table}")


def ensure_cases(muni, types, *, n: int, staff: int, people: int):
    from cases.models import Case

    reviewer, colleagues, applicants = bench_people(muni, types, staff=staff, people=people)
    have = Case.objects.filter(municipality=muni, created_by=reviewer).count()
    if have == n:
        log(f"data: {have:,} bench cases already in the bench city")
        return reviewer, colleagues
    if have:
        log(f"data: removing {delete_bench_cases(muni, reviewer):,} bench cases of another size")
    started = time.perf_counter()
    generate(muni, types, reviewer, colleagues, applicants, n=n)
    took = time.perf_counter() - started
    log(f"data: {n:,} cases of {', '.join(t.code for t in types)} with parcels, applicants and timelines "
        f"generated in {took:.1f} s ({n / took:,.0f} cases/s)")
    return reviewer, colleagues


# --- measuring ---------------------------------------------------------------------------------------


def inbox_queries(muni, types) -> list[str]:
    """The list requests measured: my queue (alone, by type, status, overdue, district) and the
    municipality's cases by status and overdue."""
    from parcels.models import District

    open_states = [(t.code, s.code) for t in types for s in t.states if not s.final]
    districts = list(District.objects.filter(municipality=muni).order_by("code").values_list("code", flat=True)[:4])
    urls = ["/api/v1/cases/?queue=mine", "/api/v1/cases/?queue=mine&overdue=true"]
    for code, status in open_states[:4]:
        urls += [f"/api/v1/cases/?queue=mine&status={status}", f"/api/v1/cases/?status={status}&overdue=true",
                 f"/api/v1/cases/?queue=mine&case_type={code}&status={status}"]
    urls += [f"/api/v1/cases/?queue=mine&district={d}" for d in districts[:2]]
    urls += ["/api/v1/cases/?overdue=true", "/api/v1/cases/?queue=mine&limit=25&offset=25"]
    return urls


def measure_inbox(reviewer, urls: list[str], n: int) -> tuple[list[float], dict[str, list[float]]]:
    from django.test import Client

    from api.access import PerKeyThrottle

    # One person asking hundreds of times a minute: the throttle still counts each request (its statement is part
    # of the time measured), but its limit for people (600 a minute) is lifted for the benchmark's run.
    PerKeyThrottle.USER_RATE = 10**9
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(reviewer)
    # As a server's worker does once started (config/wsgi.py): what is loaded by now is kept out of the
    # collector's generations, so a full collection does not walk it during a request.
    gc.collect()
    gc.freeze()
    for url in urls:  # warm-up: connections, caches, the first compilation of each query plan
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.content[:300]!r}")
    times, per_url = [], {u: [] for u in urls}
    for i in range(n):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        took = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        times.append(took)
        per_url[url].append(took)
    return times, per_url


def measure_transitions(muni, types, reviewer, n: int) -> list[float]:
    from cases.models import Case
    from cases.services import case_transition
    from cases.types import APPLICANT

    times = []
    steps = {(t.code, s.code): [tr for tr in t.transitions_from(s.code) if APPLICANT not in tr.roles or
                                set(tr.roles) - {APPLICANT}]
             for t in types for s in t.states if not s.final}
    qs = (Case.objects.filter(municipality=muni, created_by=reviewer, closed_at__isnull=True, held_since__isnull=True)
          .order_by("?"))
    for case in qs[: n * 2]:
        options = [tr for tr in steps.get((case.case_type, case.status), []) if not tr.guards]
        if not options:
            continue
        step = options[case.pk % len(options)]
        started = time.perf_counter()
        case_transition(case=case, transition=step.name, actor=reviewer, expected_version=case.version)
        times.append((time.perf_counter() - started) * 1000)
        if len(times) >= n:
            break
    return times


def measure_jobs(n: int) -> list[float]:
    from bench.jobs_bench import measure, start_worker
    from bench.servers import stop

    worker = start_worker()
    try:
        return sorted(measure(n))
    finally:
        stop(worker)


def main() -> None:
    setup_django()
    from accounts.models import Municipality

    n = int(os.environ.get("BENCH_CASES", "100000"))
    muni = Municipality.objects.filter(code="al-rass-demo").first()
    if muni is None:
        raise SystemExit("no bench city: run `make bench-city` first")
    types = bench_types()
    reviewer, _colleagues = ensure_cases(muni, types, n=n, staff=int(os.environ.get("BENCH_STAFF", "30")),
                                         people=int(os.environ.get("BENCH_PEOPLE", "2000")))
    from cases.selectors import inbox

    log(f"the reviewer's queue: {inbox(user=reviewer, municipality=muni).count():,} cases")
    urls = inbox_queries(muni, types)
    times, per_url = measure_inbox(reviewer, urls, int(os.environ.get("BENCH_INBOX_N", "300")))
    log(f"inbox list page (GET /api/v1/cases/, {len(urls)} filters, {len(times)} requests, server time): "
        f"p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms, p99 {pct(times, 99):.1f} ms "
        f"(goal p99 <= {INBOX_GOAL_MS:.0f} ms)   {'MET' if pct(times, 99) <= INBOX_GOAL_MS else 'NOT MET'}")
    for url, values in per_url.items():
        log(f"    {url:<62} p50 {statistics.median(values):6.1f} ms  p99 {pct(values, 99):6.1f} ms")
    moves = measure_transitions(muni, types, reviewer, int(os.environ.get("BENCH_TRANSITIONS", "300")))
    if moves:
        log(f"transition (cases.services.case_transition, own transaction, {len(moves)} distinct cases): "
            f"p50 {pct(moves, 50):.1f} ms, p95 {pct(moves, 95):.1f} ms, max {max(moves):.1f} ms "
            f"(goal <= {TRANSITION_GOAL_MS:.0f} ms)   {'MET' if pct(moves, 95) <= TRANSITION_GOAL_MS else 'NOT MET'}")
    jobs = int(os.environ.get("BENCH_JOBS", "50"))
    if jobs:
        lat = measure_jobs(jobs)
        log(f"job start after commit, idle worker ({jobs} jobs, bench/jobs_bench.py): median "
            f"{statistics.median(lat) * 1000:.1f} ms, p95 {pct(lat, 95) * 1000:.1f} ms, max {lat[-1] * 1000:.1f} ms "
            f"(goal <= {JOB_GOAL_S * 1000:.0f} ms)   {'MET' if pct(lat, 95) <= JOB_GOAL_S else 'NOT MET'}")


if __name__ == "__main__":
    main()
