"""Writes of cases: each one transaction that leaves the case's timeline and the audit history behind it.

The workflow is the case type's declared table (``cases.types``, decision 013): a step is refused with 409
when it cannot be taken from the status (naming those that can), with 403 when the person holds none of its
roles, with 422 when a guard gives reasons; nothing is written then. Side effects run after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import partial

from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Municipality, Party, Role
from accounts.selectors import acting_parties, role_codes_of, user_has_permission
from audit.models import ChangeRecord
from audit.services import change_record
from cases import calendar
from cases.models import Case, CaseLink, CaseParcel, CaseParty, EntryKind, PartyRole, TimelineEntry
from cases.numbering import due_date_for, next_number
from cases.selectors import holidays
from cases.types import APPLICANT, SYSTEM, CaseType, UnknownCaseType, get_case_type
from common.errors import GuardError, NotPermitted, RegisterError, TransitionError
from common.versions import check_version
from geo.validation import validate_geometry
from parcels.models import Parcel

SUPERVISE = "cases.supervise"


# --- helpers -----------------------------------------------------------------------------------------


def _actor_fields(actor) -> dict:
    if actor is None or isinstance(actor, str):
        return {"actor": None, "actor_label": actor or "system"}
    return {"actor": actor, "actor_label": ""}


def _entry(case: Case, kind: str, actor, **fields) -> TimelineEntry:
    return TimelineEntry.objects.create(case=case, kind=kind, **_actor_fields(actor), **fields)


def _case_type(code: str) -> CaseType:
    try:
        return get_case_type(code)
    except UnknownCaseType:
        raise RegisterError(_("Unknown type of case: %(type)s.") % {"type": code[:50]}, code="unknown_type") from None


def _locked(case: Case, expected_version: int | None) -> Case:
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    check_version(fresh, expected_version)
    return fresh


def _role(code: str | None) -> Role | None:
    if not code:
        return None
    role = Role.objects.filter(code=code).first()
    if role is None:
        raise RegisterError(_("Unknown role: %(role)s.") % {"role": code[:50]}, code="unknown_role")
    return role


def _is_supervisor(actor, case: Case) -> bool:
    return not isinstance(actor, str) and actor is not None and user_has_permission(
        actor, SUPERVISE, municipality_id=case.municipality_id)


def _check_works_on(case: Case, actor) -> None:
    """The case sits with ``actor``: assigned to them, in a queue of theirs, or they supervise the cases."""
    if actor is not None and not isinstance(actor, str) and case.assignee_id == actor.pk:
        return
    roles = role_codes_of(actor, municipality_id=case.municipality_id)
    if case.queue_role_id and case.queue_role.code in roles:
        return
    if _is_supervisor(actor, case):
        return
    raise NotPermitted(
        _("Case %(number)s does not sit with you: it is in another queue or assigned to someone else.")
        % {"number": case.number},
        needed=[case.queue_role.code] if case.queue_role_id else [],
    )


def acts_for_applicant(case: Case, actor) -> bool:
    """``actor`` is the case's applicant or may act for them today (``cases.types.APPLICANT``)."""
    parties = acting_parties(actor)
    return bool(parties) and CaseParty.objects.filter(
        case=case, role=PartyRole.APPLICANT, party_id__in=parties).exists()


def roles_on(case: Case, actor) -> frozenset[str]:
    """The role codes ``actor`` holds for this case: their roles in its municipality, and ``applicant`` when
    they act for its applicant."""
    if isinstance(actor, str):  # the backbone on another system's event (cases.events), never a person
        return frozenset({SYSTEM}) if actor.startswith("system:") else frozenset()
    roles = role_codes_of(actor, municipality_id=case.municipality_id)
    if acts_for_applicant(case, actor):
        roles |= {APPLICANT}
    return roles


def _today() -> date:
    return timezone.localdate()


# --- create ------------------------------------------------------------------------------------------


