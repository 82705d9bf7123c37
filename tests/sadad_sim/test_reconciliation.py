"""The daily reconciliation file: the doc's format (header, lines of the Riyadh day, TRAILER count,sum), signed
request, 404 before the day is closed, past days closed on request, the synthetic big file."""

import csv
import io
import time
from datetime import timedelta
from decimal import Decimal

from sadad_sim.numbers import luhn_valid

from .conftest import TODAY, bill, upload_ok

HEADER = "payment_ref,biller_code,account_number,amount,currency,paid_at,bank_code,channel"


def test_the_file_of_a_closed_day(sadad_sim):
    upload_ok(sadad_sim, bill(12), bill(13, amount="99.95"), bill(14, amount="1.05"), bill(15))
    day = TODAY.isoformat()
    assert sadad_sim.reconciliation(day)[0] == 404  # not closed yet
    a = sadad_sim.pay(account_number=bill(13)["account_number"], paid_at=f"{day}T09:30:00+03:00", bank_code="SNB")
    b = sadad_sim.pay(account_number="000000000125", paid_at=f"{day}T08:00:00+03:00")
    # The day is Riyadh's (UTC+3): 21:30 UTC the day before is 00:30 of the day; 21:30 UTC of the day is the next.
    c = sadad_sim.pay(account_number=bill(14)["account_number"], paid_at=f"{TODAY - timedelta(days=1)}T21:30:00Z")
    sadad_sim.pay(account_number=bill(15)["account_number"], paid_at=f"{day}T21:30:00Z")
    result = sadad_sim.close_day(day)
    assert (result["count"], result["sum"]) == (3, "451.00")
    status, text = sadad_sim.reconciliation(day)
    assert status == 200
    assert text == (f"{HEADER}\n"
                    f"{c['payment_ref']},091,{bill(14)['account_number']},1.05,SAR,{day}T00:30:00+03:00,RJHI,ONLINE\n"
                    f"{b['payment_ref']},091,000000000125,350.00,SAR,{day}T08:00:00+03:00,RJHI,ONLINE\n"
                    f"{a['payment_ref']},091,{bill(13)['account_number']},99.95,SAR,{day}T09:30:00+03:00,SNB,ONLINE\n"
                    "TRAILER,3,451.00\n")
    assert (sadad_sim.data_dir / "recon" / "091" / f"{day}.csv").read_text() == text


def test_signed_requests_only_and_dates_checked(sadad_sim):
    sadad_sim.close_day(TODAY.isoformat())
    assert sadad_sim.reconciliation(TODAY.isoformat(), signed=False)[0] == 401
    assert sadad_sim.reconciliation("2026-13-01")[0] == 400
    assert sadad_sim.reconciliation((TODAY + timedelta(days=1)).isoformat())[0] == 404


def test_a_past_day_is_closed_on_request(sadad_sim):
    upload_ok(sadad_sim, bill(12))
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    sadad_sim.pay("091000000000125", paid_at=f"{yesterday}T12:00:00+03:00")
    status, text = sadad_sim.reconciliation(yesterday)
    assert status == 200 and text.endswith("TRAILER,1,350.00\n")
    empty = (TODAY - timedelta(days=2)).isoformat()
    assert sadad_sim.reconciliation(empty) == (200, f"{HEADER}\nTRAILER,0,0.00\n")


def test_a_big_synthetic_file_for_the_benchmark(sadad_sim):
    upload_ok(sadad_sim, bill(12), bill(13))
    day = TODAY.isoformat()
    real = sadad_sim.pay("091000000000125")
    start = time.monotonic()
    result = sadad_sim.generate_file(day, 100_000)
    took = time.monotonic() - start
    assert result["count"] == 100_001 and took < 10
    _, text = sadad_sim.reconciliation(day)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER.split(",") and rows[1][0] == real["payment_ref"]
    body, trailer = rows[1:-1], rows[-1]
    assert trailer == ["TRAILER", "100001", str(sum(Decimal(r[3]) for r in body))]
    assert len({r[0] for r in body}) == 100_001
    assert rows[2][2] == bill(13)["account_number"]  # the open bills the simulator knows come first
    assert all(luhn_valid(r[2]) and r[4] == "SAR" and r[5].startswith(day) for r in body)
    next_ref = sadad_sim.pay(account_number=bill(13)["account_number"])["payment_ref"]
    assert next_ref == f"SDD-{day.replace('-', '')}-100002"  # the synthetic lines took their numbers


def test_generate_with_given_accounts(sadad_sim):
    day = TODAY.isoformat()
    given = [{"account_number": "000000000125", "amount": "12.00"}, {"account_number": bill(13)["account_number"],
                                                                     "amount": "8.00"}]
    result = sadad_sim.generate_file(day, 2, accounts=given)
    assert (result["count"], result["sum"]) == (2, "20.00")
