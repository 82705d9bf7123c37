"""Investment's part of the demo (``InvestmentConfig.demo_part``): five sites on the demo city's commercial land
set aside for investment and their opportunities on the public map (/investment/) — two open for bids (one with a
sealed bid), one whose bids have closed and whose envelopes may be opened now (its committee's shares are written
to ``.data/investment-demo-shares.json``, outside the database, so the tour can open it), one awarded with a signed
contract handed over fourteen months ago (semi-annual rent: two instalments paid, one overdue, the rest to come),
and one draft.

The demo moves an opportunity's clock by updating its dates (a tender takes weeks); nothing else does."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cases.documents.services import document_upload
from common.errors import RegisterError
from investment.case_types import BID_DOCUMENTS
from investment.models import Bid, Instalment, Opportunity, Site
from investment.services.award import award_decide, share_enter, vote_cast
from investment.services.contracts import contract_hand_over, contract_sign
from investment.services.sites import site_create
from investment.services.tenders import (
    bid_submit,
    bids_close_due,
    booklet_buy,
    opportunity_create,
    opportunity_publish,
)
from parcels.models import LandReservation, Parcel
from payments.demo import pay_case, pay_demo_bill

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SHARES_FILE = "investment-demo-shares.json"
PLAN = [  # activity (ar, en), model, minimum rent, booklet fee, what becomes of it
    ("مطاعم ومقاهٍ على الواجهة", "Waterfront restaurants and cafés", "fixed", 180000, 3000, "open"),
    ("محطة وقود ومركز خدمات", "Fuel station and service centre", "minimum_share", 250000, 5000, "open_bid"),
    ("مجمع تجاري صغير", "Neighbourhood shopping centre", "fixed", 400000, 5000, "closed"),
    ("مركز ترفيه عائلي", "Family entertainment centre", "fixed", 300000, 4000, "awarded"),
    ("سوق شعبي أسبوعي", "Weekly popular market", "share", 60000, 1500, "draft"),
]


def shares_path() -> Path:
    return Path(settings.BASE_DIR) / ".data" / SHARES_FILE


def _parcels(ctx) -> list[Parcel]:
    held = LandReservation.objects.filter(municipality=ctx.municipality, released_on__isnull=True,
                                          parcel__isnull=False).values("parcel_id")
    # the city's parcels set aside for investment first (status "investment"), then vacant commercial land
    return list(Parcel.objects.filter(municipality=ctx.municipality, valid_to__isnull=True, land_use="commercial",
                                      status__in=("investment", "vacant"))
                .exclude(pk__in=held).order_by("status", "-id")[:40])


def _investors(ctx):
    return list(ctx.people.owners[:4])


def _paid_booklet(ctx, opportunity, investor):
    booklet = booklet_buy(opportunity=opportunity, investor=investor, actor="demo")
    pay_case(ctx, booklet.case)
    for code in BID_DOCUMENTS:
        document_upload(case=booklet.case, code=code, upload=SimpleUploadedFile(f"{code}.pdf", PDF,
                                                                                "application/pdf"), actor="demo")
    return booklet


def _bid(ctx, opportunity, investor, rent, share=None):
    _paid_booklet(ctx, opportunity, investor)
    offer = {"annual_rent": str(rent)} | ({"share_pct": str(share)} if share is not None else {})
    return bid_submit(opportunity=opportunity, investor=investor, actor="demo", offer=offer,
                      guarantee_ref=f"LG-{opportunity.number[-5:]}-{investor.pk}", guarantee_bank="البنك الأهلي",
                      guarantee_amount=Decimal(rent) * Decimal("0.3"))


def _close(opportunity, *, opened_ago_hours: float) -> None:
    now = timezone.now()
    Opportunity.objects.filter(pk=opportunity.pk).update(
        bids_open_at=now - timedelta(hours=opened_ago_hours + 24 * 30),
        bids_close_at=now - timedelta(hours=opened_ago_hours + 4),
        opening_at=now - timedelta(hours=opened_ago_hours))
    bids_close_due()
    opportunity.refresh_from_db()


@transaction.atomic
def generate(ctx) -> None:
    if Site.objects.filter(municipality=ctx.municipality).exists():
        ctx.log("investment: already there")
        return
    officer = ctx.users["investment"]
    committee = [ctx.users["tenderchair"], ctx.users["tender2"], ctx.users["tender3"]]
    investors = _investors(ctx)
    now = timezone.now()
    parcels = _parcels(ctx)
    written = {}
    made = 0
    for (activity_ar, activity_en, model, rent, fee, fate) in PLAN:
        site = None
        while parcels and site is None:
            parcel = parcels.pop(0)
            try:
                with transaction.atomic():
                    site = site_create(municipality=ctx.municipality, actor=officer, number=f"INV-S{made + 1:02d}",
                                       name_ar=f"موقع استثماري {made + 1} — {activity_ar}",
                                       name_en=f"Investment site {made + 1} — {activity_en}", parcel=parcel)
            except RegisterError as exc:
                ctx.log(f"investment: parcel {parcel.number} skipped ({exc.messages[0][:80]})")
        if site is None:
            ctx.log("investment: no vacant land left for more sites")
            break
        made += 1
        opportunity = opportunity_create(
            site=site, actor=officer, activity_ar=activity_ar, activity_en=activity_en,
            term_years=10 if fate != "awarded" else 15, financial_model=model, min_annual_rent=Decimal(rent),
            min_share_pct=None if model == "fixed" else Decimal("5"), booklet_fee=Decimal(fee),
            bids_open_at=now - timedelta(days=3), bids_close_at=now + timedelta(days=21),
            opening_at=now + timedelta(days=21, hours=4))
        if fate == "draft":
            continue
        slips = opportunity_publish(opportunity=opportunity, actor=officer, committee=committee,
                                    chair=committee[0], k=2)
        shares = {s.username: s.share for s in slips}
        if fate == "open_bid":
            _bid(ctx, opportunity, investors[0], rent + 35000, share=Decimal("7.5"))
            booklet_buy(opportunity=opportunity, investor=investors[1], actor="demo")  # bought, not yet paid
        if fate in ("open", "open_bid"):
            written[opportunity.number] = {"status": "open for bids", "shares": shares, "k": 2}
        if fate == "closed":
            for n, investor in enumerate(investors[:3]):
                _bid(ctx, opportunity, investor, rent + 20000 * (n + 1) + 500 * n)
            _close(opportunity, opened_ago_hours=0.5)
            written[opportunity.number] = {"status": "bids closed: enter 2 of these 3 shares to open", "id":
                                           opportunity.pk, "shares": shares, "k": 2}
        if fate == "awarded":
            _award(ctx, opportunity, investors, rent, committee, shares, officer)
    path = shares_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(written, ensure_ascii=False, indent=2))
    path.chmod(0o600)
    ctx.log(f"investment: {made} sites; the committee's shares of the unopened tenders in {path}")


def _award(ctx, opportunity, investors, rent, committee, shares, officer) -> None:
    bids = [_bid(ctx, opportunity, investor, rent + step).bid
            for investor, step in zip(investors[1:4], (15000, 42000, 27500), strict=False)]
    _close(opportunity, opened_ago_hours=24 * 40)
    share_enter(opportunity=opportunity, actor=committee[0], share=shares[committee[0].username])
    share_enter(opportunity=opportunity, actor=committee[1], share=shares[committee[1].username])
    best = Bid.objects.filter(pk__in=[b.pk for b in bids], rank=1).first()
    for member in committee:
        vote_cast(opportunity=opportunity, actor=member, bid=best)
    award_decide(opportunity=opportunity, actor=committee[0])
    contract = contract_sign(opportunity=opportunity, actor=officer, frequency="semi_annual",
                             escalation_pct=Decimal("5"), escalation_every_years=5,
                             signed_on=timezone.localdate() - timedelta(days=450))
    handed = timezone.localdate() - timedelta(days=420)  # fourteen months ago
    contract = contract_hand_over(contract=contract, actor=officer, on=handed)
    for instalment in Instalment.objects.filter(contract=contract, seq__lte=2).select_related("bill"):
        paid_at = timezone.now() - timedelta(days=415 - 182 * (instalment.seq - 1))
        pay_demo_bill(ctx, instalment.bill, paid_at=paid_at)
    ctx.log(f"investment: contract {contract.number} (awarded {best.receipt}), instalment 3 overdue")