@transaction.atomic
def case_create(
    *,
    municipality: Municipality,
    case_type: str,
    actor,
    data: dict | None = None,
    parties: Iterable[tuple[Party, str]] = (),
    parcels: Iterable[Parcel] = (),
    point: GEOSGeometry | None = None,
    area: GEOSGeometry | None = None,
    roles_checked: bool = False,
) -> Case:
    """Open a case: its number, parties (party, role on the case; at least one applicant), location (parcels
    of the municipality and/or a drawn point or polygon inside it), the type's first status with its queue
    and due date, the application's values checked against the type's declared fields.

    ``roles_checked``: a backbone service (``cases.objections``) checked who may open it; a type declared
    ``internal`` is opened only so."""
    ct = _case_type(case_type)
    if ct.internal and not roles_checked:
        raise RegisterError(_("A case of this type is opened only from the case it belongs to (e.g. an objection "
                              "from the case objected to)."), code="internal_type")
    parties = [(party, role) for party, role in parties]
    if actor is not None and not isinstance(actor, str) and not roles_checked:  # other systems: a key's scope
        roles = role_codes_of(actor, municipality_id=municipality.pk)
        applicants = {p.pk for p, r in parties if r == PartyRole.APPLICANT}
        if APPLICANT in ct.create_roles and applicants and applicants <= acting_parties(actor):
            roles |= {APPLICANT}
        if not roles & set(ct.create_roles):
            raise NotPermitted(
                _("You may not open a case of this type here: it needs one of the roles %(roles)s.")
                % {"roles": ", ".join(ct.create_roles) or "-"}, needed=list(ct.create_roles),
            )
    cleaned, errors = ct.clean_data(data or {})
    if errors:
        raise RegisterError(
            _("The application is not complete: %(errors)s")
            % {"errors": "; ".join(f"{name}: {reason}" for name, reason in errors.items())}, code="application",
        )
    for _party, role in parties:
        if role not in PartyRole.values:
            raise RegisterError(_("Unknown role on a case: %(role)s.") % {"role": str(role)[:30]}, code="party_role")
    if not any(role == PartyRole.APPLICANT for _party, role in parties):
        raise RegisterError(_("A case needs an applicant."), code="no_applicant")
    parcels = list(parcels)
    for parcel in parcels:
        if parcel.municipality_id != municipality.pk:
            raise RegisterError(_("Parcel %(id)s belongs to another municipality.") % {"id": parcel.pk},
                                code="tenant")
        if parcel.valid_to is not None:
            raise RegisterError(_("Parcel %(n)s is retired; name the parcels that replaced it.")
                                % {"n": parcel.number}, code="retired")
    if ct.needs_parcel and not parcels:
        raise RegisterError(_("A case of this type needs at least one parcel."), code="no_parcel")
    boundary = Municipality.objects.only("boundary", "name_ar").get(pk=municipality.pk)
    if area is not None:
        area = validate_geometry(area, kind="MultiPolygon", within=boundary.boundary, within_name=boundary.name_ar)
    if point is not None:
        point = validate_geometry(point, kind="Point", within=boundary.boundary, within_name=boundary.name_ar)
    if point is None and area is None and not parcels:
        raise RegisterError(_("A case needs a location: parcels, a point or a drawn area."), code="no_location")
    location = point
    if location is None and area is not None:
        location = area.point_on_surface
    if location is None:
        union = Parcel.objects.filter(pk__in=[p.pk for p in parcels]).aggregate(u=Union("geom"))["u"]
        location = union.point_on_surface
    location.srid = 4326

    now, today = timezone.now(), _today()
    state = ct.state(ct.initial)
    case = Case.objects.create(
        municipality=municipality,
        number=next_number(municipality=municipality, day=today),
        case_type=ct.code,
        status=state.code,
        status_since=now,
        queue_role=_role(state.queue_role),
        due_date=due_date_for(municipality_id=municipality.pk, state=state, start=today),
        data=cleaned,
        location=location,
        area=area,
        created_by=None if actor is None or isinstance(actor, str) else actor,
    )
    CaseParty.objects.bulk_create(CaseParty(case=case, party=p, role=r) for p, r in dict.fromkeys(parties))
    CaseParcel.objects.bulk_create(CaseParcel(case=case, parcel=p) for p in dict.fromkeys(parcels))
    _entry(case, EntryKind.CREATED, actor, to_status=state.code, visible_to_applicant=True)
    change_record(instance=case, action=ChangeRecord.Action.CREATE, actor=actor, changes={
        "number": [None, case.number], "case_type": [None, ct.code], "status": [None, state.code],
        "parcels": [None, [p.pk for p in parcels]], "parties": [None, [[p.pk, r] for p, r in parties]],
    })
    return case


