"""After the opening: the committee's vote (majority, the chair breaking a tie), the award and the guarantees,
cancellation (nothing compliant; the winner not signing within a month), the contract, its rent schedule and
bills, overdue rent, and renewal, extension, assignment and termination as steps of its case."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Case, TimelineEntry
from common.errors import NotPermitted, RegisterError, TransitionError
from investment.models import (
    Bid,
    BidStatus,
    Contract,
    ContractStatus,
    Instalment,
    Opportunity,
    OpportunityStatus,
    Site,
    SiteStatus,
)
from investment.selectors import overdue_instalments
from investment.services.award import award_decide, awards_lapse_due, share_enter, vote_cast
from investment.services.contracts import (
    contract_assign,
    contract_extend,
    contract_hand_over,
    contract_renew,
    contract_sign,
    contract_terminate,
    contracts_expire_due,
    rent_schedule,
)
from investment.services.tenders import bid_submit
from parcels.models import LandReservation
from payments.models import Bill, BillStatus
from tests.investment.conftest import investor_person, paid_booklet, to_opening


def bid(opportunity, investor, rent):
    return bid_submit(opportunity=opportunity, investor=investor, actor=investor.user,
                      offer={"annual_rent": str(rent)}, guarantee_ref=f"LG-{investor.pk}",
                      guarantee_amount=Decimal(rent) / 2).bid


@pytest.fixture
def opened(published, investors, committee):
    """Two compliant bids (A 120,000; B 110,000), the envelopes opened."""
    opportunity, shares = published
    bids = []
    for investor, rent in zip(investors, (120000, 110000), strict=True):
        paid_booklet(opportunity, investor)
        bids.append(bid(opportunity, investor, rent))
    to_opening(opportunity)
    share_enter(opportunity=opportunity, actor=committee[0], share=shares["chairman"])
    share_enter(opportunity=opportunity, actor=committee[1], share=shares["memberone"])
    opportunity.refresh_from_db()
    return opportunity, [Bid.objects.get(pk=b.pk) for b in bids]


def test_award_by_majority_releases_the_losers_guarantees(opened, committee):
    opportunity, (a, b) = opened
    vote_cast(opportunity=opportunity, actor=committee[0], bid=a)
    vote_cast(opportunity=opportunity, actor=committee[1], bid=b)
    vote_cast(opportunity=opportunity, actor=committee[2], bid=b)
    winner = award_decide(opportunity=opportunity, actor=committee[0])
    assert winner.pk == b.pk and winner.status == BidStatus.AWARDED
    a.refresh_from_db()
    assert a.status == BidStatus.LOST and a.guarantee_released_on == timezone.localdate()
    assert winner.guarantee_released_on is None  # the winner's at signing
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.AWARDED and opportunity.awarded_bid_id == b.pk


def test_the_chair_breaks_a_tie(opened, committee):
    opportunity, (a, b) = opened
    vote_cast(opportunity=opportunity, actor=committee[1], bid=a)
    vote_cast(opportunity=opportunity, actor=committee[2], bid=b)
    with pytest.raises(RegisterError) as refused:  # tied, the chair has not voted
        award_decide(opportunity=opportunity, actor=committee[0])
    assert refused.value.code == "no_majority"
    vote_cast(opportunity=opportunity, actor=committee[0], bid=b)  # 2 to 1 now: majority
    vote_cast(opportunity=opportunity, actor=committee[2], bid=a)  # member two changes: 2 (a) to 1 (b, chair)
    assert award_decide(opportunity=opportunity, actor=committee[0]).pk == a.pk


def test_a_tie_goes_to_the_chairs_bid(opened, committee, town, django_user_model):
    opportunity, (a, b) = opened
    from investment.models import CommitteeMember
    from tests.permits.conftest import staff

    fourth = staff(django_user_model, town, "memberthree", ["tender_committee_member"])
    CommitteeMember.objects.create(municipality=town, opportunity=opportunity, user=fourth, share_index=4,
                                   share_hash="0" * 64)
    vote_cast(opportunity=opportunity, actor=committee[0], bid=b)
    vote_cast(opportunity=opportunity, actor=committee[1], bid=a)
    vote_cast(opportunity=opportunity, actor=committee[2], bid=a)
    vote_cast(opportunity=opportunity, actor=fourth, bid=b)
    assert award_decide(opportunity=opportunity, actor=committee[0]).pk == b.pk  # 2 to 2: the chair's


def test_only_members_vote_and_only_for_compliant_bids(opened, officer, committee):
    opportunity, (a, _b) = opened
    with pytest.raises(NotPermitted):
        vote_cast(opportunity=opportunity, actor=officer, bid=a)
    Bid.objects.filter(pk=a.pk).update(status=BidStatus.NON_COMPLIANT)
    a.refresh_from_db()
    with pytest.raises(RegisterError):
        vote_cast(opportunity=opportunity, actor=committee[0], bid=a)


def test_all_offers_non_compliant_cancels_the_tender(published, investors, committee):
    opportunity, shares = published
    paid_booklet(opportunity, investors[0], documents=())
    bid(opportunity, investors[0], 130000)
    to_opening(opportunity)
    share_enter(opportunity=opportunity, actor=committee[0], share=shares["chairman"])
    share_enter(opportunity=opportunity, actor=committee[1], share=shares["memberone"])
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.CANCELLED and "compliant" in opportunity.cancelled_reason
    assert Bid.objects.get().guarantee_released_on is not None
    assert Site.objects.get(pk=opportunity.site_id).status == SiteStatus.AVAILABLE


def test_the_winner_not_signing_within_a_month_cancels_the_award(opened, committee):
    opportunity, (a, _b) = opened
    for member in committee:
        vote_cast(opportunity=opportunity, actor=member, bid=a)
    award_decide(opportunity=opportunity, actor=committee[0])
    assert awards_lapse_due() == 0  # a day later: nothing
    Opportunity.objects.filter(pk=opportunity.pk).update(awarded_at=timezone.now() - timedelta(days=31))
    assert awards_lapse_due() == 1
    opportunity.refresh_from_db()
    a.refresh_from_db()
    assert opportunity.status == OpportunityStatus.CANCELLED and "month" in opportunity.cancelled_reason
    assert a.guarantee_released_on is None  # forfeited


@pytest.mark.parametrize("frequency, escalation, expect", [
    ("annual", Decimal("0"), [Decimal("100000.00")] * 6),
    ("annual", Decimal("10"), [Decimal("100000.00")] * 5 + [Decimal("110000.00")]),
    ("semi_annual", Decimal("10"), [Decimal("50000.00")] * 10 + [Decimal("55000.00")] * 2),
])
def test_the_rent_schedule(frequency, escalation, expect):
    rows = rent_schedule(annual_rent=Decimal("100000"), years=6, frequency=frequency, escalation_pct=escalation,
                         every_years=5, starts_on=date(2026, 1, 31))
    assert [r.amount for r in rows] == expect and [r.seq for r in rows] == list(range(1, len(expect) + 1))
    assert rows[1].starts == (date(2026, 7, 31) if frequency == "semi_annual" else date(2027, 1, 31))


@pytest.fixture
def contract(opened, committee, officer):
    opportunity, (a, _b) = opened
    for member in committee:
        vote_cast(opportunity=opportunity, actor=member, bid=a)
    award_decide(opportunity=opportunity, actor=committee[0])
    return contract_sign(opportunity=opportunity, actor=officer, frequency="semi_annual",
                         escalation_pct=Decimal("5"), escalation_every_years=5)


def test_signing_and_the_hand_over_bill_the_rent(contract, officer):
    assert contract.status == ContractStatus.SIGNED and contract.starts_on is None
    from cases.documents.models import IssuedDocument

    document = IssuedDocument.objects.get(case_id=contract.case_id, kind="investment_contract")
    assert document.title_en == "Municipal investment contract"
    assert Bid.objects.get(pk=contract.opportunity.awarded_bid_id).guarantee_released_on is not None
    assert Site.objects.get(pk=contract.site_id).status == SiteStatus.LEASED
    handed = date.today() - timedelta(days=400)
    contract = contract_hand_over(contract=contract, actor=officer, on=handed)
    assert contract.starts_on == handed and contract.ends_on == handed.replace(year=handed.year + 10)
    instalments = list(Instalment.objects.filter(contract=contract).select_related("bill"))
    assert len(instalments) == 20 and instalments[0].amount == Decimal("60000.00")
    assert instalments[10].amount == Decimal("63000.00")  # year 6: +5%
    first = instalments[0].bill
    assert first.amount == Decimal("60000.00") and first.case_id == contract.case_id
    assert instalments[5].bill.issue_date == instalments[5].due_on - timedelta(days=30)
    assert Case.objects.get(pk=contract.case_id).status == "active"


def test_unpaid_rent_past_its_due_date_is_overdue(contract, officer, town):
    contract = contract_hand_over(contract=contract, actor=officer, on=date.today() - timedelta(days=200))
    overdue = list(overdue_instalments(municipality_id=town.pk))
    assert [i.seq for i in overdue] == [1, 2]  # days 0 and ~182 have passed, unpaid
    from payments.services import payment_apply, payment_record
    from tests.surveys.conftest import pay_in_process  # noqa: F401  (the payment helper pays one bill)

    bill = overdue[0].bill
    payment, _created = payment_record(municipality=town, biller_code=bill.biller_code, payment_ref="T-RENT-1",
                                       account_number=bill.account_number, amount=bill.amount, currency="SAR",
                                       paid_at=timezone.now())
    payment_apply(payment_id=payment.pk)
    assert [i.seq for i in overdue_instalments(municipality_id=town.pk)] == [2]


def test_renew_extend_assign_terminate_are_steps_of_the_case(contract, officer, django_user_model):
    with pytest.raises(TransitionError):  # not before the hand-over
        contract_extend(contract=contract, actor=officer, years=2)
    start = date.today()
    contract = contract_hand_over(contract=contract, actor=officer, on=start)
    contract = contract_extend(contract=contract, actor=officer, years=2)
    assert contract.term_years == 12 and contract.ends_on == start.replace(year=start.year + 12)
    assert Instalment.objects.filter(contract=contract).count() == 24
    assert Instalment.objects.get(contract=contract, seq=21).amount == Decimal("66150.00")  # year 11: 5% twice
    contract = contract_renew(contract=contract, actor=officer, years=5, annual_rent=Decimal("150000"))
    assert contract.term_years == 17 and Instalment.objects.get(contract=contract, seq=25).amount == Decimal("75000.00")
    newcomer = investor_person(django_user_model, "assignee", "1012345009")
    with pytest.raises(RegisterError):  # an assignment needs its note
        contract_assign(contract=contract, actor=officer, to=newcomer, note="")
    contract = contract_assign(contract=contract, actor=officer, to=newcomer, note="Approved by the committee")
    assert Bill.objects.get(pk=Instalment.objects.get(contract=contract, seq=30).bill_id).payer_id == newcomer.pk
    contract = contract_terminate(contract=contract, actor=officer, note="Breach of the activity's terms")
    assert contract.status == ContractStatus.TERMINATED
    future = Instalment.objects.filter(contract=contract, seq__gte=3)
    assert all(i.cancelled for i in future)
    assert Bill.objects.filter(pk__in=future.values("bill_id"), status=BillStatus.CANCELLED).count() == future.count()
    site = Site.objects.get(pk=contract.site_id)
    assert site.reservation_id is None and site.status == SiteStatus.AVAILABLE
    assert not LandReservation.objects.filter(holder=f"investment site {site.number}", released_on__isnull=True)
    steps = list(TimelineEntry.objects.filter(case_id=contract.case_id, kind="transition")
                 .values_list("data__transition", flat=True))
    assert steps == ["hand_over", "extend", "renew", "assign", "terminate"]
    with pytest.raises(TransitionError):  # terminated: nothing more
        contract_extend(contract=contract, actor=officer, years=1)


def test_only_the_officer_takes_contract_steps(contract, committee):
    with pytest.raises(NotPermitted):
        contract_hand_over(contract=contract, actor=committee[1])


def test_a_contract_past_its_term_expires_and_frees_the_land(contract, officer):
    contract = contract_hand_over(contract=contract, actor=officer, on=date.today() - timedelta(days=3700))
    assert contracts_expire_due() == 1
    contract.refresh_from_db()
    assert contract.status == ContractStatus.EXPIRED
    assert Case.objects.get(pk=contract.case_id).status == "expired"
    assert Site.objects.get(pk=contract.site_id).reservation_id is None
    assert Contract.objects.filter(status=ContractStatus.ACTIVE).count() == 0


def test_the_overdue_rent_layer_shows_the_contract_to_staff_only(contract, officer, client, settings, tmp_path):
    import mapbox_vector_tile

    from tests.cases.conftest import person_client
    from tests.shapes import lonlat
    from tiles.grid import tiles_touching

    settings.ARDH_TILE_CACHE_DIR = str(tmp_path / "tiles")
    lon, lat = lonlat(50, 40)
    t = next(iter(tiles_touching((lon, lat, lon, lat), 16, buffer=0)))
    url = f"/tiles/investment_rent_overdue/{t.z}/{t.x}/{t.y}.mvt"
    assert client.get(url).status_code == 401
    contract_hand_over(contract=contract, actor=officer, on=date.today() - timedelta(days=10))
    tile = mapbox_vector_tile.decode(person_client(officer).get(url).content)
    [feature] = tile["investment_rent_overdue"]["features"]
    assert feature["properties"]["number"] == contract.number
    public = mapbox_vector_tile.decode(client.get(f"/tiles/investment_opportunities/{t.z}/{t.x}/{t.y}.mvt").content)
    [site] = public["investment_opportunities"]["features"]
    assert set(site["properties"]) <= {"number", "name_ar", "name_en", "status", "area_m2"}
