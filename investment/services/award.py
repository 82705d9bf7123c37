"""The opening of an opportunity's sealed bids and its award (docs/investment.md, decision 032): the committee's
shares entered one by one until k rebuild the key, the bids opened, checked and ranked, the committee's vote and
the award, and the award that lapses when the winner does not sign. Publication, booklets and sealing are
``investment.services.tenders``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import require_permission
from audit.models import ChangeRecord
from audit.services import change_record
from cases.documents.models import CaseDocument
from cases.services import case_record
from common.errors import NotPermitted, RegisterError, TransitionError
from investment import notify, sealing
from investment.case_types import BID_DOCUMENTS
from investment.models import (
    Bid,
    BidStatus,
    CommitteeMember,
    FinancialModel,
    Opportunity,
    OpportunityStatus,
    PendingShare,
    Vote,
)
from investment.services.sites import MANAGE
from investment.services.tenders import SIGN_WITHIN, _bid_context, _cancel, _context, _locked, _now, _set_status
from payments.lines import sar

# --- the opening ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningState:
    opportunity: Opportunity
    entered: int
    needed: int
    opened: bool


@transaction.atomic
def share_enter(*, opportunity: Opportunity, actor, share: str) -> OpeningState:
    """A committee member enters their share at the opening (refused before its time, and a share that is not
    theirs is refused). Held until k are present; then the key is rebuilt, every offer opened and checked
    against its commitment, the bids checked and ranked — and the shares wiped."""
    opportunity = _locked(opportunity)
    if opportunity.status == OpportunityStatus.PUBLISHED and _now() >= opportunity.bids_close_at:
        _set_status(opportunity, OpportunityStatus.CLOSED, "system:investment", note="the bids closed")
    if opportunity.status != OpportunityStatus.CLOSED:
        raise TransitionError(_("Opportunity %(n)s is %(s)s: there is no opening to enter a share for.")
                              % {"n": opportunity.number, "s": opportunity.get_status_display()}, allowed=[])
    if _now() < opportunity.opening_at:
        raise RegisterError(_("The envelopes open at %(t)s, not before.")
                            % {"t": timezone.localtime(opportunity.opening_at).strftime("%Y-%m-%d %H:%M")},
                            code="too_early")
    member = CommitteeMember.objects.filter(opportunity=opportunity, user=actor).first() \
        if not isinstance(actor, str) else None
    if member is None:
        raise NotPermitted(_("Only the opening committee's members enter shares."))
    if sealing.share_hash(share, opportunity.share_salt) != member.share_hash:
        raise RegisterError(_("That is not your share: check the slip you were given."), code="wrong_share")
    PendingShare.objects.update_or_create(member=member, defaults={"share": share.strip().lower()})
    member.share_entered_at = _now()
    member.save(update_fields=["share_entered_at", "updated_at"])
    change_record(instance=member, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"share_entered_at": [None, member.share_entered_at.isoformat()]})
    pending = PendingShare.objects.filter(member__opportunity=opportunity)
    entered = pending.count()
    if entered < opportunity.shares_needed:
        return OpeningState(opportunity, entered, opportunity.shares_needed, False)
    shares = list(pending.values_list("share", flat=True))
    pending.delete()  # wiped whatever happens next
    _open(opportunity, shares, actor)
    return OpeningState(opportunity, entered, opportunity.shares_needed, True)


def _open(opportunity: Opportunity, shares: list[str], actor) -> None:
    key = sealing.private_key_rebuild(shares=shares, wrapped_private_key=opportunity.wrapped_private_key,
                                      context=_context(opportunity))
    bids = list(Bid.objects.select_for_update(of=("self",)).select_related("booklet")
                .filter(opportunity=opportunity))
    for bid in bids:
        reasons = []
        try:
            offer = sealing.unseal(private_key=key, ciphertext=bid.ciphertext, commitment=bid.commitment,
                                   context=_bid_context(opportunity, bid.investor_id))
        except sealing.SealError:
            offer = None
            reasons.append("sealed_offer_invalid")
        if offer is not None:
            bid.annual_rent = Decimal(offer["annual_rent"])
            bid.share_pct = Decimal(offer["share_pct"]) if offer.get("share_pct") else None
            if bid.annual_rent < opportunity.min_annual_rent:
                reasons.append("below_minimum")
            if (opportunity.min_share_pct is not None and opportunity.financial_model != FinancialModel.FIXED
                    and (bid.share_pct or 0) < opportunity.min_share_pct):
                reasons.append("share_below_minimum")
            if bid.guarantee_amount < sar(bid.annual_rent * opportunity.guarantee_pct / 100):
                reasons.append("guarantee_short")
        if bid.booklet.paid_at is None:
            reasons.append("booklet_unpaid")
        if not bid.guarantee_ref:
            reasons.append("no_guarantee")
        docs = set(CaseDocument.objects.filter(case=bid.booklet.case_id, code__in=BID_DOCUMENTS)
                   .values_list("code", flat=True))
        reasons += [f"missing:{code}" for code in BID_DOCUMENTS if code not in docs]
        bid.documents = sorted(docs)
        bid.reasons = reasons
        bid.status = BidStatus.NON_COMPLIANT if reasons else BidStatus.COMPLIANT
    del key
    compliant = sorted((b for b in bids if b.status == BidStatus.COMPLIANT), key=lambda b: _rank_key(opportunity, b))
    for rank, bid in enumerate(compliant, start=1):
        bid.rank = rank
    for bid in bids:
        bid.version += 1
        bid.save(update_fields=["annual_rent", "share_pct", "reasons", "status", "rank", "documents", "version",
                                "updated_at"])
    _set_status(opportunity, OpportunityStatus.OPENED, actor,
                note=f"opened: {len(bids)} bids, {len(compliant)} compliant", opened_at=_now())
    for bid in bids:  # each bidder's timeline: the opening and what it found about their bid
        if bid.rank:
            body = _("The envelopes were opened: your bid %(r)s is compliant, ranked %(n)s of %(of)s.") % {
                "r": bid.receipt, "n": bid.rank, "of": len(compliant)}
        else:
            body = _("The envelopes were opened: your bid %(r)s is not compliant (%(why)s).") % {
                "r": bid.receipt, "why": ", ".join(bid.reasons)}
        case_record(case=bid.booklet.case, actor=actor, data={"bid": bid.pk, "status": bid.status}, body=body)
    if not compliant:
        _cancel(opportunity, "system:investment", _("No compliant offer at or above the minimum."),
                release_winner=True)


def _rank_key(opportunity: Opportunity, bid: Bid):
    share = bid.share_pct or Decimal(0)
    if opportunity.financial_model == FinancialModel.SHARE:
        return (-share, -bid.annual_rent, bid.created_at)
    return (-bid.annual_rent, -share, bid.created_at)


# --- the vote and the award -----------------------------------------------------------------------------


@transaction.atomic
def vote_cast(*, opportunity: Opportunity, actor, bid: Bid) -> Vote:
    opportunity = _locked(opportunity)
    if opportunity.status != OpportunityStatus.OPENED:
        raise TransitionError(_("The committee votes once the envelopes are opened (%(n)s is %(s)s).")
                              % {"n": opportunity.number, "s": opportunity.get_status_display()}, allowed=[])
    member = CommitteeMember.objects.filter(opportunity=opportunity, user=actor).first() \
        if not isinstance(actor, str) else None
    if member is None:
        raise NotPermitted(_("Only the opening committee's members vote."))
    if bid.opportunity_id != opportunity.pk or bid.status != BidStatus.COMPLIANT:
        raise RegisterError(_("Vote for a compliant bid of this opportunity."), code="bid")
    vote, _created = Vote.objects.update_or_create(member=member, defaults={
        "opportunity": opportunity, "bid": bid, "municipality_id": opportunity.municipality_id})
    change_record(instance=vote, action=ChangeRecord.Action.UPDATE, actor=actor, changes={"bid": [None, bid.receipt]})
    return vote


def tally(opportunity: Opportunity) -> tuple[Bid | None, str]:
    """(the winner, why) by the votes cast: the most votes; a tie broken by the chair's vote."""
    votes = list(Vote.objects.filter(opportunity=opportunity).select_related("member", "bid"))
    if len(votes) < opportunity.shares_needed:
        return None, _("The award needs at least %(k)s votes (%(n)s cast).") % {"k": opportunity.shares_needed,
                                                                              "n": len(votes)}
    counts = Counter(v.bid_id for v in votes)
    top = max(counts.values())
    leaders = [bid_id for bid_id, n in counts.items() if n == top]
    if len(leaders) == 1:
        return next(v.bid for v in votes if v.bid_id == leaders[0]), "majority"
    chair = next((v for v in votes if v.member.chair), None)
    if chair is not None and chair.bid_id in leaders:
        return chair.bid, "chair"
    return None, _("The votes are tied and the chair has not voted for one of the leading bids.")


