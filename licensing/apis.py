"""Licensing under /api/v1/licensing/: where an activity may open (eligibility, explained), the inspectors'
offline sync, the results held for a supervisor, and the day's routes.

GET  licensing/activities                       the national activity catalogue
GET  licensing/eligibility?activity=R01&lon=&lat=   every rule, passed or not, with the reason (ar/en)
POST licensing/visits/sync {"device", "results": [...]}   one answer per result (docs/inspections.md)
GET  licensing/submissions?status=conflict      results held (the inspector's own; a supervisor's: all)
POST licensing/submissions/{id}/decision {"apply": true|false, "note"}
GET  licensing/photos/{id}                       a visit photo or signature (a supervisor's: any; an inspector's: own)
GET  licensing/routes?day=YYYY-MM-DD            the day's routes;  POST licensing/routes {"day", "inspectors"}
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.selectors import require_permission, user_has_permission
from api import params
from api.access import SignedInPerson, TenantScope
from api.base import ApiBase
from api.errors import BadInput
from common.errors import NotPermitted
from licensing.eligibility import eligibility_check
from licensing.models import Activity, InspectionRoute, SubmissionStatus, VisitSubmission
from licensing.routes import routes_plan
from licensing.selectors import photo_for
from licensing.services.sync import submission_decide, visits_sync

SYNC_BODY_LIMIT = 50 * 1024 * 1024




class LicensingApiBase(ApiBase):
    permission_classes = [TenantScope | SignedInPerson]
    required_scopes = {"GET": "read", "POST": "read"}


class StaffApiBase(ApiBase):
    permission_classes = [TenantScope]
    required_scopes = {"GET": "read", "POST": "read"}

    def supervises(self) -> bool:
        """Whether the caller supervises inspections here (sees every inspector's results and photos)."""
        return user_has_permission(self.actor, "inspections.supervise", municipality_id=self.municipality.pk)

    def require(self, permission: str) -> None:
        if isinstance(self.actor, str):  # a system's key: these are people's own (their visits, their decisions)
            raise NotPermitted(_("Inspectors and supervisors sign in as themselves for this: a key may not."),
                               needed=[permission])
        require_permission(actor=self.actor, permission=permission, municipality_id=self.municipality.pk)


class ActivitiesApi(LicensingApiBase):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response([{"code": a.code, "name_ar": a.name_ar, "name_en": a.name_en, "risk": a.risk,
                          "immediate": a.immediate, "zones": a.allowed_zones, "streets": a.allowed_streets,
                          "distance_rules": a.distance_rules} for a in Activity.objects.order_by("code")])


class EligibilityApi(LicensingApiBase):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    def get(self, request):
        code = request.query_params.get("activity", "")
        activity = Activity.objects.filter(code=code.strip().upper()).first()
        if activity is None:
            raise BadInput(_("Unknown activity %(a)s: see /api/v1/licensing/activities.") % {"a": code[:16]},
                           param="activity")
        try:
            lon, lat = float(request.query_params["lon"]), float(request.query_params["lat"])
        except (KeyError, ValueError):
            raise BadInput(_("Give the location as lon and lat (WGS 84 degrees)."), param="lon") from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise BadInput(_("lon must be within ±180 and lat within ±90 degrees."), param="lat")
        municipality = self.municipality
        if municipality is None:
            raise BadInput(_("Say which municipality: sign in as its staff or use its key."), param="municipality")
        result = eligibility_check(municipality_id=municipality.pk, activity=activity,
                                   point=Point(lon, lat, srid=4326))
        return Response(result.as_dict())


class SyncApi(StaffApiBase):
    def body_limit(self, request) -> int:
        return SYNC_BODY_LIMIT

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        self.require("inspections.perform")
        body = request.data if isinstance(request.data, dict) else {}
        if not isinstance(body.get("results"), list):
            raise BadInput(_("Send {\"device\": …, \"results\": [...]} (docs/inspections.md)."), param="results")
        answers = visits_sync(actor=self.actor, municipality_id=self.municipality.pk, results=body["results"],
                              device=str(body.get("device") or ""))
        counts = {}
        for a in answers:
            counts[a["status"]] = counts.get(a["status"], 0) + 1
        return Response({"results": answers, "counts": counts})


def _submission(s: VisitSubmission) -> dict:
    return {"id": s.pk, "uuid": str(s.uuid), "visit": s.visit_id, "premises": s.visit.premises.name_ar,
            "inspector": s.inspector.get_full_name() or s.inspector.username, "status": s.status,
            "status_label": s.get_status_display(), "reason": s.reason, "sent_at": s.created_at.isoformat(),
            "answers": s.payload.get("answers"), "notes": s.payload.get("notes"),
            "photos": [{"id": p.pk, "signature": p.signature, "content_type": p.content_type, "size": p.size,
                        "url": f"/api/v1/licensing/photos/{p.pk}"} for p in s.photos.all()]}


class SubmissionsApi(StaffApiBase):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        self.require("inspections.perform")
        qs = (VisitSubmission.objects.filter(municipality=self.municipality)
              .select_related("visit__premises", "inspector").prefetch_related("photos").order_by("-created_at"))
        if not self.supervises():
            qs = qs.filter(inspector=self.actor)
        status = request.query_params.get("status")
        qs = qs.filter(status=status) if status else qs.filter(
            status__in=(SubmissionStatus.CONFLICT, SubmissionStatus.REFUSED))
        return Response([_submission(s) for s in qs[:200]])


class SubmissionDecisionApi(StaffApiBase):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk: int):
        sub = VisitSubmission.objects.filter(pk=pk, municipality=self.municipality).first()
        if sub is None:
            raise NotFound(_("No such result."))
        body = request.data if isinstance(request.data, dict) else {}
        if not isinstance(body.get("apply"), bool):
            raise BadInput(_("Say {\"apply\": true} to apply the held result or false to discard it."),
                           param="apply")
        sub = submission_decide(submission=sub, actor=self.actor, apply=body["apply"],
                                note=str(body.get("note") or "")[:300])
        return Response(_submission(sub))


class PhotoApi(StaffApiBase):
    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        self.require("inspections.perform")
        photo = photo_for(user=self.actor, municipality_id=self.municipality.pk, pk=pk, supervises=self.supervises())
        if photo is None:
            raise NotFound(_("No such photo, or not one you may see."))
        response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
        response["Cache-Control"] = "private, max-age=86400"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _route(r: InspectionRoute) -> dict:
    import json

    return {"inspector": r.inspector_id, "name": r.inspector.get_full_name() or r.inspector.username,
            "day": r.day.isoformat(), "stops": r.stops, "unassigned": r.unassigned, "length_m": round(r.length_m),
            "naive_length_m": round(r.naive_length_m), "drive_s": round(r.drive_s), "solve_s": r.solve_s,
            "geometry": json.loads(r.geom.geojson) if r.geom else None}


class RoutesApi(StaffApiBase):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        self.require("inspections.perform")
        day = params.day(request.query_params.get("day"))
        qs = InspectionRoute.objects.filter(municipality=self.municipality, day=day).select_related("inspector")
        return Response([_route(r) for r in qs])

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        self.require("inspections.supervise")
        body = request.data if isinstance(request.data, dict) else {}
        day = params.day(body.get("day"))
        ids = body.get("inspectors")
        inspectors = None
        if ids is not None:
            if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
                raise BadInput(_("inspectors: a list of user ids."), param="inspectors")
            inspectors = list(get_user_model().objects.filter(pk__in=ids))
        routes = routes_plan(municipality=self.municipality, day=day, inspectors=inspectors, actor=self.actor)
        return Response([_route(r) for r in routes])