# --- the workflow ------------------------------------------------------------------------------------


def allowed_transitions(*, case: Case, actor=None) -> list[str]:
    """The steps that can be taken from the case's status now (by ``actor``'s roles, when given)."""
    steps = get_case_type(case.case_type).transitions_from(case.status)
    if actor is not None:
        roles = roles_on(case, actor)
        steps = [t for t in steps if roles & set(t.roles)]
    return [t.name for t in steps]


@transaction.atomic
def case_transition(*, case: Case, transition: str, actor, expected_version: int | None, note: str | None = None
                    ) -> Case:
    """Take a step of the case type's workflow: status, queue, due date, timeline, audit, effects after commit."""
    case = _locked(case, expected_version)
    ct = _case_type(case.case_type)
    step = ct.transition(transition)
    if step is None or case.status not in step.sources:
        allowed = [t.name for t in ct.transitions_from(case.status)]
        raise TransitionError(
            _("“%(step)s” is not possible for case %(number)s in status “%(status)s”; possible now: %(allowed)s.")
            % {"step": transition[:50], "number": case.number, "status": ct.state(case.status).label,
               "allowed": ", ".join(allowed) or "-"},
            allowed=allowed,
        )
    roles = roles_on(case, actor)
    if not roles & set(step.roles):
        raise NotPermitted(
            _("“%(step)s” needs one of the roles %(roles)s.") % {"step": step.label, "roles": ", ".join(step.roles)},
            needed=list(step.roles),
        )
    if case.on_hold:
        raise RegisterError(_("Case %(number)s is on hold (%(reason)s); resume it first.")
                            % {"number": case.number, "reason": case.hold_reason}, code="on_hold")
    note = (note or "").strip()[:5000]
    if step.note_required and not note:
        raise RegisterError(_("“%(step)s” needs a note saying why.") % {"step": step.label}, code="note_required")
    reasons = [r for guard in step.guards if (r := guard(case, actor))]
    if reasons:
        raise GuardError(
            _("“%(step)s” cannot be taken now: %(reasons)s") % {"step": step.label,
                                                               "reasons": "; ".join(str(r) for r in reasons)},
            reasons=reasons,
        )
    before = {"status": case.status, "due_date": _iso(case.due_date), "queue": _code(case.queue_role)}
    target = ct.state(step.target)
    now = timezone.now()
    case.status = target.code
    case.status_since = now
    case.due_date = due_date_for(municipality_id=case.municipality_id, state=target, start=_today())
    if target.queue_role and _code(case.queue_role) != target.queue_role:
        case.queue_role = _role(target.queue_role)
        case.assignee = None  # a new queue: its holders pick it up
    if target.final:
        case.closed_at, case.queue_role, case.assignee = now, None, None
    case.version += 1
    case.save()
    after = {"status": case.status, "due_date": _iso(case.due_date), "queue": _code(case.queue_role)}
    _entry(case, EntryKind.TRANSITION, actor, from_status=before["status"], to_status=target.code,
           data={"transition": step.name}, visible_to_applicant=True)
    if note:
        _entry(case, EntryKind.COMMENT, actor, body=note, data={"transition": step.name},
               visible_to_applicant=step.note_to_applicant)
    change_record(instance=case, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
                  note=f"transition {step.name}" + (f": {note}" if note else ""))
    for action in step.actions:
        action(case=case, actor=actor)
    for effect in step.effects:
        transaction.on_commit(partial(effect, case_id=case.pk))
    return case


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _code(role: Role | None) -> str | None:
    return role.code if role else None


