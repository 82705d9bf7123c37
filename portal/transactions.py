"""``/portal/transactions/``: every transaction I act for (mine, and theirs whom I represent), in every
municipality, with what I must do next; one transaction's page (its status, the citizen-visible timeline, my
documents and those issued to me, its bills with their SADAD numbers, the steps that are mine); and the
inquiry without signing in, by transaction number and ID number, which answers little."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import applicant, selectors, services
from cases.documents import selectors as documents
from cases.models import Case, CaseParty, PartyRole
from cases.types import APPLICANT, UnknownCaseType, get_case_type
from common.errors import RegisterError
from payments.models import BillStatus
from payments.selectors import bill_receipts, case_bills
from portal.identity.throttle import client_address, throttle_hit
from portal.objections import objection_context
from portal.pages import citizen_required, page
from web.inbox.present import status_label, type_title

PAYABLE = (BillStatus.ACTIVE,)
COMING = (BillStatus.DRAFT, BillStatus.UPLOADED)


def next_action(case: Case, bills: list, steps: list[str]) -> dict:
    """What the citizen must do now: pay, correct and resubmit, or nothing (the municipality is on it)."""
    payable = [b for b in bills if b.status in PAYABLE]
    if payable:
        return {"kind": "pay", "text": _("Pay bill %(number)s through SADAD.") % {"number": payable[0].bill_number},
                "bill": payable[0]}
    if any(b.status in COMING for b in bills):
        return {"kind": "wait", "text": _("A bill is being issued; its SADAD number will show here.")}
    if steps:
        return {"kind": "act", "text": _("Your action is needed: see the steps below.")}
    if case.closed_at is not None:
        return {"kind": "done", "text": _("Completed. Nothing more is needed from you.")}
    if case.on_hold:
        return {"kind": "act", "text": case.hold_reason or _("The municipality is waiting for you.")}
    return {"kind": "none", "text": _("Nothing for now: the municipality is working on it.")}


def _steps(case: Case, user) -> list[dict]:
    try:
        ct = get_case_type(case.case_type)
    except UnknownCaseType:
        return []
    names = applicant.applicant_steps(case=case, user=user)
    return [{"name": t.name, "label": str(t.label), "note": t.note_required}
            for t in ct.transitions if t.name in names]


@citizen_required
def transactions(request):
    """My transactions, newest first, each with its status and what I must do next."""
    cases = list(applicant.my_cases(user=request.user)[:200])
    bills: dict[int, list] = {}
    from payments.models import Bill

    for bill in Bill.objects.filter(case__in=[c.pk for c in cases]).order_by("-issue_date", "-id"):
        bills.setdefault(bill.case_id, []).append(bill)
    rows = []
    for case in cases:
        steps = applicant.applicant_steps_on_mine(case=case)
        rows.append({"case": case, "type": type_title(case.case_type),
                     "status": status_label(case.case_type, case.status),
                     "next": next_action(case, bills.get(case.pk, []), steps)})
    return page(request, "portal/transactions.html", {"rows": rows})


@citizen_required
def transaction_detail(request, pk: int):
    case = applicant.my_case_get(user=request.user, pk=pk)
    bills = list(case_bills(case=case))
    steps = _steps(case, request.user)
    receipts = bill_receipts(bills, for_applicant=True)
    return page(request, "portal/transaction.html", {
        "case": case, "type": type_title(case.case_type), "status": status_label(case.case_type, case.status),
        "timeline": [{"entry": e, "to": status_label(case.case_type, e.to_status) if e.to_status else ""}
                     for e in selectors.timeline(case=case, for_applicant=True)],
        "documents": documents.case_documents(case=case, for_applicant=True),
        "issued": documents.issued_documents(case=case, for_applicant=True),
        "bills": [{"bill": b, "receipt": receipts.get(b.pk)} for b in bills],
        "parcels": case.parcels.select_related("plan").order_by("id"),
        "steps": steps, "next": next_action(case, bills, [s["name"] for s in steps]),
        "bank_page": settings.ARDH_SADAD_BANK_PAGE,
        **objection_context(case),
    })


@require_POST
@citizen_required
def transaction_step(request, pk: int):
    """Take one of my steps (resubmit, withdraw, ...) on my transaction, at the version I was shown."""
    case = applicant.my_case_get(user=request.user, pk=pk)
    name = (request.POST.get("transition") or "")[:50]
    step = get_case_type(case.case_type).transition(name)
    if step is None or APPLICANT not in step.roles:
        messages.error(request, _("This step is not yours to take."))
        return redirect("portal:transaction", pk=pk)
    try:
        version = int(request.POST.get("version") or 0)
    except ValueError:
        version = 0
    try:
        with transaction.atomic():
            services.case_transition(case=case, transition=name, actor=request.user, expected_version=version,
                                     note=(request.POST.get("note") or "").strip()[:2000] or None)
    except RegisterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": step.label})
    return redirect("portal:transaction", pk=pk)


INQUIRY_LIMIT = {"per_address": 20, "per_id": 5, "window_s": 600}


def inquiry_find(*, number: str, national_id: str) -> Case | None:
    """The transaction numbered ``number`` whose applicant (or representative) has ``national_id``; None
    otherwise — a wrong ID and a missing number look the same."""
    case = Case.objects.filter(number=number).select_related("municipality").defer("municipality__boundary").first()
    if case is None:
        return None
    named = CaseParty.objects.filter(case=case, role__in=(PartyRole.APPLICANT, PartyRole.REPRESENTATIVE),
                                     party__person__national_id=national_id)
    return case if named.exists() else None


def inquiry(request):
    """Where is transaction N? Answered only to the number with its applicant's ID: the kind, the status and
    the date of the last change — no names, no parcels, no documents."""
    context: dict = {"asked": False}
    status = 200
    if request.method == "POST":
        number = (request.POST.get("number") or "").strip().upper()[:32]
        national_id = (request.POST.get("national_id") or "").strip()[:10]
        wait = throttle_hit(kind="inquiry", address=client_address(request), national_id=national_id,
                            **INQUIRY_LIMIT)
        if wait is not None:
            response = page(request, "portal/inquiry.html",
                            {"throttled": True, "number": number}, status=429)
            response["Retry-After"] = str(wait)
            return response
        found = inquiry_find(number=number, national_id=national_id) if number and national_id else None
        context = {"asked": True, "number": number, "found": found}
        if found is not None:
            last = found.timeline.filter(visible_to_applicant=True).order_by("-at").values_list("at", flat=True)
            context |= {"type": type_title(found.case_type), "status": status_label(found.case_type, found.status),
                        "changed": last.first() or found.created_at}
    return page(request, "portal/inquiry.html", context, status=status)
