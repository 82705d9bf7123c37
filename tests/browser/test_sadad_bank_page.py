"""The SADAD simulator's bank page in headless Chromium on a phone-sized screen: look a bill up, pay it, read the
payment reference; nothing loaded from elsewhere, nothing wider than the screen."""

from tests.sadad_sim.conftest import bill, upload_ok


def test_pay_a_bill_on_a_phone(browser, sadad_sim):
    upload_ok(sadad_sim, bill(12))
    context = browser.new_context(locale="ar", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(sadad_sim.bank_url)
        assert page.locator("html").get_attribute("dir") == "rtl"
        page.fill("#number", "091 0000 0000 0125")
        page.click("button[type=submit]")
        assert page.locator("#status").get_attribute("data-status") == "open"
        assert page.locator("#due").inner_text() == "350.00 SAR"
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.select_option("#bank", "ALBI")
        page.click("#pay")
        page.wait_for_url("**/bank/receipt/**")
        ref = page.locator("#payment-ref").inner_text()
        assert ref.startswith("SDD-") and page.url.endswith(ref)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.go_back()
        page.reload()  # a reload of the bill after paying shows it paid, and offers nothing to pay
        assert page.locator("#status").get_attribute("data-status") == "paid"
        assert page.locator("#pay").count() == 0
    finally:
        context.close()
    payments = sadad_sim.payments()
    assert [(p["payment_ref"], p["bank_code"]) for p in payments] == [(ref, "ALBI")]
    assert all(url.startswith(sadad_sim.url) for url in requests)
