"""Land grants under /api/v1/grants/ (docs/grants.md).

Public (no sign-in):
GET  grants/inquiry?number=&national_id=          status, rank, plot (a mismatch answers like a missing number)
GET  grants/lotteries                              every lottery with its commitment (and result hash once drawn)
GET  grants/lotteries/{number}/bundle              the published inputs (and, once drawn, seed, salt and result)
GET  grants/lottery_core.py                        the script that recomputes a draw from its bundle
Grants officers (grants.manage):
GET  grants/programmes                             programmes with rules and bands, queue and pool counts
GET  grants/programmes/{code}/eligibility?national_id=&family_ids=&residence_since=   every rule, explained
GET  grants/programmes/{code}/pool                 the plot pool (GeoJSON)
POST grants/programmes/{code}/lotteries            commit a lottery
POST grants/lotteries/{number}/draw {"public_salt"}
GET  grants/lotteries/{number}/batches/{n}         a batch for the ministry (JSON)
POST grants/lotteries/{number}/batches/{n}/verify {"reference"}
POST grants/applications/{number}/deed {"deed_number", "deed_date"}
POST grants/applications/{number}/transfer {"municipality", "programme"}
Applying is the backbone's: POST /api/v1/cases/ with case_type "land_grant".
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.models import Municipality
from accounts.selectors import require_permission
from api.access import TenantScope
from api.base import ApiBase
from api.errors import BadInput
from common.errors import NotPermitted
from grants import lottery_core
from grants.eligibility import eligibility_decide
from grants.models import GrantApplication, Lottery, LotteryBatch, LotteryStatus, Programme
from grants.selectors import application_by_inquiry, live_allocation, plot_pool, queue, rank_of
from grants.services.allocations import batch_verify, deed_record
from grants.services.applications import family_ids_of
from grants.services.lottery import lottery_bundle, lottery_commit, lottery_draw
from grants.services.transfer import grant_transfer

MANAGE = "grants.manage"


class PublicApi(ApiBase):
    permission_classes = [AllowAny]


class OfficerApi(ApiBase):
    permission_classes = [TenantScope]
    required_scopes = {"GET": "read", "POST": "read"}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if isinstance(self.actor, str):
            raise NotPermitted(_("Grants officers sign in as themselves for this: a key may not."), needed=[MANAGE])
        require_permission(actor=self.actor, permission=MANAGE, municipality_id=self.municipality.pk)

    def programme(self, code: str) -> Programme:
        found = Programme.objects.filter(municipality=self.municipality, code=code).first()
        if found is None:
            raise NotFound(_("No programme %(p)s here.") % {"p": code[:32]})
        return found

    def lottery(self, number: str) -> Lottery:
        found = Lottery.objects.filter(municipality=self.municipality, number=number).first()
        if found is None:
            raise NotFound(_("No lottery %(n)s here.") % {"n": number[:32]})
        return found

    def application(self, number: str) -> GrantApplication:
        found = GrantApplication.objects.select_related("case", "applicant").filter(
            municipality=self.municipality, number=number).first()
        if found is None:
            raise NotFound(_("No land-grant application %(n)s here.") % {"n": number[:32]})
        return found


def _plot(allocation) -> dict | None:
    if allocation is None:
        return None
    return {"status": allocation.status, "plan": allocation.parcel.plan.number, "plot": allocation.parcel.number,
            "area_m2": str(allocation.area_m2), "excess_m2": str(allocation.excess_m2),
            "lottery": allocation.lottery.number if allocation.lottery_id else None,
            "deed_number": allocation.deed_number or None, "geometry": json.loads(allocation.geom.geojson)}


class InquiryApi(PublicApi):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT})
    def get(self, request):
        number, national_id = request.query_params.get("number", ""), request.query_params.get("national_id", "")
        application = application_by_inquiry(number=number, national_id=national_id) if number and national_id \
            else None
        if application is None:  # the same answer whether the number exists or the ID does not match
            raise NotFound(_("No application matches this number and ID number."))
        return Response({
            "number": application.number, "programme": application.programme.code,
            "status": application.status, "status_label": application.get_status_display(),
            "case_status": application.case.status, "applied_at": application.applied_at.isoformat(),
            "rank": rank_of(application), "entitled_m2": application.entitled_m2,
            "priority_points": application.priority_points, "plot": _plot(live_allocation(application))})


class LotteriesApi(PublicApi):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response([{
            "number": lot.number, "programme": lot.programme.code, "status": lot.status,
            "committed_at": lot.committed_at.isoformat(), "seed_commitment": lot.seed_commitment,
            "applicants_hash": lot.applicants_hash, "plots_hash": lot.plots_hash,
            "drawn_at": lot.drawn_at.isoformat() if lot.drawn_at else None, "result_hash": lot.result_hash or None,
        } for lot in Lottery.objects.select_related("programme").order_by("-committed_at")[:200]])


class BundleApi(PublicApi):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, number: str):
        lottery = Lottery.objects.filter(number=number).first()
        if lottery is None:
            raise NotFound(_("No lottery %(n)s.") % {"n": number[:32]})
        return Response(lottery_bundle(lottery))


def lottery_script(request):
    """The draw's own code, served as the script anyone runs on a bundle."""
    text = Path(lottery_core.__file__).read_text(encoding="utf-8")
    response = HttpResponse(text, content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lottery_core.py"'
    return response


class ProgrammesApi(OfficerApi):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response([{
            "code": p.code, "name_ar": p.name_ar, "name_en": p.name_en, "status": p.status,
            "rules": [{"rule": r.kind, "value": r.value} for r in p.rules.order_by("position")],
            "bands": [{"code": b.code, "family": [b.family_min, b.family_max], "entitled_m2": b.entitled_m2,
                       "plots_m2": [b.plot_min_m2, b.plot_max_m2]} for b in p.bands.order_by("family_min")],
            "queued": queue(programme=p).count(), "pool": plot_pool(programme=p).count(),
        } for p in Programme.objects.filter(municipality=self.municipality).order_by("code")])


class EligibilityApi(OfficerApi):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, code: str):
        programme = self.programme(code)
        national_id = request.query_params.get("national_id", "").strip()
        if not (len(national_id) == 10 and national_id.isdigit() and national_id[0] in "12"):
            raise BadInput(_("A national ID or iqama number is 10 digits starting with 1 or 2."), param="national_id")
        since = request.query_params.get("residence_since")
        try:
            since = dt.date.fromisoformat(since) if since else None
        except ValueError:
            raise BadInput(_("Expected a date (YYYY-MM-DD)."), param="residence_since") from None
        decision = eligibility_decide(programme=programme, national_id=national_id,
                                      family_ids=family_ids_of(request.query_params.get("family_ids")),
                                      residence_since=since, on=timezone.localdate(),
                                      special=request.query_params.get("special") in ("1", "true"))
        return Response({"eligible": decision.eligible, "rules": [r.as_dict() for r in decision.rules],
                         "family_size": decision.family_size, "priority_points": decision.points,
                         "entitled_m2": decision.band.entitled_m2 if decision.band else None,
                         "facts": [{"source": a.source, "fact": a.fact, "value": a.value} for a in decision.answers]})


