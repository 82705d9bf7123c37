"""The daily reconciliation file (docs/sadad-interface.md): one payment per line of a Riyadh day, then
``TRAILER,count,sum``; written under DATA/recon/{biller}/{date}.csv when the day is closed.

``generate`` writes a big synthetic day (the reconciliation benchmark): the day's real payments, then N more for
the accounts given, the bills the simulator knows, or invented accounts.
"""

from __future__ import annotations

import csv
import os
import random
import tempfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from .numbers import RIYADH, account_number, money, parse_money
from .state import State

HEADER = ["payment_ref", "biller_code", "account_number", "amount", "currency", "paid_at", "bank_code", "channel"]
BANKS = ["RJHI", "SNB", "RIBL", "SABB", "ALBI", "BSFR", "ANB", "ARNB"]
CHANNELS = ["ONLINE", "MOBILE", "ATM", "BRANCH"]


def path_of(state: State, biller: str, day: str) -> Path:
    return state.dir / "recon" / biller / f"{day}.csv"


def _write(path: Path, rows) -> tuple[int, Decimal]:
    path.parent.mkdir(parents=True, exist_ok=True)
    count, total = 0, Decimal("0.00")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".recon-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(HEADER)
            for row in rows:
                writer.writerow(row)
                count += 1
                total += Decimal(row[3])
            writer.writerow(["TRAILER", count, money(total)])
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count, total


def _line(p: dict) -> list:
    return [p[name] for name in HEADER]


def close_day(state: State, biller: str, day: str) -> dict:
    """Write (or rewrite) the day's file from the payments made on it."""
    path = path_of(state, biller, day)
    with state.lock:
        count, total = _write(path, (_line(p) for p in state.day_payments(biller, day)))
        state.mark_closed(biller, day)
    return {"biller_code": biller, "date": day, "count": count, "sum": money(total), "path": str(path),
            "url": f"/billers/{biller}/reconciliation/{day}.csv"}


def generate(state: State, biller: str, day: str, lines: int, *, accounts: list | None = None,
             seed: int = 18) -> dict:
    """The day's file with its real payments plus ``lines`` synthetic ones, spread over the day."""
    rng = random.Random(seed)
    if accounts is None:
        with state.lock:
            known = state.data["bills"].get(biller, {})
            accounts = [{"account_number": a, "amount": money(Decimal(b["amount"]) - Decimal(b["paid_total"]))}
                        for a, b in known.items() if b["status"] in ("open", "partially_paid")]
    for item in accounts:
        if not isinstance(item, dict) or parse_money(item.get("amount")) is None \
                or not str(item.get("account_number", "")).isdigit():
            raise ValueError('each of accounts must be {"account_number": "...", "amount": "0.00"}')
    first = state.take_sequence(day, lines)
    start = datetime.combine(date.fromisoformat(day), time(0, 0), RIYADH)
    step = 86_400 / max(lines, 1)
    compact = day.replace("-", "")

    def rows():
        yield from (_line(p) for p in state.day_payments(biller, day))
        for i in range(lines):
            if i < len(accounts):
                account, amount = accounts[i]["account_number"], accounts[i]["amount"]
            else:  # invented bills, beyond the simulator's sequence range of real ones
                account = account_number(90_000_000_000 + i)
                amount = money(Decimal(rng.randrange(5_000, 500_000)) / 100)
            paid_at = (start + timedelta(seconds=int(i * step))).isoformat()
            yield [f"SDD-{compact}-{first + i:06d}", biller, account, amount, "SAR", paid_at,
                   rng.choice(BANKS), rng.choice(CHANNELS)]

    path = path_of(state, biller, day)
    with state.lock:
        count, total = _write(path, rows())
        state.mark_closed(biller, day)
    return {"biller_code": biller, "date": day, "count": count, "sum": money(total), "path": str(path),
            "synthetic": lines, "url": f"/billers/{biller}/reconciliation/{day}.csv"}
