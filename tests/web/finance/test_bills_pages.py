"""The finance officers' bills: who may open them, filters and the filtered set's totals, search by SADAD or case
number, one bill's page (lines explained in the page's language, payments, discrepancies, its case)."""

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone

from payments.models import BillStatus, Discrepancy, DiscrepancyKind, LineKind, Payment
from tests.cases.conftest import open_case, staff
from tests.factories import ParcelFactory, PlanFactory
from tests.payments.factories import make_bill
from tests.web.conftest import page, signed_in

BILL_ROW = re.compile(r'<tr data-bill="(\d+)">')


def listed(response) -> list[int]:
    assert response.status_code == 200, page(response)[:500]
    return [int(i) for i in BILL_ROW.findall(page(response))]


def totals(response) -> tuple[int, Decimal]:
    html = page(response)
    amount = re.search(r'data-amount="([0-9.]+)"', html).group(1)
    count = re.search(r'data-count="(\d+)"', html).group(1)
    return int(count), Decimal(amount)


def test_anonymous_sign_in_first(client):
    response = client.get("/finance/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/finance/")


def test_only_finance_officers_of_the_municipality(client, finance, reviewer, applicant, django_user_model):
    for path in ("/finance/", "/finance/revenue/", "/finance/map/"):
        refused = signed_in(client, reviewer).get(path)
        html = page(refused)
        assert refused.status_code == 403
        assert "payments.manage" in html and "These pages are for the municipality's finance officers" in html
        assert "هذه الصفحات لموظفي المالية" in html  # the reason in Arabic and English, whatever the language
    person = django_user_model.objects.create_user("citizen", password="x")
    applicant.user = person
    applicant.save()
    assert signed_in(client, person).get("/finance/").status_code == 403
    ok = signed_in(client, finance).get("/finance/")
    assert ok.status_code == 200 and 'dir="rtl"' in page(ok) and "الفواتير" in page(ok)


def test_filters_and_totals(client, town, finance, layout):
    c, p = layout["cases"], layout["parcels"]
    today = timezone.localdate()
    a = make_bill(case=c["n1"], amount="150.25", status=BillStatus.ACTIVE, issue_date=today - dt.timedelta(days=40))
    b = make_bill(case=c["n2"], amount="1200.00", status=BillStatus.PAID, issue_date=today - dt.timedelta(days=5))
    s = make_bill(case=c["s1"], amount="75.50", status=BillStatus.ACTIVE, issue_date=today - dt.timedelta(days=3),
                  service_code="signboard")
    e = make_bill(case=c["s2"], amount="300.00", status=BillStatus.EXPIRED, issue_date=today - dt.timedelta(days=90))
    signed_in(client, finance)
    everything = client.get("/finance/")
    assert sorted(listed(everything)) == sorted([a.pk, b.pk, s.pk, e.pk])
    assert totals(everything) == (4, Decimal("1725.75"))
    active = client.get("/finance/?status=active")
    assert sorted(listed(active)) == sorted([a.pk, s.pk]) and totals(active) == (2, Decimal("225.75"))
    assert totals(client.get("/finance/?service=signboard")) == (1, Decimal("75.50"))
    north = client.get("/finance/?district=N")
    assert sorted(listed(north)) == sorted([a.pk, b.pk]) and totals(north) == (2, Decimal("1350.25"))
    assert listed(client.get("/finance/?district=S&status=expired")) == [e.pk]
    since = (today - dt.timedelta(days=10)).isoformat()
    recent = client.get(f"/finance/?from={since}")
    assert sorted(listed(recent)) == sorted([b.pk, s.pk]) and totals(recent) == (2, Decimal("1275.50"))
    window = client.get(f"/finance/?from={(today - dt.timedelta(days=60)).isoformat()}"
                        f"&to={(today - dt.timedelta(days=4)).isoformat()}")
    assert sorted(listed(window)) == sorted([a.pk, b.pk])
    # Bad values are named and ignored, never a 500.
    bad = client.get("/finance/?from=yesterday&status=owed&district=ZZ")
    assert bad.status_code == 200 and totals(bad) == (4, Decimal("1725.75"))
    assert "yesterday" in page(bad) and "owed" in page(bad) and "ZZ" in page(bad)
    assert p["n1"].number in page(everything)


