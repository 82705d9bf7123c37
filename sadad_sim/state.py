"""The simulator's state: bills, payments, the notification outbox, faults, closed days — one JSON file in the
data directory, rewritten atomically (temp file + ``os.replace``) after every change, so a restart keeps all.

Every operation runs under one lock; the delivery thread (delivery.py) waits on a condition of that lock.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import threading
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from . import faults as fault_modes
from .numbers import RIYADH, money, parse_day, parse_instant, parse_money, riyadh_now
from .validation import check_account, check_upsert, content, rejection

DELIVERY_LOG_LIMIT = 20_000
UPLOAD_MEMORY = 1_000
SAVE_EVERY_S = 0.25


def empty_state(config: dict | None = None) -> dict:
    return {
        "version": 1,
        "config": config or {},
        "faults": dict(fault_modes.DEFAULTS),
        "bills": {},  # biller code → account number → bill
        "payments": [],  # in the order they were made
        "sequences": {},  # YYYYMMDD → the day's last payment number
        "outbox": [],  # notifications to deliver, in order
        "held": [],  # out_of_order: notifications held back
        "dead": [],  # notifications that exhausted their attempts
        "deliveries": [],  # every attempt
        "uploads": {},  # upload_id → the answer given (a repeated upload gets the same answer)
        "closed_days": {},  # biller code → ["YYYY-MM-DD", ...]
    }


class Refused(Exception):
    """A payment SADAD refuses: ``code`` and a message in Arabic and English."""

    def __init__(self, code: str, en: str, ar: str):
        super().__init__(en)
        self.code, self.en, self.ar = code, en, ar

    def as_json(self) -> dict:
        return {"error": self.code, "message": self.en, "message_ar": self.ar}


class State:
    def __init__(self, data_dir: Path, *, biller: str, config: dict):
        self.dir = Path(data_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / "state.json"
        self.biller = biller
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.dirty, self.saved_at = False, 0.0
        if self.path.exists():
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
            self.data["config"].update({k: v for k, v in config.items() if v is not None})
        else:
            self.data = empty_state(config)
        self.save()

    # --- persistence
    def save(self, *, soon: bool = False) -> None:
        """Write the state file; ``soon``: at most every SAVE_EVERY_S (the delivery thread's attempt log — a kill
        in between at worst delivers a delivered message again, which the receiver deduplicates)."""
        with self.lock:
            if soon and time.monotonic() - self.saved_at < SAVE_EVERY_S:
                self.dirty = True
                self.changed.notify_all()
                return
            self.dirty, self.saved_at = False, time.monotonic()
            text = json.dumps(self.data, ensure_ascii=False, separators=(",", ":"))
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".state-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                # Atomic against a killed process (the file is whole, old or new); no fsync: a simulator need not
                # survive the machine's crash, and fsync per change would cap it at tens of payments a second.
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self.changed.notify_all()

    def snapshot(self, key: str):
        with self.lock:
            return copy.deepcopy(self.data[key])

    @property
    def config(self) -> dict:
        return self.data["config"]

    @property
    def faults(self) -> dict:
        return self.data["faults"]

    # --- control
    def set_config(self, changes: dict) -> dict:
        allowed = {"notify_url": (str, type(None)), "backoff_ms": (int,), "max_attempts": (int,),
                   "timeout_s": (int, float)}
        for name, value in changes.items():
            if name not in allowed or isinstance(value, bool) or not isinstance(value, allowed[name]):
                raise ValueError(f"unknown or mistyped setting {name!r}; settings: {', '.join(allowed)}")
            if (name in ("max_attempts", "timeout_s") and value <= 0) or (name == "backoff_ms" and value < 0):
                raise ValueError(f"{name} must be positive")
        with self.lock:
            self.config.update(changes)
            self.save()
            return dict(self.config)

    def set_faults(self, changes) -> dict:
        cleaned = fault_modes.clean(changes)
        with self.lock:
            self.faults.update(cleaned)
            if "out_of_order" in cleaned and not cleaned["out_of_order"]:
                self._release_held()
            self.save()
            return dict(self.faults)

    def reset(self) -> None:
        with self.lock:
            self.data = empty_state(self.config)
            recon = self.dir / "recon"
            if recon.exists():
                for path in recon.rglob("*.csv"):
                    path.unlink()
            self.save()

    # --- bills
    def bill(self, biller: str, account: str) -> dict | None:
        with self.lock:
            found = self.data["bills"].get(biller, {}).get(account)
            return copy.deepcopy(found) if found else None

    def upload(self, biller: str, body) -> tuple[int, dict]:
        """Apply one bill upload; ``(400, error)`` for a malformed body, else ``(200, answer)``."""
        if not isinstance(body, dict) or not isinstance(body.get("bills"), list):
            return 400, {"error": "malformed", "message": 'the body must be {"upload_id": ..., "bills": [...]}'}
        upload_id = body.get("upload_id")
        if not isinstance(upload_id, str) or not upload_id or len(upload_id) > 100:
            return 400, {"error": "malformed", "message": "upload_id must be a non-empty string"}
        with self.lock:
            earlier = self.data["uploads"].get(upload_id)
            if earlier is not None:
                return 200, earlier
            accepted, rejected = [], []
            bills = self.data["bills"].setdefault(biller, {})
            for item in body["bills"]:
                problem = self._apply(bills, item)
                if problem:
                    rejected.append(problem)
                else:
                    accepted.append(item["account_number"])
            answer = {"upload_id": upload_id, "accepted": accepted, "rejected": rejected}
            uploads = self.data["uploads"]
            uploads[upload_id] = answer
            while len(uploads) > UPLOAD_MEMORY:
                uploads.pop(next(iter(uploads)))
            self.save()
            return 200, answer

    def _apply(self, bills: dict, item) -> dict | None:
        if not isinstance(item, dict):
            return rejection(None, "bill", "format", "each bill must be a JSON object",
                             "كل فاتورة يجب أن تكون كائن JSON")
        problem = check_account(item)
        if problem:
            return problem
        account = item["account_number"]
        existing = bills.get(account)
        action = item.get("action")
        if action == "cancel":
            if existing is None:
                return rejection(account, "account_number", "unknown", "no such bill to cancel",
                                 "لا توجد فاتورة بهذا الرقم لإلغائها")
            if Decimal(existing["paid_total"]) > 0:
                return rejection(account, "action", "paid", "the bill is paid; it cannot be cancelled",
                                 "الفاتورة مسددة ولا يمكن إلغاؤها")
            existing["status"] = "cancelled"
            return None
        if action != "upsert":
            return rejection(account, "action", "format", 'action must be "upsert" or "cancel"',
                             'الإجراء يجب أن يكون "upsert" أو "cancel"')
        problem = check_upsert(item)
        if problem:
            return problem
        new = content(item)
        if existing is not None and Decimal(existing["paid_total"]) > 0:
            if content(existing) == new:
                return None  # the same bill again: nothing changes
            return rejection(account, "account_number", "paid", "the bill is paid; it cannot be changed",
                             "الفاتورة مسددة ولا يمكن تعديلها")
        bills[account] = {**new, "account_number": account, "status": "open", "paid_total": "0.00",
                          "payments": [], "updated_at": riyadh_now().isoformat()}
        return None

    # --- payments
    def pay(self, biller: str, account: str, *, amount: str | None = None, channel: str = "ONLINE",
            bank_code: str = "RJHI", paid_at: str | None = None, force: bool = False) -> dict:
        """Pay a bill as the bank would; Refused when SADAD refuses (``force``: the bank took it anyway)."""
        moment = riyadh_now() if paid_at is None else parse_instant(paid_at)
        if moment is None:
            raise Refused("paid_at", "paid_at must be an ISO 8601 time with an offset",
                          "وقت السداد يجب أن يكون بصيغة ISO 8601 مع فارق التوقيت")
        if not (isinstance(channel, str) and channel.isascii() and 0 < len(channel) <= 16 and
                isinstance(bank_code, str) and bank_code.isascii() and 0 < len(bank_code) <= 16):
            raise Refused("channel", "channel and bank_code must be short codes",
                          "القناة ورمز البنك يجب أن يكونا رموزًا قصيرة")
        with self.lock:
            bill = self.data["bills"].get(biller, {}).get(account)
            remaining = None
            if bill is None:
                if not force:
                    raise Refused("unknown", "No bill with this number.", "لا توجد فاتورة بهذا الرقم.")
            else:
                remaining = Decimal(bill["amount"]) - Decimal(bill["paid_total"])
                if bill["status"] == "cancelled" and not force:
                    raise Refused("cancelled", "This bill was cancelled by the biller; it cannot be paid.",
                                  "ألغت الجهة المفوترة هذه الفاتورة؛ لا يمكن سدادها.")
                if remaining <= 0 and not force:
                    raise Refused("paid", "This bill is already paid.", "هذه الفاتورة مسددة مسبقًا.")
                expiry = parse_day(bill["expiry_date"])
                if moment.date() > expiry and not (force or self.faults.get("pay_expired")):
                    raise Refused("expired", f"This bill expired on {bill['expiry_date']}; it cannot be paid.",
                                  f"انتهت صلاحية هذه الفاتورة في {bill['expiry_date']}؛ لا يمكن سدادها.")
            if amount is None:
                if remaining is None or remaining <= 0:
                    raise Refused("amount", "amount is required for this payment", "المبلغ مطلوب لهذا السداد")
                paid = remaining
            else:
                paid = parse_money(amount)
                if paid is None or paid <= 0:
                    raise Refused("amount", "amount must be more than zero with two decimals",
                                  "المبلغ يجب أن يكون أكبر من صفر بخانتين عشريتين")
                if bill is not None and not force and paid != remaining:
                    minimum = parse_money(bill.get("min_partial") or "")
                    if minimum is None or not (minimum <= paid <= remaining):
                        raise Refused("amount", f"The amount due is {money(remaining)} SAR.",
                                      f"المبلغ المستحق {money(remaining)} ريال.")
            return self._record_payment(biller, account, bill, paid, moment, channel, bank_code)

    def _record_payment(self, biller, account, bill, paid: Decimal, moment: datetime, channel, bank_code) -> dict:
        day = moment.strftime("%Y%m%d")
        number = self.data["sequences"].get(day, 0) + 1
        self.data["sequences"][day] = number
        reported = paid
        if self.faults.get("wrong_amount"):
            reported = paid + Decimal(self.faults["wrong_amount"])
        payment = {
            "payment_ref": f"SDD-{day}-{number:06d}", "biller_code": biller, "account_number": account,
            "amount": money(reported), "currency": "SAR", "paid_at": moment.isoformat(),
            "bank_code": bank_code, "channel": channel,
            "true_amount": money(paid), "notify": not self.faults.get("skip_notify"),
            "in_file": not self.faults.get("omit_from_file"),
        }
        if bill is not None:
            bill["paid_total"] = money(Decimal(bill["paid_total"]) + paid)
            bill["payments"].append(payment["payment_ref"])
            bill["status"] = "paid" if Decimal(bill["paid_total"]) >= Decimal(bill["amount"]) else "partially_paid"
        self.data["payments"].append(payment)
        if payment["notify"]:
            self._enqueue(payment)
        self.save()
        return payment

    def payment(self, ref: str) -> dict | None:
        with self.lock:
            for p in reversed(self.data["payments"]):
                if p["payment_ref"] == ref:
                    return dict(p)
        return None

    # --- the outbox
    def _enqueue(self, payment: dict) -> None:
        from .signing import new_message_id

        body = {name: payment[name] for name in ("payment_ref", "biller_code", "account_number", "amount",
                                                 "currency", "paid_at", "bank_code", "channel")}
        message = {"webhook_id": new_message_id(), "payment_ref": payment["payment_ref"],
                   "body": json.dumps({"type": "payment", **body}, ensure_ascii=False, separators=(",", ":")),
                   "sends_left": 1 + int(self.faults.get("duplicates") or 0), "copy": 1, "attempts": 0,
                   "next_at": 0.0}
        payment["webhook_id"] = message["webhook_id"]
        hold = self.faults.get("out_of_order")
        if hold:
            self.data["held"].append(message)
            if hold is not True and len(self.data["held"]) >= hold:
                self._release_held()
        else:
            self.data["outbox"].append(message)

    def _release_held(self) -> int:
        held = self.data["held"]
        self.data["outbox"].extend(reversed(held))
        self.data["held"] = []
        return len(held)

    def flush(self) -> int:
        with self.lock:
            released = self._release_held()
            self.save()
            return released

    def log_delivery(self, entry: dict) -> None:
        log = self.data["deliveries"]
        log.append(entry)
        if len(log) > DELIVERY_LOG_LIMIT:
            del log[: len(log) - DELIVERY_LOG_LIMIT]

    # --- days
    def today(self) -> str:
        return riyadh_now().date().isoformat()

    def day_payments(self, biller: str, day: str) -> list[dict]:
        with self.lock:
            rows = [p for p in self.data["payments"] if p["biller_code"] == biller and p["in_file"]
                    and datetime.fromisoformat(p["paid_at"]).astimezone(RIYADH).date().isoformat() == day]
        return sorted(rows, key=lambda p: (datetime.fromisoformat(p["paid_at"]), p["payment_ref"]))

    def is_closed(self, biller: str, day: str) -> bool:
        with self.lock:
            return day in self.data["closed_days"].get(biller, [])

    def mark_closed(self, biller: str, day: str) -> None:
        with self.lock:
            days = self.data["closed_days"].setdefault(biller, [])
            if day not in days:
                days.append(day)
            self.save()

    def take_sequence(self, day: str, count: int) -> int:
        """Reserve ``count`` payment numbers of ``day`` (YYYY-MM-DD); the first one."""
        key = day.replace("-", "")
        with self.lock:
            first = self.data["sequences"].get(key, 0) + 1
            self.data["sequences"][key] = first + count - 1
            self.save()
            return first
