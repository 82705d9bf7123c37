"""SADAD's daily reconciliation file read strictly (docs/sadad-interface.md): the exact header, every line's
fields, the trailer's count and sum. A bad file is refused whole (``ReconciliationFileError``), naming the line
and the field in Arabic and English; ``payments.reconciliation`` compares what it reads."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from common.errors import RegisterError

HEADER = "payment_ref,biller_code,account_number,amount,currency,paid_at,bank_code,channel"
RIYADH = ZoneInfo("Asia/Riyadh")

_FIELDS = HEADER.split(",")
_PATTERNS = {
    "payment_ref": re.compile(r"[A-Z0-9][A-Z0-9-]{0,31}"),
    "biller_code": re.compile(r"[0-9]{3}"),
    "account_number": re.compile(r"[0-9]{12}"),
    "amount": re.compile(r"[0-9]{1,12}\.[0-9]{2}"),
    "currency": re.compile(r"SAR"),
    "paid_at": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?[+-][0-9]{2}:[0-9]{2}"),
    "bank_code": re.compile(r"[A-Za-z0-9_-]{0,10}"),
    "channel": re.compile(r"[A-Za-z0-9_-]{0,20}"),
}
_WHY = {
    "payment_ref": _("1 to 32 characters of A-Z, 0-9 and '-'"),
    "biller_code": _("3 digits"),
    "account_number": _("12 digits"),
    "amount": _("a positive amount with two decimals, e.g. 350.00"),
    "currency": _("only SAR"),
    "paid_at": _("an ISO 8601 time with its UTC offset, e.g. 2026-12-04T12:00:00+03:00"),
    "bank_code": _("up to 10 letters or digits"),
    "channel": _("up to 20 letters or digits"),
}
# The whole line at once (the common case); a line that does not match is checked field by field to say which.
_LINE = re.compile(",".join(f"(?:{p.pattern})" for p in _PATTERNS.values()))


def _render(message, params: dict) -> str:
    params = {k: _render(*v) if isinstance(v, tuple) else v for k, v in params.items()}
    return str(message) % params if params else str(message)


def both(message, **params) -> str:
    """``message`` in Arabic and in English (one string: an officer and an integrator both read it). A param
    given as (message, params) is rendered in each language too."""
    with translation.override("ar"):
        ar = _render(message, params)
    with translation.override("en"):
        en = _render(message, params)
    return ar if ar == en else f"{ar} — {en}"


class ReconciliationFileError(RegisterError):
    """The file is refused whole: which line (1 is the header) and field, and why, in Arabic and English."""

    def __init__(self, *, line: int, field: str, why, params: dict | None = None):
        self.line, self.field = line, field
        super().__init__(both(_("Reconciliation file refused: line %(line)s, field %(field)s: %(why)s."),
                              line=line, field=field, why=(why, params or {})), code="reconciliation_file")


def _refuse(line: int, field: str, why, params: dict | None = None) -> ReconciliationFileError:
    return ReconciliationFileError(line=line, field=field, why=why, params=params)


def _bad_line(line_no: int, fields: list[str]):
    if len(fields) != len(_FIELDS):
        return _refuse(line_no, "*", _("expected %(n)s comma-separated fields"), {"n": len(_FIELDS)})
    for name, value in zip(_FIELDS, fields, strict=True):
        if not _PATTERNS[name].fullmatch(value):
            return _refuse(line_no, name, _WHY[name])
    return None


def parse_file(content: bytes, *, biller_code: str, day: date) -> tuple[list[tuple], int, int]:
    """The file's lines as tuples of text (each checked), its count and its sum in halalas; refused whole
    (``ReconciliationFileError``) at the first bad line, a repeated reference, or a trailer that disagrees."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[:exc.start].count(b"\n") + 1
        raise _refuse(line, "*", _("not UTF-8 text")) from None
    raw = text.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    if not raw or raw[0].rstrip("\r") != HEADER:
        raise _refuse(1, "header", _("expected exactly: %(header)s"), {"header": HEADER})
    rows, seen, total = [], set(), 0
    start, end = datetime.combine(day, dtime.min, RIYADH), datetime.combine(day + timedelta(days=1), dtime.min, RIYADH)
    trailer = None
    for i, line in enumerate(raw[1:], start=2):
        line = line.rstrip("\r")
        if trailer is not None:
            raise _refuse(i, "*", _("nothing may follow the TRAILER line"))
        if line.startswith("TRAILER,"):
            trailer = (i, line)
            continue
        fields = line.split(",")
        if not _LINE.fullmatch(line):
            raise _bad_line(i, fields) or _refuse(i, "*", _("malformed"))
        ref, biller, _account, amount, _currency, paid_at = fields[:6]
        if biller != biller_code:
            raise _refuse(i, "biller_code", _("not this file's biller (%(code)s)"), {"code": biller_code})
        halalas = int(amount.replace(".", ""))
        if halalas <= 0:
            raise _refuse(i, "amount", _WHY["amount"])
        try:
            when = datetime.fromisoformat(paid_at)
        except ValueError:
            raise _refuse(i, "paid_at", _WHY["paid_at"]) from None
        if not (start <= when < end):
            raise _refuse(i, "paid_at", _("not on %(day)s (Riyadh time)"), {"day": day.isoformat()})
        if ref in seen:
            raise _refuse(i, "payment_ref", _("repeated in the file"))
        seen.add(ref)
        total += halalas
        rows.append((i, *fields))
    if trailer is None:
        raise _refuse(len(raw) + 1, "TRAILER", _("the TRAILER line is missing"))
    i, line = trailer
    parts = line.split(",")
    if len(parts) != 3 or not parts[1].isdigit() or not _PATTERNS["amount"].fullmatch(parts[2]):
        raise _refuse(i, "TRAILER", _("expected TRAILER,<count>,<sum with two decimals>"))
    if int(parts[1]) != len(rows):
        raise _refuse(i, "TRAILER count", _("says %(said)s lines, the file has %(has)s"),
                      {"said": parts[1], "has": len(rows)})
    if int(parts[2].replace(".", "")) != total:
        raise _refuse(i, "TRAILER sum", _("says %(said)s, the lines add up to %(has)s"),
                      {"said": parts[2], "has": f"{Decimal(total) / 100:.2f}"})
    return rows, len(rows), total


# --- the comparison, in SQL ----------------------------------------------------------------------------------
