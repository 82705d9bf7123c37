"""`make bench-payments`: a burst of SADAD payment notifications against Ardh as `make demo` serves it.

2,000 signed notifications for BENCH_PAYMENT_BILLS (1,600) active bills of the bench city — 20 % of them
repeats of a notification already sent (SADAD's retries and duplicates, same message id), 5 % delivered out of
order — from 8 concurrent senders. Then a real worker applies what was recorded. Printed: the latency of each
notification as the sender sees it (goal p99 <= 50 ms), how many were recorded, duplicates answered, and after
the worker: 0 double credits, 0 lost (goals), and how long applying took (receipt PDFs included).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from bench.servers import ROOT, free_port, popen_tied, start_ardh, stop

P99_GOAL_MS = 50.0
SERVICE = "bench_payments"  # the marker of the benchmark's bills (removed and made again each run)
BILLER = "991"
SEED = 1448


def log(msg: str) -> None:
    print(msg, flush=True)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def prepare(n_bills: int):
    """The bench municipality's biller and ``n_bills`` active bills on its cases (made again each run)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Municipality
    from cases.models import Case
    from payments.models import Bill, Biller, BillLine, BillStatus, Discrepancy, Payment
    from payments.services import next_account_number

    muni = Municipality.objects.filter(code="al-rass-demo").first()
    if muni is None:
        raise SystemExit("no bench city: run `make bench-city` first")
    with transaction.atomic():
        old = Bill.objects.filter(service_code=SERVICE)
        Discrepancy.objects.filter(payment__bill__in=old).delete()
        Discrepancy.objects.filter(payment__biller_code=BILLER).delete()
        Payment.objects.filter(biller_code=BILLER).delete()
        BillLine.objects.filter(bill__in=old).delete()
        old.delete()
        with connection.cursor() as cursor:  # the previous run's jobs, so the worker measures this run only
            cursor.execute("DELETE FROM procrastinate_jobs WHERE task_name IN "
                           "('payments.apply', 'cases.event', 'payments.receipt')")
        Biller.objects.filter(municipality=muni).exclude(code=BILLER).delete()
        Biller.objects.get_or_create(municipality=muni, defaults={"code": BILLER, "name_ar": muni.name_ar,
                                                                   "name_en": muni.name_en})
        cases = list(Case.objects.filter(municipality=muni).order_by("id").values_list("id", "location")[:n_bills])
        if len(cases) < n_bills:  # the bench city's cases (bench/cases.py makes them once)
            from bench.cases import bench_types, ensure_cases

            ensure_cases(muni, bench_types(), n=int(os.environ.get("BENCH_CASES", "100000")), staff=30, people=2000)
            cases = list(Case.objects.filter(municipality=muni).order_by("id").values_list("id", "location")[:n_bills])
        today, now = timezone.localdate(), timezone.now()
        rng = random.Random(SEED)
        bills = Bill.objects.bulk_create([
            Bill(municipality=muni, case_id=case_id, service_code=SERVICE, biller_code=BILLER,
                 account_number=next_account_number(), status=BillStatus.ACTIVE, status_since=now,
                 amount=Decimal(rng.randint(100, 500_000)) / 100, issue_date=today, due_date=today,
                 expiry_date=today + timezone.timedelta(days=30), location=location, uploaded_at=now)
            for case_id, location in cases])
        BillLine.objects.bulk_create([
            BillLine(bill=b, position=1, kind="fee", rule=f"{SERVICE}.fee", quantity=1, rate=b.amount, amount=b.amount,
                     explain_ar="رسوم", explain_en="Fee") for b in bills])
    return bills


