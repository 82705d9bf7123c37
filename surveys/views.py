"""The survey panel's two forms on the inbox's case page (surveys/_panel.html): the applicant sends a new survey;
a reviewer accepts a deviation. Thin: the services decide; a refusal is shown on the case page, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import acting_parties, staff_access
from cases.models import Case, CaseParty, PartyRole
from common.errors import RegisterError
from surveys import services


def _case_for(request, pk: int) -> Case:
    """The case when the person works in its municipality or acts for its applicant; else 404."""
    case = Case.objects.filter(pk=pk, case_type=services.CODE).first()
    if case is None:
        raise Http404
    if staff_access(request.user, municipality_id=case.municipality_id) is not None:
        return case
    parties = acting_parties(request.user)
    if CaseParty.objects.filter(case=case, role=PartyRole.APPLICANT, party_id__in=parties).exists():
        return case
    raise Http404


def _back(pk: int):
    return redirect(reverse("web:inbox-case", args=[pk]))


@login_required
@require_POST
def new_version(request, pk: int):
    case = _case_for(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the survey file to send."))
        return _back(pk)
    try:
        survey = services.survey_add_version(case=case, actor=request.user, upload=upload)
    except RegisterError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Survey %(n)d was received and compared with the register.") % {"n": survey.number})
    return _back(pk)


@login_required
@require_POST
def accept_deviation(request, pk: int):
    case = _case_for(request, pk)
    try:
        services.survey_accept_deviation(case=case, actor=request.user, reason=request.POST.get("reason", ""))
    except RegisterError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The deviation is accepted; the survey may be approved."))
    return _back(pk)
