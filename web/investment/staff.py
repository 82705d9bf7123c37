"""``/investment/staff/``: the investment officer's and the tender committee's pages — the opportunities of their
municipality, and for one: its committee, the bids' register (sealed until the opening: receipt, commitment and
guarantee only), the form to enter a share at the opening, the vote and the award. Thin: the services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views import View

from accounts.selectors import user_has_permission
from common.errors import RegisterError
from investment.models import Bid, CommitteeMember, Opportunity, Vote
from investment.services import award
from web.inbox.viewer import viewer_of


def _may(request, municipality_id: int) -> bool:
    return any(user_has_permission(request.user, p, municipality_id=municipality_id)
               for p in ("investment.manage", "investment.evaluate_bids"))


class StaffListView(LoginRequiredMixin, View):
    login_url = reverse_lazy("web:login")

    def get(self, request):
        viewer = viewer_of(request)
        if viewer.municipality is None or not _may(request, viewer.municipality.pk):
            return render(request, "web/inbox/no_access.html", status=403)
        opportunities = (Opportunity.objects.filter(municipality=viewer.municipality).select_related("site")
                         .order_by("-bids_close_at"))
        return render(request, "investment/staff_list.html", {"viewer": viewer, "opportunities": opportunities})


class StaffOpportunityView(LoginRequiredMixin, View):
    login_url = reverse_lazy("web:login")

    def _context(self, request, pk: int):
        viewer = viewer_of(request)
        if viewer.municipality is None or not _may(request, viewer.municipality.pk):
            return viewer, None
        opportunity = get_object_or_404(Opportunity.objects.select_related("site"), pk=pk,
                                        municipality=viewer.municipality)
        return viewer, opportunity

    def get(self, request, pk: int):
        viewer, opportunity = self._context(request, pk)
        if opportunity is None:
            return render(request, "web/inbox/no_access.html", status=403)
        member = CommitteeMember.objects.filter(opportunity=opportunity, user=request.user).first()
        committee = CommitteeMember.objects.filter(opportunity=opportunity).select_related("user").order_by("pk")
        voted = set(Vote.objects.filter(opportunity=opportunity).values_list("member_id", flat=True))
        return render(request, "investment/staff_opportunity.html", {
            "viewer": viewer, "o": opportunity, "member": member, "committee": committee, "voted": voted,
            "bids": Bid.objects.filter(opportunity=opportunity).select_related("investor")})

    def post(self, request, pk: int):
        _viewer, opportunity = self._context(request, pk)
        if opportunity is None:
            return render(request, "web/inbox/no_access.html", status=403)
        action = request.POST.get("action")
        try:
            if action == "share":
                state = award.share_enter(opportunity=opportunity, actor=request.user,
                                            share=request.POST.get("share", "")[:40])
                messages.success(request, _opened(state))
            elif action == "vote":
                bid = get_object_or_404(Bid, pk=request.POST.get("bid") or 0, opportunity=opportunity)
                award.vote_cast(opportunity=opportunity, actor=request.user, bid=bid)
            elif action == "award":
                award.award_decide(opportunity=opportunity, actor=request.user)
        except RegisterError as exc:
            messages.error(request, exc.messages[0])
        return redirect("investment-web:staff-opportunity", pk=opportunity.pk)


def _opened(state) -> str:
    from django.utils.translation import gettext as _

    if state.opened:
        return _("The envelopes are open: the key was rebuilt from %(k)s shares and the shares wiped.") % {
            "k": state.needed}
    return _("Share accepted: %(n)s of %(k)s entered.") % {"n": state.entered, "k": state.needed}
