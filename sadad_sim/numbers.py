"""SADAD identities: the 12-digit account number (11 digits of sequence + a Luhn check digit), the SADAD bill
number a person pays with (biller code + account number), payment references, money and Riyadh dates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

RIYADH = timezone(timedelta(hours=3))
MONEY = re.compile(r"^\d{1,12}\.\d{2}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # doubled: the rightmost digit of the payload sits next to the check digit
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) > 1 and luhn_digit(number[:-1]) == number[-1]


def account_number(sequence: int) -> str:
    """The account number of an 11-digit sequence."""
    body = f"{sequence:011d}"
    if len(body) != 11:
        raise ValueError("the sequence has more than 11 digits")
    return body + luhn_digit(body)


def split_bill_number(text: str, biller_digits: int = 3) -> tuple[str, str] | None:
    """``(biller_code, account_number)`` of a bill number typed with spaces or dashes; None when malformed."""
    digits = re.sub(r"[\s\-]", "", text or "")
    digits = digits.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789"))
    if not digits.isdigit() or len(digits) != biller_digits + 12:
        return None
    return digits[:biller_digits], digits[biller_digits:]


def format_bill_number(biller_code: str, account: str) -> str:
    """``091 0000 0001 2345``: the biller code, then the account number in groups of four."""
    return " ".join([biller_code, account[:4], account[4:8], account[8:]])


def parse_money(value) -> Decimal | None:
    """A positive or zero amount written as a string with exactly two decimals; None otherwise."""
    if not isinstance(value, str) or not MONEY.match(value):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


def parse_day(value) -> date | None:
    if not isinstance(value, str) or not DAY.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def riyadh_now() -> datetime:
    return datetime.now(UTC).astimezone(RIYADH).replace(microsecond=0)


def parse_instant(value: str) -> datetime | None:
    """An ISO 8601 time with an offset, in Riyadh time; None when malformed or naive."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(RIYADH)
