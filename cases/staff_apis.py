"""Staff's part of the backbone's depth under /api/v1/: objections filed on the applicant's behalf, a case's
parties in full (logged), the overdue report per department, delegations. Thin: ``cases.objections``,
``cases.privacy``, ``cases.reports``, ``cases.delegation`` decide."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.models import ApiKey
from api.access import caller_scopes, needs_scope_message
from api.base import ApiBase
from api.errors import BadInput
from cases import delegation, objections, privacy, reports
from cases.apis import _answer, _boolean
from cases.selectors import case_get


class ObjectionInput(serializers.Serializer):
    grounds = serializers.CharField(max_length=4000)
    decision = serializers.IntegerField(required=False, min_value=1,
                                        help_text="timeline entry of the step objected to (default: the latest)")


class CaseObjectionApi(ApiBase):
    """File an objection to a case's refusing or penalising step (for the applicant, on their behalf)."""

    required_scopes = {"POST": "read"}  # the service says who may object

    def get_serializer_class(self):
        return ObjectionInput

    @extend_schema(responses={201: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        if isinstance(request.auth, ApiKey) and "write" not in caller_scopes(request):
            return Response({"detail": needs_scope_message("write"), "code": "forbidden"}, status=403)
        case = case_get(municipality=self.municipality, pk=pk)
        ser = ObjectionInput(data=request.data)
        ser.is_valid(raise_exception=True)
        objection = objections.objection_file(case=case, actor=self.actor, **ser.validated_data)
        return _answer(objection.case, self.actor, status.HTTP_201_CREATED)


class CasePartiesApi(ApiBase):
    """A case's parties: masked; with ``reveal=true`` and a ``purpose``, in full, and the view is logged."""

    @extend_schema(parameters=[OpenApiParameter("reveal", bool), OpenApiParameter("purpose", str)],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        case = case_get(municipality=self.municipality, pk=pk)
        if _boolean(request.query_params, "reveal"):
            purpose = request.query_params.get("purpose", "")
            if not purpose.strip():
                raise BadInput(_("Say why you need the personal data in full (e.g. to call the applicant)."),
                               param="purpose")
            parties = privacy.reveal_parties(case=case, actor=self.actor, purpose=purpose)
            return Response({"number": case.number, "revealed": True, "parties": parties})
        return Response({"number": case.number, "revealed": False, "parties": privacy.parties_of(case)})


class OverdueReportApi(ApiBase):
    """Open cases per queue (department) and type: open, on hold, overdue, due this week, average days late."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        rows = reports.overdue_report(municipality=self.municipality, actor=self.actor)
        return Response({"rows": rows, "totals": {k: sum(r[k] for r in rows)
                                                  for k in ("open", "on_hold", "overdue", "due_this_week")}})


class DelegationInput(serializers.Serializer):
    from_user = serializers.IntegerField(required=False, help_text="default: yourself")
    to_user = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    reason = serializers.CharField(max_length=200)


class DelegationApi(ApiBase):
    """Hand a person's open cases to a colleague for a period (the person themselves, or a supervisor)."""

    required_scopes = {"POST": "read"}  # the service checks who may

    def get_serializer_class(self):
        return DelegationInput

    @extend_schema(responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        ser = DelegationInput(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        users = get_user_model().objects
        from_user = users.filter(pk=data["from_user"]).first() if "from_user" in data else request.user
        to_user = users.filter(pk=data["to_user"]).first()
        if from_user is None or not getattr(from_user, "is_authenticated", False):
            raise BadInput(_("No such person."), param="from_user")
        if to_user is None:
            raise BadInput(_("No such person."), param="to_user")
        made = delegation.cases_delegate(from_user=from_user, to_user=to_user, municipality=self.municipality,
                                         start=data["starts_on"], end=data["ends_on"], actor=self.actor,
                                         reason=data["reason"])
        return Response({"id": made.pk, "from_user": from_user.get_username(), "to_user": to_user.get_username(),
                         "starts_on": made.starts_on, "ends_on": made.ends_on, "reason": made.reason,
                         "applied_at": made.applied_at, "cases_moved": made.cases_moved},
                        status=status.HTTP_201_CREATED)
