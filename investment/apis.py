"""Investment under /api/v1/investment/ (docs/investment.md). Public: the opportunities offered (GeoJSON, no
bidder data). Staff: sites, opportunities, the key ceremony, the bids' register (sealed until the opening: receipt,
commitment and guarantee only), the shares at the opening, votes and the award, contracts and their steps, overdue
rent. Investors (signed in as themselves): the booklet and the sealed bid.

GET  investment/opportunities                    public GeoJSON of the published opportunities
GET  investment/opportunities/{id}               public: one opportunity
POST investment/sites {"number", "name_ar", "name_en", "parcel" | "geometry"}
POST investment/opportunities {"site", "activity_ar", ...}              a draft
POST investment/opportunities/{id}/publish {"committee": [user ids], "chair", "k"}   the shares, once
GET  investment/opportunities/{id}/bids                                 staff: the bids' register
POST investment/opportunities/{id}/booklet {"investor"?}                 investor: buy the booklet
POST investment/opportunities/{id}/bid {"annual_rent", "share_pct"?, "guarantee_ref", "guarantee_amount"}
POST investment/opportunities/{id}/shares {"share"}                     committee: at the opening
POST investment/opportunities/{id}/votes {"bid"}                        committee
POST investment/opportunities/{id}/award                                the chair (or an officer)
POST investment/opportunities/{id}/cancel {"reason"}
POST investment/opportunities/{id}/contract {"frequency", "escalation_pct", "escalation_every_years"}
POST investment/contracts/{id}/{hand_over|extend|renew|assign|terminate} {"on", "years", "annual_rent", "to", "note"}
GET  investment/overdue                                                 staff: rent instalments overdue
"""

from __future__ import annotations

import json
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.models import Party, Person
from accounts.selectors import require_permission
from api.access import TenantScope
from api.base import ApiBase, PersonApiBase
from api.errors import BadInput
from common.bilingual import in_language
from investment.models import Bid, CommitteeMember, Contract, Opportunity, OpportunityStatus, Site
from investment.selectors import overdue_instalments, public_opportunities
from investment.services import award, contracts, tenders
from investment.services.sites import MANAGE, site_create
from parcels.models import Parcel


def _body(request) -> dict:
    return request.data if isinstance(request.data, dict) else {}


def opportunity_feature(o: Opportunity) -> dict:
    """What anyone may read of an opportunity: never a bidder, a bid or an amount offered."""
    local = timezone.localtime
    return {"type": "Feature", "id": o.pk, "geometry": json.loads(o.site.geom.geojson), "properties": {
        "number": o.number, "status": o.status, "status_label": o.get_status_display(),
        "activity": in_language(o.activity_ar, o.activity_en or o.activity_ar),
        "activity_ar": o.activity_ar, "activity_en": o.activity_en, "site": o.site.number,
        "site_name_ar": o.site.name_ar, "site_name_en": o.site.name_en, "area_m2": str(o.site.area_m2),
        "term_years": o.term_years, "financial_model": o.financial_model,
        "financial_model_label": o.get_financial_model_display(), "min_annual_rent": f"{o.min_annual_rent:.2f}",
        "min_share_pct": None if o.min_share_pct is None else str(o.min_share_pct),
        "booklet_fee": f"{o.booklet_fee:.2f}", "bids_open_at": local(o.bids_open_at).isoformat(),
        "bids_close_at": local(o.bids_close_at).isoformat(), "opening_at": local(o.opening_at).isoformat(),
        "municipality": o.municipality.name_ar}}


class PublicOpportunitiesApi(ApiBase):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        qs = public_opportunities()
        status = request.query_params.get("status")
        if status:
            qs = qs.filter(status=status[:12])
        return Response({"type": "FeatureCollection", "features": [opportunity_feature(o) for o in qs[:500]]})


class PublicOpportunityApi(ApiBase):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        o = public_opportunities().filter(pk=pk).first()
        if o is None:
            raise NotFound(_("No such opportunity."))
        return Response(opportunity_feature(o))


class StaffApiBase(ApiBase):
    permission_classes = [TenantScope]
    required_scopes = {"GET": "read", "POST": "read"}

    def opportunity(self, pk: int) -> Opportunity:
        o = Opportunity.objects.filter(pk=pk, municipality=self.municipality).select_related("site").first()
        if o is None:
            raise NotFound(_("No such opportunity."))
        return o

    def may_see_bids(self, o: Opportunity) -> None:
        if not CommitteeMember.objects.filter(opportunity=o, user=self.actor).exists():
            require_permission(actor=self.actor, permission=MANAGE, municipality_id=o.municipality_id)


def _datetime(body: dict, name: str):
    value = parse_datetime(str(body.get(name) or ""))
    if value is None:
        raise BadInput(_("%(f)s: a date and time (ISO 8601).") % {"f": name}, param=name)
    return value if timezone.is_aware(value) else timezone.make_aware(value)


