"""The bank channel page (``/bank/``): what a person sees in their bank's app to pay a SADAD bill.

Arabic first with the English beside it, right-to-left, for a phone; no external assets (inline CSS only).
"""

from __future__ import annotations

from datetime import date
from html import escape

from .numbers import format_bill_number

SERVICES = {
    "survey_decision": ("قرار مساحي", "Survey decision"),
    "building_permit": ("رخصة بناء", "Building permit"),
    "licence": ("رخصة", "Licence"),
    "fine": ("مخالفة", "Fine"),
}
STATUSES = {
    "open": ("مستحقة", "Due"),
    "partially_paid": ("مسددة جزئيًا", "Partly paid"),
    "paid": ("مسددة", "Paid"),
    "cancelled": ("ملغاة", "Cancelled"),
    "expired": ("منتهية الصلاحية", "Expired"),
}
BANKS = [("RJHI", "مصرف الراجحي", "Al Rajhi Bank"), ("SNB", "البنك الأهلي السعودي", "Saudi National Bank"),
         ("RIBL", "بنك الرياض", "Riyad Bank"), ("ALBI", "بنك البلاد", "Bank Albilad"),
         ("SABB", "البنك السعودي الأول", "SAB")]

CSS = """
*{box-sizing:border-box}body{margin:0;font-family:system-ui,"Noto Sans Arabic",Tahoma,sans-serif;background:#f3f5f4;
color:#1c2b25;line-height:1.5}header{background:#0b6e4f;color:#fff;padding:12px 16px}
header h1{margin:0;font-size:1.15rem}
main{max-width:34rem;margin:0 auto;padding:16px}.card{background:#fff;border-radius:10px;padding:16px;
box-shadow:0 1px 3px #0002;margin-bottom:16px}.en{color:#56665f;font-size:.9em}label{display:block;font-weight:600;
margin-bottom:6px}input,select{width:100%;font-size:1.1rem;padding:10px;border:1px solid #9aa9a2;border-radius:8px;
direction:ltr;text-align:left}button{width:100%;margin-top:14px;font-size:1.1rem;padding:12px;border:0;border-radius:8px;
background:#0b6e4f;color:#fff;cursor:pointer}dl{display:grid;grid-template-columns:auto 1fr;gap:6px 12px;margin:0}
dt{font-weight:600}dd{margin:0}.msg{padding:12px;border-radius:8px;margin-bottom:16px}.bad{background:#fde8e8;
color:#8a1c1c}.good{background:#e5f5ec;color:#0b5a3f}.ref{font-size:1.3rem;font-weight:700;direction:ltr;
unicode-bidi:isolate}.num{direction:ltr;unicode-bidi:isolate}a{color:#0b6e4f}
"""


def both(ar: str, en: str) -> str:
    """Arabic, then the English beside it."""
    return f'{escape(ar)} <span class="en" lang="en" dir="ltr">· {escape(en)}</span>'


def page(title_ar: str, title_en: str, body: str) -> str:
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title_ar)} · {escape(title_en)}</title><style>{CSS}</style></head><body>"
            f'<header><h1>{both("سداد — قناة البنك (محاكي)", "SADAD — bank channel (simulator)")}</h1></header>'
            f"<main>{body}</main></body></html>")


def message(ar: str, en: str, *, good: bool = False) -> str:
    return f'<div class="msg {"good" if good else "bad"}" role="{"status" if good else "alert"}">{both(ar, en)}</div>'


def lookup_form(value: str = "") -> str:
    return (f'<form class="card" method="get" action="/bank/bill">'
            f'<label for="number">{both("رقم فاتورة سداد", "SADAD bill number")}</label>'
            f'<input id="number" name="number" inputmode="numeric" autocomplete="off" required '
            f'placeholder="091 0000 0001 2345" value="{escape(value)}">'
            f'<button type="submit">{both("استعلام", "Look up")}</button></form>')


def home(*, value: str = "", error: tuple[str, str] | None = None) -> str:
    return page("سداد الفواتير", "Pay a bill", (message(*error) if error else "") + lookup_form(value))


