"""The finance pages in real headless Chromium against a generated demo city: a finance officer signs in, opens
the map of unpaid bills in Arabic and sees the parcels owing drawn from the layer's vector tiles; the revenue page
draws its charts."""

from __future__ import annotations

import pytest

from accounts.models import Person
from accounts.services import membership_grant
from cases import services
from payments.models import BillStatus, UnpaidParcel
from tests.browser.test_webmap import a_parcel, load_city
from tests.payments.factories import make_bill

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owing():
    city = load_city(200)
    from django.contrib.auth import get_user_model

    finance = get_user_model().objects.create_user("finance", password="pw")
    membership_grant(user=finance, municipality=city, roles=["finance_officer"])
    owner = Person.objects.create(kind="person", name_ar="محمد", name_en="Mohammed", national_id="1012345678")
    parcels = [a_parcel(city, pk__gt=a_parcel(city).pk + i * 3) for i in range(3)]
    for parcel, status in zip(parcels, (BillStatus.ACTIVE, BillStatus.EXPIRED, BillStatus.PAID), strict=True):
        case = services.case_create(municipality=city, case_type="kiosk_permit", actor=finance,
                                    data={"activity": "food", "area_m2": 20}, parties=[(owner, "applicant")],
                                    parcels=[parcel], roles_checked=True)
        make_bill(case=case, amount="1500.00", status=status)
    return {"city": city, "parcels": parcels}


def test_a_finance_officer_sees_the_unpaid_parcels_on_the_map(page, live_server, owing):
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/login/?next=/finance/map/")
    page.fill("#id_username", "finance")
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "الفواتير والغرامات غير المسددة حسب القطعة" in page.locator("h1").inner_text()
    expected = set(UnpaidParcel.objects.filter(municipality=owing["city"]).values_list("id", flat=True))
    ours = {p.pk for p in owing["parcels"][:2]}
    assert ours <= expected and owing["parcels"][2].pk not in expected  # the paid one owes nothing
    drawn = set(page.evaluate(
        "ardh.idle().then(() => ardh.map.queryRenderedFeatures({layers: ['unpaid-fill']}).map((f) => f.id))"))
    assert drawn == expected
    assert page.locator("#legend li").count() == 5
    page.goto(f"{live_server.url}/finance/revenue/")
    charts = page.locator("svg.chart")
    assert charts.count() == 2 and charts.first.is_visible() and charts.first.bounding_box()["height"] > 100
