"""Building permits under /api/v1/permits/: the pre-check (a proposal against the rules of a parcel, before
applying: engineering offices and other systems), a parcel's site (edges, setbacks, envelope, prefill), and the
issued permits as open data (CSV, public)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api import params
from api.access import SignedInPerson, TenantScope
from api.base import ApiBase
from api.errors import BadInput
from parcels.models import Parcel
from permits import inputs
from permits.check import CheckInputError, run_check


class PermitsApiBase(ApiBase):
    """Staff and systems of a municipality (a membership or a key with "read"), or a signed-in person (an
    engineering office): the rules and the registers' geometry are public knowledge; nothing is written."""

    permission_classes = [TenantScope | SignedInPerson]
    required_scopes = {"GET": "read", "POST": "read"}

    def parcel(self, ref) -> Parcel:
        current = Parcel.objects.filter(valid_to__isnull=True).select_related("plan")
        if self.municipality is not None:
            current = current.filter(municipality=self.municipality)
        if isinstance(ref, dict):
            if ref.get("deed_number"):
                found = list(current.filter(deed_number=str(ref["deed_number"])[:32])[:2])
            else:
                found = list(current.filter(plan__number=str(ref.get("plan") or "")[:32],
                                            number=str(ref.get("number") or "")[:32])[:2])
        else:
            try:
                found = list(current.filter(pk=int(ref))[:1])
            except (TypeError, ValueError):
                raise BadInput(_("“parcel” is an id, {\"plan\", \"number\"} or {\"deed_number\"}."),
                               param="parcel") from None
        if len(found) != 1:
            raise NotFound(_("No single current parcel matches %(ref)s.") % {"ref": str(ref)[:80]})
        return found[0]


class PrecheckApi(PermitsApiBase):
    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        body = request.data if isinstance(request.data, dict) else {}
        if "parcel" not in body or "proposal" not in body:
            raise BadInput(_("Send {\"parcel\": …, \"proposal\": …} (docs/permits-check.md)."), param="body")
        parcel = self.parcel(body["parcel"])
        site = inputs.check_inputs(parcel=parcel, on=params.day(body.get("on"), name="on"))
        try:
            result = run_check({**site, "proposal": body["proposal"]})
        except CheckInputError as exc:
            return Response({"detail": exc.messages[0], "code": exc.code, "where": exc.where}, status=400)
        result["inputs"] = {"rules": site["rules"]["source"],
                            "streets": [{k: s[k] for k in ("id", "name", "width_m", "kind")} for s in site["streets"]],
                            "overlays": [{k: o[k] for k in ("id", "kind", "name_ar", "name_en")}
                                         for o in site["overlays"]]}
        return Response(result)


class SiteApi(PermitsApiBase):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        parcel = self.parcel(pk)
        return Response(inputs.prefill(parcel=parcel, on=params.day(request.query_params.get("on"), name="on")))