@transaction.atomic
def award_decide(*, opportunity: Opportunity, actor) -> Bid:
    """The committee's decision by its votes (the chair or an officer records it): the winner awarded, every
    other bid's guarantee released; the winner signs within a month."""
    opportunity = _locked(opportunity)
    if not isinstance(actor, str):
        chair = CommitteeMember.objects.filter(opportunity=opportunity, user=actor, chair=True).exists()
        if not chair:
            require_permission(actor=actor, permission=MANAGE, municipality_id=opportunity.municipality_id)
    if opportunity.status != OpportunityStatus.OPENED:
        raise TransitionError(_("Opportunity %(n)s is %(s)s: only an opened tender is awarded.")
                              % {"n": opportunity.number, "s": opportunity.get_status_display()}, allowed=[])
    winner, why = tally(opportunity)
    if winner is None:
        raise RegisterError(why, code="no_majority")
    today = timezone.localdate()
    Bid.objects.filter(pk=winner.pk).update(status=BidStatus.AWARDED)
    losers = Bid.objects.filter(opportunity=opportunity).exclude(pk=winner.pk)
    losers.filter(status=BidStatus.COMPLIANT).update(status=BidStatus.LOST)
    loser_cases = list(losers.values_list("booklet__case_id", flat=True))
    losers.filter(guarantee_released_on__isnull=True).update(guarantee_released_on=today)
    _set_status(opportunity, OpportunityStatus.AWARDED, actor, note=f"awarded to {winner.receipt} ({why})",
                awarded_bid=winner, awarded_at=_now())
    case_record(case=winner.booklet.case, actor=actor, data={"bid": winner.pk},
                body=_("The committee awarded the opportunity to bid %(r)s.") % {"r": winner.receipt})
    transaction.on_commit(lambda: notify.awarded(case_id=winner.booklet.case_id))
    for case_id in loser_cases:
        transaction.on_commit(lambda c=case_id: notify.not_awarded(case_id=c))
    winner.refresh_from_db()
    return winner


def awards_lapse_due(*, now: datetime | None = None) -> int:
    """Awards whose winner has not signed within a month: cancelled (the winner's guarantee is not released)."""
    now = now or _now()
    count = 0
    for opportunity in Opportunity.objects.filter(status=OpportunityStatus.AWARDED, awarded_at__lte=now - SIGN_WITHIN):
        with transaction.atomic():
            locked = _locked(opportunity)
            if locked.status == OpportunityStatus.AWARDED:
                _cancel(locked, "system:investment", _("The winner did not sign the contract within a month."),
                        release_winner=False)
                count += 1
    return count