def mask_name(name: str | None) -> str:
    """Each word's first letter, the rest hidden: the payer stays recognisable to themself."""
    return " ".join(w[0] + "•" * (len(w) - 1) for w in (name or "").split()) or "—"


def display_status(bill: dict, today: date) -> str:
    if bill["status"] in ("open", "partially_paid") and date.fromisoformat(bill["expiry_date"]) < today:
        return "expired"
    return bill["status"]


def bill_page(bill: dict, biller: str, *, today: date, refusal: tuple[str, str] | None = None) -> str:
    from decimal import Decimal

    number = format_bill_number(biller, bill["account_number"])
    status = display_status(bill, today)
    service = SERVICES.get(bill.get("service_code") or "", (bill.get("service_code") or "—",) * 2)
    due = Decimal(bill["amount"]) - Decimal(bill["paid_total"])
    rows = [
        (("رقم الفاتورة", "Bill number"), f'<span class="num">{escape(number)}</span>'),
        (("الدافع", "Payer"), escape(mask_name(bill.get("payer_name")))),
        (("الخدمة", "Service"), both(*service)),
        (("المرجع", "Reference"), f'<span class="num">{escape(bill.get("reference") or "—")}</span>'),
        (("المبلغ", "Amount"), f'<span class="num">{escape(bill["amount"])} SAR</span>'),
        (("المتبقي", "Amount due"), f'<span class="num" id="due">{due:.2f} SAR</span>'),
        (("تاريخ الاستحقاق", "Due date"), f'<span class="num">{escape(bill["due_date"])}</span>'),
        (("تاريخ الانتهاء", "Expiry date"), f'<span class="num">{escape(bill["expiry_date"])}</span>'),
        (("الحالة", "Status"), f'<span id="status" data-status="{status}">{both(*STATUSES[status])}</span>'),
    ]
    details = "".join(f"<dt>{both(*label)}</dt><dd>{value}</dd>" for label, value in rows)
    body = (message(*refusal) if refusal else "") + f'<section class="card"><dl>{details}</dl>'
    if status in ("open", "partially_paid") and not refusal:
        options = "".join(f'<option value="{code}">{escape(ar)} · {escape(en)}</option>' for code, ar, en in BANKS)
        body += (f'<form method="post" action="/bank/pay"><input type="hidden" name="number" value="{escape(number)}">'
                 f'<label for="bank" style="margin-top:14px">{both("البنك", "Bank")}</label>'
                 f'<select id="bank" name="bank_code">{options}</select>'
                 f'<button type="submit" id="pay">{both(f"سداد {due:.2f} ريال", f"Pay {due:.2f} SAR")}</button>'
                 f"</form>")
    body += f'</section><p><a href="/bank/">{both("فاتورة أخرى", "Another bill")}</a></p>'
    return page("تفاصيل الفاتورة", "Bill details", body)


def receipt_page(payment: dict) -> str:
    number = format_bill_number(payment["biller_code"], payment["account_number"])
    rows = [
        (("مرجع السداد", "Payment reference"),
         f'<span class="ref" id="payment-ref">{escape(payment["payment_ref"])}</span>'),
        (("رقم الفاتورة", "Bill number"), f'<span class="num">{escape(number)}</span>'),
        (("المبلغ", "Amount"), f'<span class="num">{escape(payment["true_amount"])} SAR</span>'),
        (("وقت السداد", "Paid at"), f'<span class="num">{escape(payment["paid_at"])}</span>'),
        (("البنك", "Bank"), f'<span class="num">{escape(payment["bank_code"])}</span>'),
    ]
    details = "".join(f"<dt>{both(*label)}</dt><dd>{value}</dd>" for label, value in rows)
    body = (message("تم السداد بنجاح. احتفظ بمرجع السداد.", "Payment done. Keep the payment reference.", good=True)
            + f'<section class="card"><dl>{details}</dl></section>'
            + f'<p><a href="/bank/">{both("سداد فاتورة أخرى", "Pay another bill")}</a></p>')
    return page("تأكيد السداد", "Payment confirmation", body)
