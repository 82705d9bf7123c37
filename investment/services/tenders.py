"""Opportunities and their sealed bids (docs/investment.md, decision 032): publication with the key ceremony,
booklets (SADAD bills), bids sealed as they arrive, the opening by k of n committee shares, compliance and
ranking, the committee's vote and the award, cancellation.

Nothing here writes an offer's amount anywhere before the opening: not the database, the timeline, the audit,
the notifications nor a log line. The plaintext lives only in the memory of the request that seals it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality, Party
from accounts.selectors import acting_parties, require_permission, user_has_permission
from audit.models import ChangeRecord
from audit.services import change_record
from cases.documents.models import CaseDocument
from cases.models import PartyRole
from cases.numbering import register_number
from cases.services import case_create, case_record
from common.errors import NotPermitted, RegisterError, TransitionError
from investment import notify, sealing
from investment.case_types import BID_DOCUMENTS, BOOKLET
from investment.models import (
    OPENING_GAP,
    Bid,
    BidStatus,
    Booklet,
    CommitteeMember,
    FinancialModel,
    Opportunity,
    OpportunityStatus,
    Site,
    SiteStatus,
)
from investment.services.sites import MANAGE, site_reserve
from payments.lines import FeeLine, sar
from payments.services import bill_issue

EVALUATE = "investment.evaluate_bids"
SIGN_WITHIN = timedelta(days=30)  # the winner signs within a month, or the award lapses


def _now() -> datetime:
    return timezone.now()


def _decimal(value, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RegisterError(_("%(field)s must be a number.") % {"field": name}, code="invalid") from None
    if not number.is_finite() or number < 0:
        raise RegisterError(_("%(field)s must be a number of zero or more.") % {"field": name}, code="invalid")
    return number


def _locked(opportunity: Opportunity) -> Opportunity:
    return Opportunity.objects.select_for_update(of=("self",)).select_related("site").get(pk=opportunity.pk)


def _context(opportunity: Opportunity) -> bytes:
    return f"{opportunity.municipality_id}/{opportunity.number}".encode()


def _bid_context(opportunity: Opportunity, investor_id: int) -> bytes:
    return _context(opportunity) + f"/{investor_id}".encode()


def _step(opportunity: Opportunity, actor, before: str, note: str = "") -> None:
    change_record(instance=opportunity, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": [before, opportunity.status]}, note=note)


def _set_status(opportunity: Opportunity, status: str, actor, note: str = "", **fields) -> Opportunity:
    before = opportunity.status
    opportunity.status = status
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.version += 1
    opportunity.save()
    _step(opportunity, actor, before, note)
    return opportunity


# --- the opportunity ------------------------------------------------------------------------------------


@transaction.atomic
def opportunity_create(*, site: Site, actor, activity_ar: str, activity_en: str = "", term_years: int,
                       financial_model: str, min_annual_rent, booklet_fee, bids_open_at: datetime,
                       bids_close_at: datetime, opening_at: datetime, min_share_pct=None,
                       guarantee_pct=Decimal("25")) -> Opportunity:
    """A draft opportunity on ``site``; the database refuses an opening less than 3 hours after the bids close."""
    require_permission(actor=actor, permission=MANAGE, municipality_id=site.municipality_id)
    if financial_model not in FinancialModel.values:
        raise RegisterError(_("Unknown financial model: %(m)s.") % {"m": str(financial_model)[:20]}, code="model")
    if financial_model != FinancialModel.FIXED and min_share_pct is None:
        raise RegisterError(_("A revenue-share model needs its minimum share (%)."), code="share")
    if not bids_open_at < bids_close_at:
        raise RegisterError(_("The bids close after they open."), code="window")
    if opening_at < bids_close_at + OPENING_GAP:
        raise RegisterError(_("The envelopes open at least 3 hours after the bids close."), code="opening")
    if site.status == SiteStatus.WITHDRAWN:
        raise RegisterError(_("Site %(n)s is withdrawn.") % {"n": site.number}, code="site")
    municipality = Municipality.objects.get(pk=site.municipality_id)
    opportunity = Opportunity.objects.create(
        municipality=municipality, site=site,
        number=register_number(model=Opportunity, municipality=municipality, code="INV", day=timezone.localdate()),
        activity_ar=activity_ar[:200], activity_en=activity_en[:200], term_years=int(term_years),
        financial_model=financial_model, min_annual_rent=sar(_decimal(min_annual_rent, "min_annual_rent")),
        min_share_pct=None if min_share_pct is None else _decimal(min_share_pct, "min_share_pct"),
        booklet_fee=sar(_decimal(booklet_fee, "booklet_fee")), guarantee_pct=_decimal(guarantee_pct, "guarantee"),
        bids_open_at=bids_open_at, bids_close_at=bids_close_at, opening_at=opening_at)
    change_record(instance=opportunity, action=ChangeRecord.Action.CREATE, actor=actor,
                  changes={"number": [None, opportunity.number], "site": [None, site.number]})
    return opportunity


@dataclass(frozen=True)
class Slip:
    """A committee member's share, handed out once at the key ceremony (printed or shown), never stored."""

    user_id: int
    username: str
    chair: bool
    share: str


