"""Validation of one bill of an upload (docs/sadad-interface.md, "Ardh → SADAD: bill upload").

Each check returns a rejection ``{"account_number", "field", "code", "reason", "reason_ar"}`` or None; the
contract's fields are ``account_number``, ``field`` and ``reason`` (English); ``code`` and ``reason_ar`` are
extra, for a finance officer's page.
"""

from __future__ import annotations

import re

from .numbers import luhn_valid, parse_day, parse_money

PAYER_ID = re.compile(r"^[12]\d{9}$")
ACCOUNT = re.compile(r"^\d{12}$")
# What identifies a bill's content: an upsert repeating these of a paid bill changes nothing (accepted).
CONTENT_FIELDS = ("amount", "currency", "issue_date", "due_date", "expiry_date", "payer_id", "payer_name",
                  "service_code", "reference", "min_partial")
OPTIONAL_TEXT = ("payer_name", "service_code", "reference")


def rejection(account, field: str, code: str, reason: str, reason_ar: str) -> dict:
    return {"account_number": account if isinstance(account, str) else None, "field": field, "code": code,
            "reason": reason, "reason_ar": reason_ar}


def check_account(item: dict) -> dict | None:
    account = item.get("account_number")
    if not isinstance(account, str) or not ACCOUNT.match(account):
        return rejection(account, "account_number", "format", "the account number must be 12 digits",
                         "رقم الحساب يجب أن يكون 12 رقمًا")
    if not luhn_valid(account):
        return rejection(account, "account_number", "check_digit",
                         "the account number's check digit (Luhn) is wrong",
                         "خانة التحقق (لون) في رقم الحساب غير صحيحة")
    return None


def check_upsert(item: dict) -> dict | None:
    """The content of an upsert (the account number already checked)."""
    account = item["account_number"]
    amount = parse_money(item.get("amount"))
    if amount is None:
        return rejection(account, "amount", "format", "the amount must be a string with exactly two decimals",
                         "المبلغ يجب أن يكون نصًا بخانتين عشريتين بالضبط")
    if amount <= 0:
        return rejection(account, "amount", "not_positive", "the amount must be more than zero",
                         "المبلغ يجب أن يكون أكبر من صفر")
    if item.get("currency") != "SAR":
        return rejection(account, "currency", "currency", "the currency must be SAR",
                         "العملة يجب أن تكون الريال السعودي SAR")
    days = {}
    for name in ("issue_date", "due_date", "expiry_date"):
        days[name] = parse_day(item.get(name))
        if days[name] is None:
            return rejection(account, name, "format", f"{name} must be a date YYYY-MM-DD",
                             f"{name} يجب أن يكون تاريخًا بالصيغة YYYY-MM-DD")
    if days["due_date"] < days["issue_date"]:
        return rejection(account, "due_date", "order", "the due date is before the issue date",
                         "تاريخ الاستحقاق قبل تاريخ الإصدار")
    if days["expiry_date"] < days["due_date"]:
        return rejection(account, "expiry_date", "order", "the expiry date is before the due date",
                         "تاريخ الانتهاء قبل تاريخ الاستحقاق")
    payer = item.get("payer_id")
    if not isinstance(payer, str) or not PAYER_ID.match(payer):
        return rejection(account, "payer_id", "format",
                         "the payer id must be 10 digits starting with 1 (citizen) or 2 (resident)",
                         "هوية الدافع يجب أن تكون 10 أرقام تبدأ بـ 1 (مواطن) أو 2 (مقيم)")
    for name in OPTIONAL_TEXT:
        value = item.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > 200):
            return rejection(account, name, "format", f"{name} must be text of at most 200 characters",
                             f"{name} يجب أن يكون نصًا لا يزيد على 200 حرف")
    partial = item.get("min_partial")
    if partial is not None:
        minimum = parse_money(partial)
        if minimum is None or minimum <= 0 or minimum > amount:
            return rejection(account, "min_partial", "format",
                             "min_partial must be null or an amount with two decimals, above zero and at most "
                             "the bill's amount",
                             "الحد الأدنى للسداد الجزئي يجب أن يكون فارغًا أو مبلغًا موجبًا لا يتجاوز مبلغ الفاتورة")
    return None


def content(item: dict) -> dict:
    return {name: item.get(name) for name in CONTENT_FIELDS}