# --- assignment, hold, comments, links ---------------------------------------------------------------


@transaction.atomic
def case_assign(*, case: Case, actor, assignee=None, queue_role: str | None = None,
                expected_version: int | None = None, note: str | None = None) -> Case:
    """Give the case to a person (a member of the municipality) and/or move it to another queue. Whoever it sits
    with may take it or hand it on within its queue; moving it to another queue needs ``cases.supervise``."""
    case = _locked(case, expected_version)
    if case.closed_at is not None:
        raise RegisterError(_("Case %(number)s is closed.") % {"number": case.number}, code="closed")
    _check_works_on(case, actor)
    before = {"assignee": case.assignee_id, "queue": _code(case.queue_role)}
    if queue_role is not None and queue_role != _code(case.queue_role):
        if not _is_supervisor(actor, case):
            raise NotPermitted(_("Moving a case to another queue needs the permission to supervise cases."),
                               needed=[SUPERVISE])
        case.queue_role = _role(queue_role)
    if assignee is not None and not Membership.objects.filter(
            user=assignee, municipality_id=case.municipality_id, is_active=True).exists():
        raise RegisterError(_("%(who)s does not work in this municipality.") % {"who": assignee.get_username()},
                            code="not_member")
    case.assignee = assignee
    after = {"assignee": case.assignee_id, "queue": _code(case.queue_role)}
    case.version += 1
    case.save()
    _entry(case, EntryKind.ASSIGNMENT, actor, body=note or "",
           data={"assignee": assignee.get_username() if assignee else None, "queue": after["queue"]})
    change_record(instance=case, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={k: [before[k], after[k]] for k in before if before[k] != after[k]}, note="assign")
    return case


HOLD_WAITING_ON = ("applicant", "agency")


@transaction.atomic
def case_hold(*, case: Case, actor, reason: str, waiting_on: str = "applicant",
              expected_version: int | None = None) -> Case:
    """Stop the clock: the case waits on the applicant or on another agency, for ``reason``."""
    case = _locked(case, expected_version)
    _check_works_on(case, actor)
    if waiting_on not in HOLD_WAITING_ON:
        raise RegisterError(_("A case waits on the applicant or on another agency."), code="waiting_on")
    if not reason or not reason.strip():
        raise RegisterError(_("Say why the case is on hold."), code="no_reason")
    if case.on_hold:
        raise RegisterError(_("Case %(number)s is already on hold.") % {"number": case.number}, code="on_hold")
    if case.closed_at is not None:
        raise RegisterError(_("Case %(number)s is closed.") % {"number": case.number}, code="closed")
    case.held_since, case.hold_reason = _today(), reason.strip()
    case.version += 1
    case.save()
    _entry(case, EntryKind.HOLD, actor, body=case.hold_reason, data={"waiting_on": waiting_on},
           visible_to_applicant=waiting_on == "applicant")
    change_record(instance=case, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"held_since": [None, _iso(case.held_since)]}, note=f"hold: {case.hold_reason}")
    return case