@transaction.atomic
def opportunity_publish(*, opportunity: Opportunity, actor, committee: list, chair, k: int) -> list[Slip]:
    """Publish: the key ceremony (decision 032) — the opportunity's keypair, its private key wrapped under a KEK
    split k of n among ``committee`` (users holding the committee role; ``chair`` one of them). Returns each
    member's share: the only time it exists outside their hands."""
    require_permission(actor=actor, permission=MANAGE, municipality_id=opportunity.municipality_id)
    opportunity = _locked(opportunity)
    if opportunity.status != OpportunityStatus.DRAFT:
        raise TransitionError(_("Only a draft opportunity is published (%(n)s is %(s)s).")
                              % {"n": opportunity.number, "s": opportunity.get_status_display()}, allowed=[])
    members = list(dict.fromkeys(committee))
    if chair not in members:
        raise RegisterError(_("The chair is one of the committee."), code="chair")
    if not 2 <= k <= len(members):
        raise RegisterError(_("The opening needs k of the n members' shares, with 2 ≤ k ≤ n (n = %(n)s).")
                            % {"n": len(members)}, code="k")
    for user in members:
        if not user_has_permission(user, EVALUATE, municipality_id=opportunity.municipality_id):
            raise RegisterError(_("%(u)s is not a member of the tender committee here.") % {"u": user.username},
                                code="committee")
    if _now() >= opportunity.bids_close_at:
        raise RegisterError(_("The bid window has already closed: change its dates first."), code="window")
    site = Site.objects.select_for_update().get(pk=opportunity.site_id)
    if site.status not in (SiteStatus.AVAILABLE,):
        raise RegisterError(_("Site %(n)s is %(s)s.") % {"n": site.number, "s": site.get_status_display()},
                            code="site")
    if site.reservation_id is None or site.reservation.released_on is not None:
        site_reserve(site=site, actor=actor)
    keys = sealing.ceremony(k=k, n=len(members), context=_context(opportunity))
    slips = []
    for user, share, digest in zip(members, keys.shares, keys.share_hashes, strict=True):
        CommitteeMember.objects.create(municipality_id=opportunity.municipality_id, opportunity=opportunity,
                                       user=user, chair=user == chair, share_index=int(share.split("-")[0]),
                                       share_hash=digest)
        slips.append(Slip(user_id=user.pk, username=user.username, chair=user == chair, share=share))
    site.status = SiteStatus.OFFERED
    site.save(update_fields=["status", "updated_at"])
    _set_status(opportunity, OpportunityStatus.PUBLISHED, actor, note=f"key ceremony: {k} of {len(members)}",
                public_key=keys.public_key, wrapped_private_key=keys.wrapped_private_key,
                share_salt=keys.share_salt, shares_needed=k, published_at=_now())
    return slips


def bids_close_due(*, now: datetime | None = None) -> int:
    """Published opportunities past their closing time: closed (bids are refused by the clock anyway)."""
    now = now or _now()
    count = 0
    for opportunity in Opportunity.objects.filter(status=OpportunityStatus.PUBLISHED, bids_close_at__lte=now):
        with transaction.atomic():
            locked = _locked(opportunity)
            if locked.status == OpportunityStatus.PUBLISHED:
                _set_status(locked, OpportunityStatus.CLOSED, "system:investment", note="the bids closed")
                count += 1
    return count


