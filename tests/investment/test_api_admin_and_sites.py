"""The faces: overlapping sites refused by the database (a 4xx in Arabic and English naming the holder, nothing
stored half); an offer unreadable before the opening through every API endpoint (as the officer, a committee
member, a superuser) and the admin pages; the public list, map page and API answer without sign-in and show no
bidder data."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from investment.models import Bid, Opportunity, Site
from investment.services.sites import site_create
from parcels.models import LandReservation
from parcels.services.reservations import land_reserve
from tests.cases.conftest import person_client
from tests.investment.conftest import SECRET_RENT, paid_booklet, to_opening
from tests.investment.test_sealed_bids import amount_forms, every_text_in_investment_tables
from tests.shapes import rect


def polygon(x0, y0, x1, y1) -> dict:
    return json.loads(rect(x0, y0, x1, y1).geojson)


def test_a_site_reserves_its_land_and_an_overlapping_site_is_refused_by_the_database(town, parcels, officer):
    api = person_client(officer)
    made = api.post("/api/v1/investment/sites", {"number": "S-1", "name_ar": "موقع أ", "parcel": "P-1"},
                    format="json")
    assert made.status_code == 201, made.content
    assert LandReservation.objects.get(holder="investment site S-1").purpose == "investment_site"
    # part of P-1 overlapping S-1: the reservation trigger refuses it
    refused = api.post("/api/v1/investment/sites", {"number": "S-2", "name_ar": "موقع ب",
                                                    "geometry": polygon(50, 10, 150, 60)}, format="json")
    assert refused.status_code == 422 and refused.json()["code"] == "reserved"
    detail = refused.json()["detail"]
    assert "investment site S-1" in detail and "already held" in detail and "محجوزة" in detail
    assert not Site.objects.filter(number="S-2").exists()  # nothing stored half
    assert LandReservation.objects.filter(holder="investment site S-2").count() == 0
    # a neighbour sharing only an edge is no overlap
    ok = api.post("/api/v1/investment/sites", {"number": "S-3", "name_ar": "موقع ج",
                                               "geometry": polygon(100, 0, 150, 80)}, format="json")
    assert ok.status_code == 201, ok.content


def test_land_another_process_holds_is_refused_naming_the_holder(town, parcels, officer, editor):
    land_reserve(municipality=town, purpose="grant_plot", holder="grant plot G-77", actor=editor,
                 parcel=parcels["P-2"])
    from common.errors import RegisterError

    with pytest.raises(RegisterError) as refused:
        site_create(municipality=town, actor=officer, number="S-9", name_ar="موقع", parcel=parcels["P-2"])
    assert refused.value.code == "reserved" and "G-77" in refused.value.messages[0]
    assert not Site.objects.exists()


def test_a_site_needs_the_officer(town, parcels, committee):
    response = person_client(committee[0]).post("/api/v1/investment/sites",
                                                {"number": "S-1", "name_ar": "موقع", "parcel": "P-1"}, format="json")
    assert response.status_code == 403 and not Site.objects.exists()


def test_the_database_refuses_an_opening_less_than_3_hours_after_the_close(published):
    from django.db import IntegrityError, transaction

    opportunity, _shares = published
    with pytest.raises(IntegrityError), transaction.atomic():
        Opportunity.objects.filter(pk=opportunity.pk).update(opening_at=opportunity.bids_close_at)


@pytest.fixture
def sealed(published, investors):
    opportunity, shares = published
    paid_booklet(opportunity, investors[0])
    response = person_client(investors[0].user).post(
        f"/api/v1/investment/opportunities/{opportunity.pk}/bid",
        {"annual_rent": str(SECRET_RENT), "guarantee_ref": "LG-1", "guarantee_amount": "300000"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["commitment"] == Bid.objects.get().commitment and str(SECRET_RENT) not in response.content.decode()
    _no_amount(every_text_in_investment_tables())  # sent through the API: nothing kept its body either
    return opportunity, shares


def _no_amount(text: str) -> None:
    for form in amount_forms(SECRET_RENT):
        assert form not in text, form


def test_no_api_endpoint_reads_an_offer_before_the_opening(sealed, officer, committee, investors, client,
                                                           django_user_model):
    opportunity, _shares = sealed
    root = django_user_model.objects.create_superuser("root", password="x")
    pk = opportunity.pk
    gets = ["/api/v1/investment/opportunities", f"/api/v1/investment/opportunities/{pk}",
            f"/api/v1/investment/opportunities/{pk}/bids", "/api/v1/investment/overdue",
            "/api/v1/cases/?type=investment_booklet", f"/api/v1/cases/{Bid.objects.get().booklet.case_id}"]
    posts = [f"/api/v1/investment/opportunities/{pk}/shares", f"/api/v1/investment/opportunities/{pk}/award",
             f"/api/v1/investment/opportunities/{pk}/votes", f"/api/v1/investment/opportunities/{pk}/contract"]
    seen = 0
    for who in (officer, committee[0], committee[1], root, investors[0].user):
        api = person_client(who)
        for url in gets:
            response = api.get(url)
            _no_amount(response.content.decode())
            seen += response.status_code == 200
        for url in posts:
            response = api.post(url, {"share": "1-" + "0" * 32, "bid": Bid.objects.get().pk}, format="json")
            assert response.status_code >= 400, url
            _no_amount(response.content.decode())
    officer_view = person_client(officer).get(f"/api/v1/investment/opportunities/{pk}/bids").json()
    assert officer_view[0]["annual_rent"] is None and officer_view[0]["status"] == "sealed"
    assert seen >= 10
    assert Bid.objects.get().annual_rent is None


def test_the_admin_pages_show_no_amount_before_the_opening(sealed, client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(root)
    bid = Bid.objects.get()
    for url in (reverse("admin:investment_bid_changelist"), reverse("admin:investment_bid_change", args=[bid.pk]),
                reverse("admin:investment_opportunity_changelist")):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        _no_amount(html)
        assert bid.receipt in html or "opportunity" in url
    assert bid.commitment in client.get(reverse("admin:investment_bid_change", args=[bid.pk])).content.decode()


def test_after_the_opening_the_committee_reads_the_offers(sealed, committee):
    opportunity, shares = sealed
    to_opening(opportunity)
    one = person_client(committee[0]).post(f"/api/v1/investment/opportunities/{opportunity.pk}/shares",
                                           {"share": shares["chairman"]}, format="json")
    assert one.json() == {"entered": 1, "needed": 2, "opened": False, "status": "closed"}
    two = person_client(committee[2]).post(f"/api/v1/investment/opportunities/{opportunity.pk}/shares",
                                           {"share": shares["membertwo"]}, format="json")
    assert two.json()["opened"] is True
    rows = person_client(committee[1]).get(f"/api/v1/investment/opportunities/{opportunity.pk}/bids").json()
    assert rows[0]["annual_rent"] == f"{SECRET_RENT:.2f}" and rows[0]["rank"] == 1


def test_a_share_before_the_opening_is_a_4xx_in_the_callers_language(sealed, committee):
    opportunity, shares = sealed
    from django.utils import timezone

    Opportunity.objects.filter(pk=opportunity.pk).update(
        bids_open_at=timezone.now() - timezone.timedelta(days=1),
        bids_close_at=timezone.now() - timezone.timedelta(hours=1),
        opening_at=timezone.now() + timezone.timedelta(hours=2))
    url = f"/api/v1/investment/opportunities/{opportunity.pk}/shares"
    en = person_client(committee[0]).post(url, {"share": shares["chairman"]}, format="json")
    assert en.status_code == 422 and en.json()["code"] == "too_early" and "not before" in en.json()["detail"]


def test_the_public_api_and_page_answer_without_sign_in_and_show_no_bidder_data(sealed, client, investors):
    opportunity, _shares = sealed
    body = client.get("/api/v1/investment/opportunities").json()
    [feature] = body["features"]
    assert feature["properties"]["number"] == opportunity.number
    assert feature["properties"]["min_annual_rent"] == "100000.00" and feature["geometry"]["type"] == "MultiPolygon"
    detail = client.get(f"/api/v1/investment/opportunities/{opportunity.pk}")
    assert detail.status_code == 200
    page = client.get("/investment/")
    assert page.status_code == 200
    for text in (json.dumps(body), detail.content.decode(), page.content.decode()):
        _no_amount(text)
        assert investors[0].name_ar not in text and investors[0].national_id not in text
        assert Bid.objects.get().receipt not in text and Bid.objects.get().commitment not in text
    html = page.content.decode()
    assert opportunity.number in html and 'dir="rtl"' in html and "maplibre" in html
    assert "https://" not in html.split("<body")[0]  # no CDN
    assert client.get(f"/api/v1/investment/opportunities/{opportunity.pk}/bids").status_code in (401, 403)


def test_a_draft_is_not_public(site, officer, client):
    from tests.investment.conftest import draft

    made = draft(site, officer)
    assert client.get(f"/api/v1/investment/opportunities/{made.pk}").status_code == 404
    assert client.get("/api/v1/investment/opportunities").json()["features"] == []


def test_the_ceremony_hands_each_share_out_once(site, officer, committee):
    from tests.investment.conftest import draft

    made = draft(site, officer, min_annual_rent=Decimal("50000"))
    response = person_client(officer).post(f"/api/v1/investment/opportunities/{made.pk}/publish",
                                           {"committee": [u.pk for u in committee], "chair": committee[0].pk,
                                            "k": 2}, format="json")
    assert response.status_code == 200, response.content
    shares = [s["share"] for s in response.json()["shares"]]
    assert len(set(shares)) == 3
    again = person_client(officer).post(f"/api/v1/investment/opportunities/{made.pk}/publish",
                                        {"committee": [u.pk for u in committee], "chair": committee[0].pk, "k": 2},
                                        format="json")
    assert again.status_code == 409 and "share" not in again.content.decode().lower()


def test_an_investor_buys_the_booklet_through_the_api(published, investors, client):
    opportunity, _shares = published
    url = f"/api/v1/investment/opportunities/{opportunity.pk}/booklet"
    assert client.post(url, {}, format="json").status_code in (401, 403)
    response = person_client(investors[0].user).post(url, {}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["paid"] is False and body["amount"] == "2000.00" and body["sadad"]
    early = person_client(investors[0].user).post(
        f"/api/v1/investment/opportunities/{opportunity.pk}/bid",
        {"annual_rent": "150000", "guarantee_ref": "LG", "guarantee_amount": "50000"}, format="json")
    assert early.status_code == 422 and early.json()["code"] == "booklet"


def test_contract_steps_through_the_api_and_an_illegal_one_is_a_409(published, investors, committee, officer):
    from investment.services.award import share_enter, vote_cast
    from investment.services.tenders import bid_submit

    opportunity, shares = published
    paid_booklet(opportunity, investors[0])
    receipt = bid_submit(opportunity=opportunity, investor=investors[0], actor=investors[0].user,
                         offer={"annual_rent": "120000"}, guarantee_ref="LG", guarantee_amount=Decimal("40000"))
    to_opening(opportunity)
    share_enter(opportunity=opportunity, actor=committee[0], share=shares["chairman"])
    share_enter(opportunity=opportunity, actor=committee[1], share=shares["memberone"])
    for member in committee:
        vote_cast(opportunity=opportunity, actor=member, bid=Bid.objects.get(pk=receipt.bid.pk))
    api = person_client(officer)
    assert api.post(f"/api/v1/investment/opportunities/{opportunity.pk}/award", {}, format="json").status_code == 200
    made = api.post(f"/api/v1/investment/opportunities/{opportunity.pk}/contract",
                    {"frequency": "annual", "escalation_pct": "5"}, format="json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert api.post(f"/api/v1/investment/contracts/{pk}/extend", {"years": 2}, format="json").status_code == 409
    handed = api.post(f"/api/v1/investment/contracts/{pk}/hand_over", {"on": "2025-01-01"}, format="json")
    assert handed.status_code == 200 and handed.json()["ends_on"] == "2035-01-01"
    overdue = api.get("/api/v1/investment/overdue").json()
    assert overdue and overdue[0]["instalment"] == 1 and overdue[0]["amount"] == "120000.00"
    ended = api.post(f"/api/v1/investment/contracts/{pk}/terminate", {"note": "Breach"}, format="json")
    assert ended.status_code == 200 and ended.json()["status"] == "terminated"
    assert api.post(f"/api/v1/investment/contracts/{pk}/terminate", {"note": "again"},
                    format="json").status_code == 409


def test_the_committee_opens_votes_and_awards_on_its_page(sealed, committee, investors, client):
    opportunity, shares = sealed
    url = f"/investment/staff/{opportunity.pk}/"
    client.force_login(committee[1])
    page = client.get(url).content.decode()
    assert Bid.objects.get().receipt in page and 'data-test="share-form"' in page
    _no_amount(page)
    to_opening(opportunity)
    for member in (committee[0], committee[1]):
        client.force_login(member)
        client.post(url, {"action": "share", "share": shares[member.username]}, HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(url).content.decode()
    assert "987654,32" in page  # the Arabic page's decimal comma: opened, the committee reads it
    for member in committee:
        client.force_login(member)
        client.post(url, {"action": "vote", "bid": Bid.objects.get().pk})
    client.force_login(committee[0])
    client.post(url, {"action": "award"})
    opportunity.refresh_from_db()
    assert opportunity.status == "awarded"
    client.force_login(investors[0].user)
    assert client.get(url).status_code == 403


def test_an_investor_bids_on_the_opportunitys_page(published, investors, client):
    opportunity, _shares = published
    url = f"/investment/{opportunity.pk}/"
    assert client.get(url).status_code == 200  # public
    assert client.post(url, {"action": "booklet"}).status_code == 302  # to sign in
    client.force_login(investors[0].user)
    client.post(url, {"action": "booklet"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "SADAD" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    low = {"action": "bid", "annual_rent": "5000", "guarantee_ref": "LG", "guarantee_amount": "5000"}
    below = client.post(url, low, HTTP_ACCEPT_LANGUAGE="en")
    assert below.status_code == 422 and "booklet" in below.content.decode()
    paid_booklet(opportunity, investors[0])
    low = {"action": "bid", "annual_rent": "5000", "guarantee_ref": "LG", "guarantee_amount": "5000"}
    below = client.post(url, low, HTTP_ACCEPT_LANGUAGE="en")
    assert below.status_code == 422 and "below the minimum" in below.content.decode() and not Bid.objects.exists()
    sealed = client.post(url, {"action": "bid", "annual_rent": str(SECRET_RENT), "guarantee_ref": "LG-9",
                               "guarantee_amount": "300000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert sealed.status_code == 200 and Bid.objects.get().commitment in sealed.content.decode()
    _no_amount(sealed.content.decode())
    _no_amount(every_text_in_investment_tables())
