"""Sealed bids (decision 032): nobody reads an offer before the opening — not through the services, the API, the
admin nor the database; k shares open it at its time, k-1 do not; bad bids are refused with their reasons."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from common.errors import NotPermitted, RegisterError, TransitionError
from investment import sealing
from investment.models import Bid, BidStatus, Opportunity, OpportunityStatus, PendingShare
from investment.services.award import share_enter
from investment.services.tenders import bid_submit, booklet_buy
from tests.investment.conftest import SECRET_RENT, paid_booklet, to_opening


def bid(opportunity, investor, rent=SECRET_RENT, **more):
    values = {"guarantee_ref": "LG-2026-0001", "guarantee_amount": Decimal("300000"), **more}
    return bid_submit(opportunity=opportunity, investor=investor, actor=investor.user,
                      offer={"annual_rent": str(rent)}, **values)


def amount_forms(amount: Decimal) -> list[str]:
    return [str(amount), f"{amount:.2f}", f"{amount:,.2f}", str(int(amount)), f"{amount:,.0f}",
            str(amount).replace(".", ""), f"{amount:.2f}".replace(".", ","), f"{amount:.2f}".replace(".", "\u066b"),
            f"{amount:.2f}".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))]


def every_text_in_investment_tables() -> str:
    """Every column of every row of every table of the database (the investment tables, the cases' timeline, the
    audit, the outbox, the job queue...), as text."""
    texts = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
                       "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') "
                       "AND tablename <> 'spatial_ref_sys'")
        for (table,) in cursor.fetchall():
            cursor.execute(f"SELECT t::text FROM {table} t")  # the names come from the catalogue
            texts += [row[0] for row in cursor.fetchall()]
    return "\n".join(texts)


def test_an_offer_is_sealed_the_database_holds_only_ciphertext_and_commitment(published, investors):
    opportunity, _shares = published
    paid_booklet(opportunity, investors[0])
    receipt = bid(opportunity, investors[0])
    stored = Bid.objects.get(pk=receipt.bid.pk)
    assert stored.annual_rent is None and stored.status == BidStatus.SEALED
    assert stored.commitment == receipt.commitment and len(bytes(stored.ciphertext)) > 97
    text = every_text_in_investment_tables()
    assert receipt.commitment in text  # the query does see the bids' columns
    for form in amount_forms(SECRET_RENT):
        assert form not in text, form
    assert "987654" not in text
    # the ciphertext's bytes do not carry the amount either (hex, or raw)
    raw = bytes(stored.ciphertext)
    assert b"987654" not in raw and b"987654" not in raw.hex().encode()
    # the commitment is salted: a bare hash of the amount does not find it
    import hashlib
    assert all(hashlib.sha256(f.encode()).hexdigest() != stored.commitment for f in amount_forms(SECRET_RENT))
    assert sealing.commitment_of(b"\0" * 32, {"annual_rent": f"{SECRET_RENT:.2f}"}) != stored.commitment


def test_the_database_constraint_refuses_an_amount_on_a_sealed_bid(published, investors):
    from django.db import IntegrityError

    opportunity, _shares = published
    paid_booklet(opportunity, investors[0])
    receipt = bid(opportunity, investors[0])
    with pytest.raises(IntegrityError):
        Bid.objects.filter(pk=receipt.bid.pk).update(annual_rent=1)


def test_k_minus_one_shares_do_not_rebuild_the_key_and_a_wrong_share_is_refused(published, investors, committee):
    opportunity, shares = published
    paid_booklet(opportunity, investors[0])
    bid(opportunity, investors[0])
    with pytest.raises(sealing.SealError):
        sealing.private_key_rebuild(shares=[shares["chairman"]], wrapped_private_key=opportunity.wrapped_private_key,
                                    context=f"{opportunity.municipality_id}/{opportunity.number}".encode())
    forged = f"{shares['membertwo'].split('-')[0]}-{'0' * 32}"
    with pytest.raises(sealing.SealError):
        sealing.private_key_rebuild(shares=[shares["chairman"], forged],
                                    wrapped_private_key=opportunity.wrapped_private_key,
                                    context=f"{opportunity.municipality_id}/{opportunity.number}".encode())
    to_opening(opportunity)
    with pytest.raises(RegisterError) as refused:  # another member's share, or a made-up one
        share_enter(opportunity=opportunity, actor=committee[1], share=shares["membertwo"])
    assert refused.value.code == "wrong_share"
    state = share_enter(opportunity=opportunity, actor=committee[0], share=shares["chairman"])
    assert state.entered == 1 and not state.opened
    assert Bid.objects.get(opportunity=opportunity).annual_rent is None  # one share opens nothing


def test_the_shares_are_never_stored_only_their_hashes(published):
    _opportunity, shares = published
    text = every_text_in_investment_tables()
    for share in shares.values():
        assert share not in text and share.split("-")[1] not in text
    assert PendingShare.objects.count() == 0


def test_opening_before_its_time_is_refused(published, investors, committee):
    opportunity, shares = published
    paid_booklet(opportunity, investors[0])
    bid(opportunity, investors[0])
    with pytest.raises(TransitionError):  # the bids have not even closed
        share_enter(opportunity=opportunity, actor=committee[0], share=shares["chairman"])
    now = timezone.now()
    Opportunity.objects.filter(pk=opportunity.pk).update(bids_open_at=now - timezone.timedelta(days=1),
                                                         bids_close_at=now - timezone.timedelta(hours=1),
                                                         opening_at=now + timezone.timedelta(hours=2))
    with pytest.raises(RegisterError) as refused:
        share_enter(opportunity=opportunity, actor=committee[0], share=shares["chairman"])
    assert refused.value.code == "too_early" and PendingShare.objects.count() == 0


def test_k_shares_at_the_opening_decrypt_what_was_sent_and_rank_it(published, investors, committee):
    opportunity, shares = published
    paid_booklet(opportunity, investors[0])
    paid_booklet(opportunity, investors[1])
    first = bid(opportunity, investors[0], rent=Decimal("150000.50"))
    second = bid(opportunity, investors[1], rent=SECRET_RENT)
    to_opening(opportunity)
    with pytest.raises(NotPermitted):  # the officer holds no share
        share_enter(opportunity=opportunity, actor=investors[0].user, share=shares["chairman"])
    share_enter(opportunity=opportunity, actor=committee[0], share=shares["chairman"])
    state = share_enter(opportunity=opportunity, actor=committee[2], share=shares["membertwo"])
    assert state.opened
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.OPENED
    one, two = Bid.objects.get(pk=first.bid.pk), Bid.objects.get(pk=second.bid.pk)
    assert (one.annual_rent, two.annual_rent) == (Decimal("150000.50"), SECRET_RENT)
    assert (two.rank, one.rank) == (1, 2) and one.status == two.status == BidStatus.COMPLIANT
    assert PendingShare.objects.count() == 0  # wiped once the key was rebuilt
    from cases.models import TimelineEntry

    said = TimelineEntry.objects.filter(case=two.booklet.case).values_list("body", flat=True)
    assert any("ranked 1 of 2" in text for text in said) and any(two.receipt in text for text in said)


def test_a_late_bid_is_refused(published, investors):
    opportunity, _shares = published
    paid_booklet(opportunity, investors[0])
    Opportunity.objects.filter(pk=opportunity.pk).update(bids_close_at=timezone.now() - timezone.timedelta(minutes=1))
    with pytest.raises(RegisterError) as refused:
        bid(opportunity, investors[0])
    assert refused.value.code == "deadline" and "deadline" in refused.value.messages[0]
    assert not Bid.objects.exists()


def test_a_bid_below_the_minimum_is_refused_with_the_reason(published, investors):
    opportunity, _shares = published
    paid_booklet(opportunity, investors[0])
    with pytest.raises(RegisterError) as refused:
        bid(opportunity, investors[0], rent=Decimal("99999.99"))
    assert refused.value.code == "below_minimum" and "100,000.00" in refused.value.messages[0]
    assert not Bid.objects.exists()


def test_a_bid_without_a_paid_booklet_or_a_guarantee_is_refused(published, investors):
    opportunity, _shares = published
    booklet_buy(opportunity=opportunity, investor=investors[0], actor=investors[0].user)
    with pytest.raises(RegisterError) as refused:
        bid(opportunity, investors[0])
    assert refused.value.code == "booklet"
    paid_booklet(opportunity, investors[1])
    with pytest.raises(RegisterError) as refused:
        bid(opportunity, investors[1], guarantee_ref="")
    assert refused.value.code == "guarantee"
    with pytest.raises(RegisterError) as refused:  # 25% of the first year's rent offered
        bid(opportunity, investors[1], guarantee_amount=Decimal("1000"))
    assert refused.value.code == "guarantee"
    assert not Bid.objects.exists()


def test_a_person_bids_only_for_themselves(published, investors):
    opportunity, _shares = published
    paid_booklet(opportunity, investors[0])
    with pytest.raises(NotPermitted):
        bid_submit(opportunity=opportunity, investor=investors[0], actor=investors[1].user,
                   offer={"annual_rent": "200000"}, guarantee_ref="X", guarantee_amount=Decimal("60000"))


def test_missing_documents_make_a_bid_non_compliant_at_the_opening(published, investors, committee):
    opportunity, shares = published
    paid_booklet(opportunity, investors[0], documents=("commercial_registration",))
    bid(opportunity, investors[0])
    to_opening(opportunity)
    share_enter(opportunity=opportunity, actor=committee[0], share=shares["chairman"])
    share_enter(opportunity=opportunity, actor=committee[1], share=shares["memberone"])
    stored = Bid.objects.get()
    assert stored.status == BidStatus.NON_COMPLIANT
    assert stored.reasons == ["missing:zakat_certificate", "missing:technical_offer"]
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.CANCELLED  # no compliant offer
    assert stored.annual_rent == SECRET_RENT  # opened nonetheless: the committee's minutes show it
