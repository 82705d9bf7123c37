"""``/investment/``: the municipality's investment opportunities on a public map and list — no sign-in, Arabic
first, phone-friendly; the map draws ``/api/v1/investment/opportunities`` with the house's own MapLibre (no CDN).
Never a bidder, a bid or an amount offered (investment.selectors.public_opportunities)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Person
from common.errors import RegisterError
from investment.models import Bid, Booklet, OpportunityStatus
from investment.selectors import public_opportunities
from investment.services import tenders
from payments.models import Bill


class PublicOpportunitiesView(View):
    def get(self, request):
        opportunities = list(public_opportunities()[:200])
        return render(request, "investment/public.html", {
            "opportunities": opportunities,
            "map": {"style": reverse("tiles:style"), "data": "/api/v1/investment/opportunities"}})


class OpportunityView(View):
    """One opportunity, public; a signed-in investor also sees their booklet (its SADAD number, paid or not) and,
    with it paid and the window open, the sealed-bid form. The bid answers with its receipt and commitment only."""

    def _page(self, request, opportunity, **more):
        booklet = bid = person = None
        if request.user.is_authenticated:
            person = Person.objects.filter(user=request.user).first()
        if person is not None:
            booklet = Booklet.objects.filter(opportunity=opportunity, investor=person).first()
            bid = Bid.objects.filter(opportunity=opportunity, investor=person).only("receipt", "commitment").first()
        bill = Bill.objects.filter(case=booklet.case_id).order_by("pk").first() if booklet else None
        return render(request, "investment/opportunity.html", {
            "o": opportunity, "person": person, "booklet": booklet, "bill": bill, "bid": bid,
            "open": opportunity.status == OpportunityStatus.PUBLISHED
            and opportunity.bids_open_at <= timezone.now() < opportunity.bids_close_at, **more},
            status=more.pop("status", 200))

    def get(self, request, pk: int):
        return self._page(request, get_object_or_404(public_opportunities(), pk=pk))

    def post(self, request, pk: int):
        opportunity = get_object_or_404(public_opportunities(), pk=pk)
        if not request.user.is_authenticated:
            return redirect(f"{reverse('web:login')}?next={request.path}")
        person = Person.objects.filter(user=request.user).first()
        if person is None:
            return self._page(request, opportunity, error=_("Sign in as the investor (a person) to bid."),
                              status=403)
        try:
            if request.POST.get("action") == "booklet":
                tenders.booklet_buy(opportunity=opportunity, investor=person, actor=request.user)
            elif request.POST.get("action") == "bid":
                offer = {"annual_rent": request.POST.get("annual_rent", "")[:20]}
                if request.POST.get("share_pct"):
                    offer["share_pct"] = request.POST.get("share_pct", "")[:10]
                receipt = tenders.bid_submit(opportunity=opportunity, investor=person, actor=request.user,
                                             offer=offer, guarantee_ref=request.POST.get("guarantee_ref", ""),
                                             guarantee_amount=request.POST.get("guarantee_amount") or "0",
                                             guarantee_bank=request.POST.get("guarantee_bank", ""))
                return self._page(request, opportunity, receipt=receipt)
        except RegisterError as exc:
            return self._page(request, opportunity, error=exc.messages[0], status=422)
        return redirect("investment-web:opportunity", pk=opportunity.pk)
