"""Revenue charts: a bar for every service and month, heights proportional to the amounts the test paid, the
same figures in the table; paid against unpaid by service."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from payments.models import BillStatus
from payments.selectors import month_starts
from tests.payments.factories import make_bill
from tests.web.conftest import page, signed_in

RIYADH = ZoneInfo("Asia/Riyadh")
RECT = re.compile(r'<rect class="bar" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="[^"]+" '
                  r'data-series="([^"]+)" data-category="([^"]+)" data-value="([^"]+)">')


def bars(svg: str) -> dict[tuple[str, str], tuple[float, Decimal]]:
    return {(s, c): (float(h), Decimal(v)) for _y, h, s, c, v in RECT.findall(svg)}


def charts(html: str) -> list[str]:
    return re.findall(r"<svg .*?</svg>", html, flags=re.S)


def paid_in(month: dt.date) -> dt.datetime:
    return dt.datetime(month.year, month.month, 15, 12, tzinfo=RIYADH)


def test_revenue_by_service_and_month(client, town, finance, layout):
    months = month_starts(today=timezone.localdate())
    cases = layout["cases"]
    paid = [  # (case, service, month index, amount, status)
        (cases["n1"], "kiosk_permit", 11, "1000.00", BillStatus.PAID),
        (cases["n2"], "kiosk_permit", 11, "500.00", BillStatus.SETTLED),
        (cases["s1"], "kiosk_permit", 9, "250.00", BillStatus.SETTLED),
        (cases["s2"], "signboard", 11, "750.00", BillStatus.PAID),
        (cases["s2"], "signboard", 0, "2000.00", BillStatus.SETTLED),
    ]
    for case, service, i, amount, status in paid:
        make_bill(case=case, service_code=service, amount=amount, status=status, paid_at=paid_in(months[i]),
                  issue_date=months[i])
    make_bill(case=cases["n1"], amount="9999.00", status=BillStatus.ACTIVE)  # not revenue
    make_bill(case=cases["n1"], amount="8888.00", status=BillStatus.REFUNDED, paid_at=paid_in(months[11]))
    make_bill(case=cases["n1"], amount="7777.00", status=BillStatus.PAID,  # paid before the window
              paid_at=paid_in(months[0]) - dt.timedelta(days=40), issue_date=months[0] - dt.timedelta(days=60))
    response = signed_in(client, finance).get("/finance/revenue/")
    assert response.status_code == 200
    html = page(response)
    monthly, _split = charts(html)
    assert 'role="img"' in monthly and "<title" in monthly and "<desc" in monthly and 'data-dir="rtl"' in monthly
    found = bars(monthly)
    keys = [m.strftime("%Y-%m") for m in months]
    assert set(found) == {(s, k) for s in ("kiosk_permit", "signboard") for k in keys}  # a bar per service and month
    expected = {("kiosk_permit", keys[11]): Decimal("1500.00"), ("kiosk_permit", keys[9]): Decimal("250.00"),
                ("signboard", keys[11]): Decimal("750.00"), ("signboard", keys[0]): Decimal("2000.00")}
    for key, (height, value) in found.items():
        assert value == expected.get(key, Decimal("0.00"))
    per_sar = {round(h / float(v), 6) for h, v in found.values() if v}
    assert len(per_sar) == 1  # heights proportional to the amounts
    assert all(h == 0 for h, v in found.values() if not v)
    axis_max = float(re.search(r'data-axis-max="([\d.]+)"', monthly).group(1))
    plot_height = float(re.search(r'data-plot-height="([\d.]+)"', monthly).group(1))
    assert axis_max >= 2250 and abs(per_sar.pop() - plot_height / axis_max) < 1e-4
    # The same figures in the table under it.
    assert "4,500.00" in html[html.index('id="revenue-total"'):][:200]
    assert "1,500.00" in html and "2,000.00" in html
    assert "9,999.00" not in html.split('id="paid-unpaid"')[0] and "7,777.00" not in html


def test_paid_against_unpaid_by_service(client, town, finance, layout):
    cases = layout["cases"]
    make_bill(case=cases["n1"], amount="100.00", status=BillStatus.PAID)
    make_bill(case=cases["n2"], amount="300.00", status=BillStatus.ACTIVE)
    make_bill(case=cases["s1"], amount="50.00", status=BillStatus.EXPIRED)
    make_bill(case=cases["s2"], service_code="signboard", amount="400.00", status=BillStatus.SETTLED)
    make_bill(case=cases["s2"], service_code="signboard", amount="60.00", status=BillStatus.CANCELLED)
    html = page(signed_in(client, finance).get("/finance/revenue/", HTTP_ACCEPT_LANGUAGE="en"))
    split = charts(html)[1]
    assert 'data-dir="ltr"' in split
    found = bars(split)
    assert {k: v for k, (_h, v) in found.items()} == {
        ("paid", "kiosk_permit"): Decimal("100.00"), ("unpaid", "kiosk_permit"): Decimal("350.00"),
        ("paid", "signboard"): Decimal("400.00"), ("unpaid", "signboard"): Decimal("0.00")}
    assert abs(found[("paid", "signboard")][0] - 4 * found[("paid", "kiosk_permit")][0]) < 0.01
    table = html[html.index('id="paid-unpaid-table"'):]
    assert re.search(r'data-service="kiosk_permit">.*?100\.00.*?>1<.*?350\.00.*?>2<', table, flags=re.S)