def messages(bills, *, total: int, ooo_share: float) -> list[tuple[str, dict]]:
    """(message id, body) in sending order: one per bill, then repeats to ``total``, with some out of order."""
    rng = random.Random(SEED)
    firsts = [(f"msg_bench_{b.pk}", {
        "type": "payment", "payment_ref": f"BENCH-{b.account_number}", "biller_code": BILLER,
        "account_number": b.account_number, "amount": f"{b.amount:.2f}", "currency": "SAR",
        "paid_at": "2026-12-04T10:00:00+03:00", "bank_code": "RJHI", "channel": "ONLINE"}) for b in bills]
    out = list(firsts)
    for _ in range(total - len(firsts)):  # a repeat lands a little after its first delivery
        i = rng.randrange(len(firsts))
        out.insert(min(len(out), i + rng.randint(1, 50)), firsts[i])
    moved = int(total * ooo_share)  # out of order: later notifications delivered well before earlier ones
    for _ in range(moved):
        i = rng.randrange(len(out) // 2, len(out))
        out.insert(rng.randrange(0, i // 2 + 1), out.pop(i))
    return out


def send_all(url: str, queue: list[tuple[str, dict]], senders: int):
    import requests
    from django.conf import settings

    from payments.signing import sign_headers

    local = threading.local()
    lock, position = threading.Lock(), [0]
    times, answers = [], {}

    def worker(_n: int) -> None:
        session = local.__dict__.setdefault("s", requests.Session())
        while True:
            with lock:
                if position[0] >= len(queue):
                    return
                msg_id, body = queue[position[0]]
                position[0] += 1
            raw = json.dumps(body).encode()
            headers = {"content-type": "application/json",
                       **sign_headers(settings.ARDH_SADAD_SECRET, raw, msg_id=msg_id)}
            t0 = time.perf_counter()
            r = session.post(url, data=raw, headers=headers, timeout=30)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                times.append(elapsed)
                key = r.json().get("status") if r.status_code == 200 else f"HTTP {r.status_code}"
                answers[key] = answers.get(key, 0) + 1

    with ThreadPoolExecutor(senders) as pool:
        list(pool.map(worker, range(senders)))
    return times, answers


def main() -> None:
    import django

    django.setup()
    from payments.models import Bill, BillStatus, Payment, PaymentState

    n_bills = int(os.environ.get("BENCH_PAYMENT_BILLS", "1600"))
    total = int(os.environ.get("BENCH_NOTIFICATIONS", "2000"))
    senders = int(os.environ.get("BENCH_SENDERS", "8"))
    bills = prepare(n_bills)
    queue = messages(bills, total=total, ooo_share=0.05)
    log(f"{len(bills):,} active bills; {len(queue):,} notifications ({len(queue) - len(bills):,} repeats, "
        f"5 % out of order) from {senders} concurrent senders")
    port = free_port()
    server = start_ardh(port, {"ARDH_DB_NAME": os.environ.get("ARDH_DB_NAME", "ardh_bench"),
                               "ARDH_LOG_LEVEL": "WARNING"})
    try:
        url = f"http://127.0.0.1:{port}/api/v1/payments/sadad/notifications"
        import requests

        for _ in range(40):  # warm the server's workers (unsigned: refused before any write)
            requests.post(url, data=b"{}", timeout=10)
        t0 = time.perf_counter()
        times, answers = send_all(url, queue, senders)
        wall = time.perf_counter() - t0
    finally:
        stop(server)
    log(f"notification, as the sender sees it ({len(times):,} requests in {wall:.1f} s, {len(times) / wall:.0f}/s): "
        f"p50 {statistics.median(times):.1f} ms, p95 {pct(times, 95):.1f} ms, p99 {pct(times, 99):.1f} ms "
        f"(goal p99 <= {P99_GOAL_MS:.0f} ms)   {'MET' if pct(times, 99) <= P99_GOAL_MS else 'NOT MET'}")
    log(f"answers: {answers}")
    recorded = Payment.objects.filter(biller_code=BILLER).count()
    log(f"recorded payments: {recorded:,} for {len(bills):,} bills (lost: {len(bills) - recorded}, goal 0)")

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    worker = popen_tied([str(ROOT / ".venv" / "bin" / "python"), "manage.py", "procrastinate", "worker",
                         "--concurrency", "4"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
    t0 = time.perf_counter()
    try:
        while Payment.objects.filter(biller_code=BILLER, state=PaymentState.RECEIVED).exists():
            if time.perf_counter() - t0 > 1800:
                break
            time.sleep(1)
        drained = time.perf_counter() - t0
    finally:
        stop(worker)
    from django.db.models import Count

    applied = Payment.objects.filter(biller_code=BILLER, state=PaymentState.APPLIED).count()
    doubles = (Payment.objects.filter(biller_code=BILLER, state=PaymentState.APPLIED).values("bill")
               .annotate(n=Count("id")).filter(n__gt=1).count())
    paid = Bill.objects.filter(service_code=SERVICE, status=BillStatus.PAID).count()
    log(f"applied by the worker in {drained:.1f} s ({applied / max(drained, 0.001):.0f}/s; the receipts' PDFs follow "
        f"in their own jobs, not timed): "
        f"{applied:,} applied, {paid:,} bills paid, double credits {doubles} (goal 0), "
        f"lost {len(bills) - paid} (goal 0)   {'MET' if doubles == 0 and paid == len(bills) else 'NOT MET'}")


if __name__ == "__main__":
    main()