def test_search_by_sadad_number_or_case_number(client, town, finance, layout):
    one = make_bill(case=layout["cases"]["n1"], amount="10.00")
    two = make_bill(case=layout["cases"]["s1"], amount="20.00")
    signed_in(client, finance)
    assert listed(client.get("/finance/", {"q": one.bill_number_display})) == [one.pk]  # grouped, with spaces
    assert listed(client.get("/finance/", {"q": two.bill_number})) == [two.pk]
    assert listed(client.get("/finance/", {"q": two.account_number[-6:]})) == [two.pk]  # its last digits
    assert listed(client.get("/finance/", {"q": layout["cases"]["n1"].number})) == [one.pk]
    assert listed(client.get("/finance/", {"q": "999999999999999"})) == []


def test_paging_keeps_the_filters_and_totals(client, town, finance, layout):
    bills = [make_bill(case=layout["cases"]["n1"], amount="1.00") for _ in range(53)]
    signed_in(client, finance)
    first = client.get("/finance/?district=N")
    assert len(listed(first)) == 50 and totals(first) == (53, Decimal("53.00"))
    assert 'href="?district=N&offset=50"' in page(first)
    second = client.get("/finance/?district=N&offset=50")
    assert sorted(listed(second)) == sorted(b.pk for b in bills[:3])


def test_other_municipalities_bills_are_not_there(client, town, other_town, finance, django_user_model, applicant):
    colleague = staff(django_user_model, other_town, "reviewer2", ["permit_reviewer"])
    there = ParcelFactory(plan=PlanFactory(municipality=other_town))
    theirs = make_bill(case=open_case(town=other_town, actor=colleague, applicant=applicant, parcels=[there],
                                      point=None), amount="99.00")
    signed_in(client, finance)
    assert listed(client.get("/finance/")) == []
    assert client.get(f"/finance/bills/{theirs.pk}/").status_code == 404


def test_bill_page(client, town, finance, layout):
    case = layout["cases"]["n1"]
    bill = make_bill(case=case, amount="1450.00", status=BillStatus.PAID, lines=[
        (LineKind.FEE, "1500.00", "رسم رخصة البناء: 500 م² x 3.00 ريال", "Building permit fee: 500 m² x SAR 3.00"),
        (LineKind.EXEMPTION, "-50.00", "إعفاء ذوي الإعاقة", "Disability exemption"),
    ])
    paid = Payment.objects.create(municipality=town, biller_code=bill.biller_code, payment_ref="BNK-778899",
                                  account_number=bill.account_number, bill=bill, amount=Decimal("1450.00"),
                                  paid_at=timezone.now(), bank_code="RJHI", received_at=timezone.now(),
                                  state="applied")
    Discrepancy.objects.create(municipality=town, kind=DiscrepancyKind.LATE_PAYMENT, bill=bill, payment=paid,
                               owner=finance)
    signed_in(client, finance)
    html = page(client.get(f"/finance/bills/{bill.pk}/"))
    grouped = " ".join(bill.bill_number[i:i + 3] for i in range(0, 15, 3))
    assert f'id="sadad-number">{grouped}</span>' in html
    assert "رسم رخصة البناء: 500 م² x 3.00 ريال" in html and "Building permit fee" not in html
    assert "-50.00" in html and "1,450.00" in html and "1,500.00" in html
    assert "BNK-778899" in html and "RJHI" in html
    assert f'href="/inbox/cases/{case.pk}/"' in html and case.number in html
    english = page(client.get(f"/finance/bills/{bill.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Building permit fee: 500 m² x SAR 3.00" in english and "Disability exemption" in english
    assert "expired bill paid late" in english and "finance" in english