@transaction.atomic
def opportunity_cancel(*, opportunity: Opportunity, actor, reason: str) -> Opportunity:
    """Cancel an opportunity before its award (the officer, with a reason); every guarantee released."""
    if not isinstance(actor, str) or not actor.startswith("system:"):
        require_permission(actor=actor, permission=MANAGE, municipality_id=opportunity.municipality_id)
    opportunity = _locked(opportunity)
    if opportunity.status in (OpportunityStatus.CONTRACTED, OpportunityStatus.CANCELLED):
        raise TransitionError(_("Opportunity %(n)s is %(s)s: it cannot be cancelled.")
                              % {"n": opportunity.number, "s": opportunity.get_status_display()}, allowed=[])
    reason = (reason or "").strip()
    if not reason:
        raise RegisterError(_("Cancelling needs a reason."), code="reason_required")
    return _cancel(opportunity, actor, reason, release_winner=True)


def _cancel(opportunity: Opportunity, actor, reason: str, *, release_winner: bool) -> Opportunity:
    today = timezone.localdate()
    bids = Bid.objects.filter(opportunity=opportunity, guarantee_released_on__isnull=True)
    if not release_winner:
        bids = bids.exclude(status=BidStatus.AWARDED)  # forfeited: the winner did not sign
    bids.update(guarantee_released_on=today)
    Site.objects.filter(pk=opportunity.site_id, status=SiteStatus.OFFERED).update(status=SiteStatus.AVAILABLE)
    return _set_status(opportunity, OpportunityStatus.CANCELLED, actor, note=reason[:500],
                       cancelled_reason=reason[:2000])


# --- booklets and bids ----------------------------------------------------------------------------------


def _acts_for(actor, investor: Party) -> None:
    if isinstance(actor, str):
        return
    if investor.pk not in acting_parties(actor):
        raise NotPermitted(_("You may act only for yourself or for whom you represent."))


@transaction.atomic
def booklet_buy(*, opportunity: Opportunity, investor: Party, actor) -> Booklet:
    """The investor's booklet: a case with the booklet fee's SADAD bill (paid: the investor may bid)."""
    _acts_for(actor, investor)
    opportunity = _locked(opportunity)
    if opportunity.status != OpportunityStatus.PUBLISHED or _now() >= opportunity.bids_close_at:
        raise RegisterError(_("Opportunity %(n)s is not open for bids.") % {"n": opportunity.number},
                            code="not_open")
    existing = Booklet.objects.filter(opportunity=opportunity, investor=investor).first()
    if existing is not None:
        return existing
    municipality = Municipality.objects.get(pk=opportunity.municipality_id)
    case = case_create(municipality=municipality, case_type=BOOKLET, actor=actor,
                       data={"opportunity": opportunity.number}, parties=[(investor, PartyRole.APPLICANT)],
                       area=opportunity.site.geom, roles_checked=True)
    booklet = Booklet.objects.create(municipality=municipality, opportunity=opportunity, investor=investor,
                                     case=case)
    fee = opportunity.booklet_fee
    bill_issue(case=case, actor=actor, service_code=BOOKLET, lines=[FeeLine(
        kind="fee", rule=f"{BOOKLET}.{opportunity.number}", quantity=Decimal(1), rate=fee, amount=fee,
        explain_ar=f"رسوم كراسة شروط الفرصة {opportunity.number}",
        explain_en=f"Tender booklet of opportunity {opportunity.number}")])
    return booklet


def _offer(opportunity: Opportunity, offer: dict) -> dict:
    """The offer as sealed (strings of two-decimal amounts), or the reasons it is refused."""
    if not isinstance(offer, dict):
        raise RegisterError(_("Send the offer as {\"annual_rent\": …, \"share_pct\": …}."), code="offer")
    rent = sar(_decimal(offer.get("annual_rent", ""), "annual_rent"))
    sealed = {"annual_rent": f"{rent:.2f}"}
    reasons = []
    if rent < opportunity.min_annual_rent:
        reasons.append(_("the annual rent offered is below the minimum of SAR %(m)s")
                       % {"m": f"{opportunity.min_annual_rent:,.2f}"})
    if opportunity.financial_model != FinancialModel.FIXED:
        share = _decimal(offer.get("share_pct", ""), "share_pct").quantize(Decimal("0.01"))
        if share > 100:
            reasons.append(_("a revenue share is at most 100%"))
        if opportunity.min_share_pct is not None and share < opportunity.min_share_pct:
            reasons.append(_("the revenue share offered is below the minimum of %(m)s per cent")
                           % {"m": opportunity.min_share_pct})
        sealed["share_pct"] = f"{share:.2f}"
    if reasons:
        raise RegisterError(_("The bid is refused: %(why)s.") % {"why": "; ".join(str(r) for r in reasons)},
                            code="below_minimum")
    return sealed