class SitesApi(StaffApiBase):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        body = _body(request)
        parcel, geom = None, None
        if body.get("parcel"):
            parcel = Parcel.objects.filter(municipality=self.municipality, number=str(body["parcel"])[:64],
                                           valid_to__isnull=True).first()
            if parcel is None:
                raise BadInput(_("No current parcel numbered %(n)s.") % {"n": str(body["parcel"])[:64]},
                               param="parcel")
        if body.get("geometry"):
            try:
                geom = GEOSGeometry(json.dumps(body["geometry"]), srid=4326)
            except (GEOSException, ValueError, TypeError):
                raise BadInput(_("geometry: a GeoJSON polygon (WGS 84)."), param="geometry") from None
        site = site_create(municipality=self.municipality, actor=self.actor, number=str(body.get("number", "")),
                           name_ar=str(body.get("name_ar", "")), name_en=str(body.get("name_en", "")),
                           parcel=parcel, geom=geom)
        return Response({"id": site.pk, "number": site.number, "area_m2": str(site.area_m2),
                         "status": site.status}, status=201)


class OpportunitiesApi(StaffApiBase):
    permission_classes = [AllowAny]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [TenantScope()]

    @extend_schema(operation_id="investment_opportunities_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return PublicOpportunitiesApi.get(self, request)

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        body = _body(request)
        site = Site.objects.filter(municipality=self.municipality, number=str(body.get("site", ""))[:32]).first()
        if site is None:
            raise BadInput(_("No site numbered %(n)s.") % {"n": str(body.get("site", ""))[:32]}, param="site")
        try:
            term = int(body.get("term_years"))
        except (TypeError, ValueError):
            raise BadInput(_("term_years: a whole number of years."), param="term_years") from None
        o = tenders.opportunity_create(
            site=site, actor=self.actor, activity_ar=str(body.get("activity_ar", "")),
            activity_en=str(body.get("activity_en", "")), term_years=term,
            financial_model=str(body.get("financial_model", "fixed")), min_annual_rent=body.get("min_annual_rent"),
            min_share_pct=body.get("min_share_pct"), booklet_fee=body.get("booklet_fee"),
            bids_open_at=_datetime(body, "bids_open_at"), bids_close_at=_datetime(body, "bids_close_at"),
            opening_at=_datetime(body, "opening_at"))
        return Response({"id": o.pk, "number": o.number, "status": o.status}, status=201)


class PublishApi(StaffApiBase):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        body = _body(request)
        ids = body.get("committee")
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise BadInput(_("committee: a list of user ids."), param="committee")
        users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
        if len(users) != len(set(ids)) or body.get("chair") not in users:
            raise BadInput(_("The committee's members and its chair: users of this municipality."), param="chair")
        try:
            k = int(body.get("k"))
        except (TypeError, ValueError):
            raise BadInput(_("k: how many shares open the bids."), param="k") from None
        slips = tenders.opportunity_publish(opportunity=self.opportunity(pk), actor=self.actor,
                                            committee=[users[i] for i in ids], chair=users[body["chair"]], k=k)
        return Response({"status": OpportunityStatus.PUBLISHED, "k": k, "n": len(slips),
                         "warning": _("Hand each member their share now: it is shown once and never stored."),
                         "shares": [{"user": s.user_id, "username": s.username, "chair": s.chair, "share": s.share}
                                    for s in slips]})


def bid_row(b: Bid) -> dict:
    """A bid as the register shows it: sealed, only its receipt, commitment and guarantee; the amounts once the
    envelopes are opened (they are not in the database before)."""
    return {"id": b.pk, "receipt": b.receipt, "investor": b.investor.name_ar, "status": b.status,
            "submitted_at": b.created_at.isoformat(), "commitment": b.commitment,
            "guarantee_ref": b.guarantee_ref, "guarantee_amount": f"{b.guarantee_amount:.2f}",
            "guarantee_released_on": b.guarantee_released_on and b.guarantee_released_on.isoformat(),
            "documents": b.documents, "annual_rent": None if b.annual_rent is None else f"{b.annual_rent:.2f}",
            "share_pct": None if b.share_pct is None else str(b.share_pct), "rank": b.rank, "reasons": b.reasons}


class BidsApi(StaffApiBase):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        o = self.opportunity(pk)
        self.may_see_bids(o)
        return Response([bid_row(b) for b in Bid.objects.filter(opportunity=o).select_related("investor")])


class SharesApi(StaffApiBase):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        share = str(_body(request).get("share") or "")[:40]
        state = award.share_enter(opportunity=self.opportunity(pk), actor=self.actor, share=share)
        return Response({"entered": state.entered, "needed": state.needed, "opened": state.opened,
                         "status": state.opportunity.status})


class VotesApi(StaffApiBase):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        o = self.opportunity(pk)
        bid = Bid.objects.filter(opportunity=o, pk=_body(request).get("bid") or 0).first()
        if bid is None:
            raise BadInput(_("bid: the id of a bid of this opportunity."), param="bid")
        vote = award.vote_cast(opportunity=o, actor=self.actor, bid=bid)
        return Response({"bid": vote.bid_id})


class AwardApi(StaffApiBase):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        winner = award.award_decide(opportunity=self.opportunity(pk), actor=self.actor)
        return Response({"awarded": winner.receipt, "bid": winner.pk})


class CancelApi(StaffApiBase):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        o = tenders.opportunity_cancel(opportunity=self.opportunity(pk), actor=self.actor,
                                       reason=str(_body(request).get("reason") or ""))
        return Response({"status": o.status})


class ContractApi(StaffApiBase):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        body = _body(request)
        c = contracts.contract_sign(opportunity=self.opportunity(pk), actor=self.actor,
                                    frequency=str(body.get("frequency", "annual")),
                                    escalation_pct=str(body.get("escalation_pct", "5")),
                                    escalation_every_years=int(body.get("escalation_every_years") or 5))
        return Response(contract_row(c), status=201)


def contract_row(c: Contract) -> dict:
    return {"id": c.pk, "number": c.number, "status": c.status, "investor": c.investor_id,
            "signed_on": c.signed_on.isoformat(), "starts_on": c.starts_on and c.starts_on.isoformat(),
            "ends_on": c.ends_on and c.ends_on.isoformat(), "term_years": c.term_years,
            "annual_rent": f"{c.annual_rent:.2f}", "frequency": c.frequency, "escalation_pct": str(c.escalation_pct)}


class ContractStepApi(StaffApiBase):
    STEPS = ("hand_over", "extend", "renew", "assign", "terminate")

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int, step: str):
        c = Contract.objects.filter(pk=pk, municipality=self.municipality).first()
        if c is None or step not in self.STEPS:
            raise NotFound(_("No such contract or step."))
        body = _body(request)
        note = str(body.get("note") or "")[:2000]
        if step == "hand_over":
            on = date.fromisoformat(body["on"]) if body.get("on") else None
            c = contracts.contract_hand_over(contract=c, actor=self.actor, on=on)
        elif step in ("extend", "renew"):
            try:
                years = int(body.get("years"))
            except (TypeError, ValueError):
                raise BadInput(_("years: a whole number."), param="years") from None
            c = (contracts.contract_extend(contract=c, actor=self.actor, years=years) if step == "extend" else
                 contracts.contract_renew(contract=c, actor=self.actor, years=years,
                                          annual_rent=str(body.get("annual_rent") or "0")))
        elif step == "assign":
            to = Party.objects.filter(pk=body.get("to") or 0).first()
            if to is None:
                raise BadInput(_("to: the id of the investor the contract is assigned to."), param="to")
            c = contracts.contract_assign(contract=c, actor=self.actor, to=to, note=note)
        else:
            c = contracts.contract_terminate(contract=c, actor=self.actor, note=note)
        return Response(contract_row(c))