class PoolApi(OfficerApi):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, code: str):
        programme = self.programme(code)
        rows = plot_pool(programme=programme).order_by("pk").values_list("pk", "number", "area_m2", "geom")[:5000]
        return Response({"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": pk, "geometry": json.loads(geom.geojson),
             "properties": {"number": number, "area_m2": round(area, 2)}} for pk, number, area, geom in rows]})


class CommitApi(OfficerApi):
    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, code: str):
        lottery = lottery_commit(programme=self.programme(code), actor=self.actor)
        return Response({k: v for k, v in lottery_bundle(lottery).items() if k not in ("applicants", "plots")},
                        status=201)


class DrawApi(OfficerApi):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, number: str):
        lottery = lottery_draw(lottery=self.lottery(number), public_salt=str(request.data.get("public_salt", "")),
                               actor=self.actor)
        return Response({"number": lottery.number, "status": lottery.status, "seed": lottery.seed,
                         "public_salt": lottery.public_salt, "result_hash": lottery.result_hash,
                         "allocated": lottery.allocations.count(), "batches": lottery.batches.count()})


class BatchApi(OfficerApi):
    def batch(self, number: str, n: int) -> LotteryBatch:
        lottery = self.lottery(number)
        if lottery.status != LotteryStatus.DRAWN:
            raise NotFound(_("Lottery %(n)s is not drawn yet.") % {"n": lottery.number})
        found = lottery.batches.filter(number=n).first()
        if found is None:
            raise NotFound(_("Lottery %(l)s has no batch %(n)s.") % {"l": lottery.number, "n": n})
        return found

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, number: str, n: int):
        batch = self.batch(number, n)
        rows = batch.allocations.select_related("application__applicant", "parcel__plan").order_by("id")
        return Response({"lottery": number, "batch": batch.number, "status": batch.status,
                         "reference": batch.reference or None, "allocations": [{
                             "application": a.application.number, "national_id": a.application.applicant.national_id,
                             "name": a.application.applicant.name_ar, "plan": a.parcel.plan.number,
                             "plot": a.parcel.number, "area_m2": str(a.area_m2), "excess_m2": str(a.excess_m2),
                             "status": a.status} for a in rows]})


class BatchVerifyApi(BatchApi):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, number: str, n: int):
        counts = batch_verify(batch=self.batch(number, n), reference=str(request.data.get("reference", "")),
                              actor=self.actor)
        return Response({"lottery": number, "batch": n, **counts})


class DeedApi(OfficerApi):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, number: str):
        try:
            day = dt.date.fromisoformat(str(request.data.get("deed_date", "")))
        except ValueError:
            raise BadInput(_("Expected a date (YYYY-MM-DD)."), param="deed_date") from None
        allocation = deed_record(application=self.application(number), deed_number=str(request.data.get(
            "deed_number", "")), deed_date=day, actor=self.actor)
        return Response({"application": number, "status": allocation.status, "deed_number": allocation.deed_number})


class TransferApi(OfficerApi):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, number: str):
        code = str(request.data.get("municipality", "")).strip().upper()
        target = Municipality.objects.filter(short_code=code).first() if code else None
        if target is None:
            raise BadInput(_("Name the receiving municipality by its short code."), param="municipality")
        there = grant_transfer(application=self.application(number), to_municipality=target,
                               programme_code=str(request.data.get("programme", "")).strip(), actor=self.actor)
        return Response({"application": number, "status": "transferred", "to": f"{code}:{there.number}"},
                        status=201)