@transaction.atomic
def case_resume(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """Restart the clock: the due date moves on by the working days the case waited."""
    case = _locked(case, expected_version)
    _check_works_on(case, actor)
    if not case.on_hold:
        raise RegisterError(_("Case %(number)s is not on hold.") % {"number": case.number}, code="not_on_hold")
    today, before = _today(), case.due_date
    if case.due_date is not None:
        off = holidays(municipality_id=case.municipality_id, start=case.held_since,
                       end=max(today, case.due_date) + timedelta(days=(today - case.held_since).days * 2 + 60))
        case.due_date = calendar.extend_after_hold(case.due_date, case.held_since, today, off)
    held = case.held_since
    case.held_since, case.hold_reason = None, ""
    case.version += 1
    case.save()
    _entry(case, EntryKind.RESUME, actor, data={"held_since": _iso(held), "due_date": _iso(case.due_date)},
           visible_to_applicant=True)
    change_record(instance=case, action=ChangeRecord.Action.UPDATE, actor=actor, note="resume",
                  changes={"held_since": [_iso(held), None], "due_date": [_iso(before), _iso(case.due_date)]})
    return case


def case_record(*, case: Case, actor, body: str, visible_to_applicant: bool = True, data: dict | None = None
                ) -> TimelineEntry:
    """What a process found or did on a case (a survey compared, a fee computed), in its timeline. The
    process's own service has checked who may do it; this only writes the entry."""
    return _entry(case, EntryKind.COMMENT, actor, body=body.strip()[:5000], data=data or {},
                  visible_to_applicant=visible_to_applicant)


@transaction.atomic
def case_comment(*, case: Case, actor, body: str, visible_to_applicant: bool = False) -> TimelineEntry:
    """An internal note for staff, or a message the applicant sees. Does not change the case's version."""
    if not body or not body.strip():
        raise RegisterError(_("A comment needs text."), code="empty")
    if not role_codes_of(actor, municipality_id=case.municipality_id):
        raise NotPermitted(_("Only staff of this municipality comment on its cases."))
    entry = _entry(case, EntryKind.COMMENT, actor, body=body.strip()[:5000], visible_to_applicant=visible_to_applicant)
    change_record(instance=case, action=ChangeRecord.Action.UPDATE, actor=actor,
                  note=("message to the applicant" if visible_to_applicant else "internal note"))
    return entry


@transaction.atomic
def case_link(*, case: Case, other: Case, actor, kind: str = "related", roles_checked: bool = False) -> CaseLink:
    """Link ``case`` to ``other`` (same municipality). ``roles_checked``: a process's service opening ``case``
    from ``other`` (a permit's inspection, renewal...) decided who may; else the case must sit with the actor."""
    if other.municipality_id != case.municipality_id:
        raise RegisterError(_("Case %(number)s belongs to another municipality.") % {"number": other.number},
                            code="tenant")
    if other.pk == case.pk:
        raise RegisterError(_("A case cannot be linked to itself."), code="self_link")
    if not roles_checked:
        _check_works_on(case, actor)
    link, _created = CaseLink.objects.get_or_create(from_case=case, to_case=other, defaults={"kind": kind})
    _entry(case, EntryKind.LINK, actor, data={"to": other.number, "kind": kind})
    change_record(instance=case, action=ChangeRecord.Action.UPDATE, actor=actor, note=f"link {kind} {other.number}")
    return link


# --- applying: a case with its documents ---------------------------------------------------------------


def case_apply(
    *,
    municipality: Municipality,
    case_type: str,
    actor,
    data: dict | None = None,
    parties: Iterable[tuple[Party, str]] = (),
    parcels: Iterable[Parcel] = (),
    point: GEOSGeometry | None = None,
    area: GEOSGeometry | None = None,
    files: dict | None = None,
) -> Case:
    """Open a case from an application with its documents ({document code: uploaded file}), in one
    transaction: the type's own ``apply`` when it declares one, else ``case_create`` and ``document_upload``
    for each file, the type's required documents present. Refused as a whole: no case, no file left behind."""
    from cases.documents.services import document_upload, files_removed_on_failure, missing_documents

    ct = _case_type(case_type)
    files = dict(files or {})
    kwargs = {"municipality": municipality, "actor": actor, "data": data, "parties": parties, "parcels": parcels,
              "point": point, "area": area}
    with files_removed_on_failure(), transaction.atomic():
        if ct.apply is not None:
            return ct.apply(**kwargs, files=files)
        missing = missing_documents(ct.code, files)
        if missing:
            raise RegisterError(
                _("The application lacks required documents: %(docs)s.")
                % {"docs": ", ".join(f"{d.code} ({d.label})" for d in missing)}, code="missing_documents")
        case = case_create(case_type=ct.code, **kwargs)
        for code, upload in files.items():
            document_upload(case=case, code=code, upload=upload, actor=actor)
        return case
