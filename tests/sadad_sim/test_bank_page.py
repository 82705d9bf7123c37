"""The bank channel page with plain HTTP: look a bill up by its SADAD number, pay, see the reference; refusals
for unknown, cancelled, paid and expired bills in Arabic and English."""

import http.client
import re
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest

from .conftest import TODAY, bill, upload_ok


def get(sim, path):
    status, raw, _ = sim.request("GET", path)
    return status, raw.decode()


def post_pay(sim, number, bank="RIBL"):
    conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=10)
    conn.request("POST", "/bank/pay", body=urlencode({"number": number, "bank_code": bank}),
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    result = resp.status, resp.getheader("Location"), resp.read().decode()
    conn.close()
    return result


def test_the_page_is_arabic_first_with_english_rtl_for_a_phone_and_self_contained(sadad_sim):
    status, html = get(sadad_sim, "/bank/")
    assert status == 200
    assert '<html lang="ar" dir="rtl">' in html and 'name="viewport"' in html
    assert html.index("رقم فاتورة سداد") < html.index("SADAD bill number")
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_look_up_pay_and_see_the_reference(sadad_sim):
    upload_ok(sadad_sim, bill(12))
    status, html = get(sadad_sim, "/bank/bill?number=" + quote("091 0000 0000 0125"))
    assert status == 200
    assert "محمد عبدالله العتيبي" not in html and "م••• ع•••••• ا••••••" in html  # noqa: RUF001
    assert "350.00 SAR" in html and 'data-status="open"' in html and "قرار مساحي" in html
    assert (TODAY + timedelta(days=14)).isoformat() in html and (TODAY + timedelta(days=30)).isoformat() in html
    status, location, _ = post_pay(sadad_sim, "091 0000 0000 0125")
    assert status == 303 and location.startswith("/bank/receipt/SDD-")
    ref = location.rsplit("/", 1)[1]
    status, html = get(sadad_sim, location)
    assert status == 200 and f'id="payment-ref">{ref}<' in html and "تم السداد بنجاح" in html
    assert sadad_sim.payments()[0]["bank_code"] == "RIBL"
    assert sadad_sim.bill("000000000125")["status"] == "paid"
    status, html = get(sadad_sim, "/bank/bill?number=091000000000125")
    assert 'data-status="paid"' in html and 'id="pay"' not in html


@pytest.mark.parametrize("case", ["unknown", "cancelled", "paid", "expired"])
def test_refusals(sadad_sim, case):
    if case == "expired":
        upload_ok(sadad_sim, bill(12, issue_date=(TODAY - timedelta(days=9)).isoformat(),
                                  due_date=(TODAY - timedelta(days=5)).isoformat(),
                                  expiry_date=(TODAY - timedelta(days=1)).isoformat()))
    elif case != "unknown":
        upload_ok(sadad_sim, bill(12))
    if case == "cancelled":
        upload_ok(sadad_sim, {"action": "cancel", "account_number": "000000000125"})
    if case == "paid":
        sadad_sim.pay("091000000000125")
    status, _, html = post_pay(sadad_sim, "091000000000125")
    expected = {"unknown": (404, "لا توجد فاتورة بهذا الرقم", "No bill with this number"),
                "cancelled": (409, "ألغت الجهة المفوترة", "cancelled by the biller"),
                "paid": (409, "مسددة مسبقًا", "already paid"),
                "expired": (409, "انتهت صلاحية", "expired on")}[case]
    assert status == expected[0]
    assert expected[1] in html and expected[2] in html and 'role="alert"' in html
    assert len(sadad_sim.payments()) == (1 if case == "paid" else 0)


def test_a_malformed_number_says_what_is_expected(sadad_sim):
    status, html = get(sadad_sim, "/bank/bill?number=12345")
    assert status == 400 and "15 digits" in html and "15 رقمًا" in html
