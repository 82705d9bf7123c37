"""Objecting from the portal: on my transaction's page, each decision I may still object to (a refusal, a fine:
the case type's objectionable steps) with the last day to do it, a form for my grounds, and the objections already
filed with where they stand. Filing one is the backbone's ``cases.objections.objection_file``: a new transaction
of mine, linked to the one objected to, which the municipality's supervisors decide."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import applicant, objections
from cases.models import Case, Objection
from cases.types import get_case_type
from common.errors import RegisterError
from portal.pages import citizen_required
from web.inbox.present import status_label

GROUNDS_MAX = 5000


def objection_context(case: Case) -> dict:
    """What the transaction page shows: ``may_object`` (decision, step label, decided on, last day) and
    ``objections`` (filed, with their status)."""
    ct = get_case_type(case.case_type)
    options = []
    for option in objections.objection_options(case):
        step = ct.transition(option["transition"] or "")
        options.append({**option, "label": step.label if step else option["transition"]})
    filed = [{"case": o.case, "status": status_label(o.case.case_type, o.case.status), "period_ends": o.period_ends}
             for o in Objection.objects.filter(objected_case=case).select_related("case").order_by("-id")]
    return {"may_object": options, "objections": filed}


@require_POST
@citizen_required
def objection_new(request, pk: int):
    """File my objection to a decision of my transaction; I am taken to the new objection's page."""
    case = applicant.my_case_get(user=request.user, pk=pk)
    try:
        decision = int(request.POST.get("decision") or 0) or None
    except ValueError:
        decision = None
    grounds = (request.POST.get("grounds") or "").strip()
    if len(grounds) > GROUNDS_MAX:
        messages.error(request, _("Your grounds are %(n)d characters long: at most %(max)d.")
                       % {"n": len(grounds), "max": GROUNDS_MAX})
        return redirect("portal:transaction", pk=pk)
    try:
        with transaction.atomic():
            objection = objections.objection_file(case=case, actor=request.user, grounds=grounds, decision=decision)
    except RegisterError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("portal:transaction", pk=pk)
    messages.success(request, _("Your objection %(number)s is filed: the municipality decides it, and you are told.")
                     % {"number": objection.case.number})
    return redirect("portal:transaction", pk=objection.case_id)