@dataclass(frozen=True)
class Receipt:
    bid: Bid
    receipt: str
    commitment: str


@transaction.atomic
def bid_submit(*, opportunity: Opportunity, investor: Party, actor, offer: dict, guarantee_ref: str,
               guarantee_amount, guarantee_bank: str = "") -> Receipt:
    """A sealed bid: refused after the deadline, without a paid booklet, without a guarantee or below the
    minimum (with the reasons); else the offer encrypted to the opportunity's public key here, in memory, and
    only its ciphertext and salted commitment stored. The receipt (and the commitment) go back to the bidder."""
    _acts_for(actor, investor)
    opportunity = _locked(opportunity)
    now = _now()
    if opportunity.status != OpportunityStatus.PUBLISHED or now < opportunity.bids_open_at:
        raise RegisterError(_("Opportunity %(n)s is not open for bids.") % {"n": opportunity.number},
                            code="not_open")
    if now >= opportunity.bids_close_at:
        raise RegisterError(_("The bids closed at %(t)s: a bid after the deadline is refused.")
                            % {"t": timezone.localtime(opportunity.bids_close_at).strftime("%Y-%m-%d %H:%M")},
                            code="deadline")
    booklet = Booklet.objects.filter(opportunity=opportunity, investor=investor).first()
    if booklet is None or booklet.paid_at is None:
        raise RegisterError(_("A bid needs the opportunity's booklet bought and paid first."), code="booklet")
    if Bid.objects.filter(opportunity=opportunity, investor=investor).exists():
        raise RegisterError(_("This investor has already bid on %(n)s: a sealed bid is not replaced.")
                            % {"n": opportunity.number}, code="duplicate")
    guarantee_ref = str(guarantee_ref or "").strip()[:60]
    amount = sar(_decimal(guarantee_amount or 0, "guarantee_amount"))
    if not guarantee_ref or amount <= 0:
        raise RegisterError(_("A bid needs its bank guarantee: its reference and amount."), code="guarantee")
    sealed = _offer(opportunity, offer)
    required = sar(Decimal(sealed["annual_rent"]) * opportunity.guarantee_pct / 100)
    if amount < required:
        raise RegisterError(_("The bank guarantee must cover %(p)s per cent of the first year's rent offered.")
                            % {"p": opportunity.guarantee_pct}, code="guarantee")
    ciphertext, commitment = sealing.seal(public_key_pem=opportunity.public_key, offer=sealed,
                                          context=_bid_context(opportunity, investor.pk))
    del sealed, offer
    receipt = f"{opportunity.number}-B{secrets.token_hex(4).upper()}"
    try:
        with transaction.atomic():
            bid = Bid.objects.create(
                municipality_id=opportunity.municipality_id, opportunity=opportunity, investor=investor,
                booklet=booklet, receipt=receipt, guarantee_ref=guarantee_ref, guarantee_bank=guarantee_bank[:60],
                guarantee_amount=amount, ciphertext=ciphertext, commitment=commitment,
                documents=sorted(set(CaseDocument.objects.filter(case=booklet.case, code__in=BID_DOCUMENTS)
                                     .values_list("code", flat=True))))
    except IntegrityError:
        raise RegisterError(_("This investor has already bid on %(n)s.") % {"n": opportunity.number},
                            code="duplicate") from None
    change_record(instance=bid, action=ChangeRecord.Action.CREATE, actor=actor,
                  changes={"receipt": [None, receipt], "commitment": [None, commitment]})
    case_record(case=booklet.case, actor=actor, data={"bid": bid.pk, "commitment": commitment},
                body=_("Sealed bid received: receipt %(r)s, commitment %(c)s.") % {"r": receipt, "c": commitment})
    transaction.on_commit(lambda: notify.bid_received(case_id=booklet.case_id, receipt=receipt))
    return Receipt(bid=bid, receipt=receipt, commitment=commitment)