class OverdueApi(StaffApiBase):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        require_permission(actor=self.actor, permission=MANAGE, municipality_id=self.municipality.pk)
        return Response([{"contract": i.contract.number, "instalment": i.seq, "due_on": i.due_on.isoformat(),
                          "amount": f"{i.amount:.2f}", "bill": i.bill.bill_number_display if i.bill else None,
                          "bill_status": i.bill.status if i.bill else None}
                         for i in overdue_instalments(municipality_id=self.municipality.pk)[:1000]])


class InvestorApiBase(PersonApiBase):
    def investor(self, body: dict) -> Party:
        if body.get("investor"):
            party = Party.objects.filter(pk=body["investor"]).first()
        else:
            party = Person.objects.filter(user=self.actor).first()
        if party is None:
            raise BadInput(_("investor: you, or the party you represent."), param="investor")
        return party

    def opportunity(self, pk: int) -> Opportunity:
        o = Opportunity.objects.filter(pk=pk).select_related("site").first()
        if o is None:
            raise NotFound(_("No such opportunity."))
        return o


class BookletApi(InvestorApiBase):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        from payments.models import Bill

        booklet = tenders.booklet_buy(opportunity=self.opportunity(pk), investor=self.investor(_body(request)),
                                      actor=self.actor)
        bill = Bill.objects.filter(case=booklet.case_id).order_by("pk").first()
        return Response({"booklet": booklet.pk, "case": booklet.case.number, "paid": booklet.paid_at is not None,
                         "sadad": bill.bill_number_display if bill else None,
                         "amount": f"{bill.amount:.2f}" if bill else None}, status=201)


class BidApi(InvestorApiBase):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        body = _body(request)
        offer = {"annual_rent": body.get("annual_rent")}
        if body.get("share_pct") is not None:
            offer["share_pct"] = body.get("share_pct")
        receipt = tenders.bid_submit(opportunity=self.opportunity(pk), investor=self.investor(body),
                                     actor=self.actor, offer=offer,
                                     guarantee_ref=str(body.get("guarantee_ref") or ""),
                                     guarantee_amount=body.get("guarantee_amount"),
                                     guarantee_bank=str(body.get("guarantee_bank") or ""))
        return Response({"receipt": receipt.receipt, "commitment": receipt.commitment,
                         "detail": _("Your bid is sealed: nobody can read it before the opening. Keep the receipt "
                                     "and the commitment.")}, status=201)
