"""Reads of cases, always scoped by tenant: the inbox, finding a case, the working-day calendar's holidays."""

from __future__ import annotations

from datetime import date

from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import Polygon
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership, Person
from accounts.selectors import role_codes_of, staff_access
from cases.models import Case, CaseParty, Delegation, Holiday, PartyRole, PersonalDataLookup, TimelineEntry
from parcels.models import District


def holidays(*, municipality_id: int, start: date, end: date) -> frozenset[date]:
    """National holidays and the municipality's own, from ``start`` to ``end`` inclusive."""
    return frozenset(
        Holiday.objects.filter(Q(municipality__isnull=True) | Q(municipality_id=municipality_id),
                               day__gte=start, day__lte=end).values_list("day", flat=True)
    )


def case_list(*, municipality, case_type: str | None = None, status: str | None = None,
              bbox: Polygon | None = None, overdue: bool | None = None, district=None) -> QuerySet[Case]:
    """The municipality's cases, filtered. ``overdue``: past the due date and not on hold (the clock runs)."""
    qs = Case.objects.filter(municipality=municipality)
    if case_type:
        qs = qs.filter(case_type=case_type)
    if status:
        qs = qs.filter(status=status)
    if bbox is not None:
        qs = qs.filter(location__intersects=bbox)
    if district is not None:
        # As a set of ids from the spatial index: a spatial test in the filter of an ordered walk (my queue) is
        # costed so high by PostGIS that the planner starts parallel workers, 15 ms before the first row.
        qs = qs.filter(pk__in=Case.objects.filter(municipality=municipality, location__intersects=district.geom)
                       .values("pk"))
    if overdue is not None:
        late = Q(due_date__lt=timezone.localdate(), held_since__isnull=True)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs


def inbox(*, user, municipality, **filters) -> QuerySet[Case]:
    """My queue: cases sitting with a role I hold in this municipality, or assigned to me or to someone whose
    active delegation names me (cases.delegation) (filters as ``case_list``), earliest due first. A membership
    limited to some districts sees its queues' cases there only (cases assigned to the person by name are
    theirs wherever they lie)."""
    # The queues by id (no join to roles), and only open cases: a closed case sits with nobody (a final step
    # clears its queue and assignee), and so the planner may walk the open cases in due order
    # (index ``cases_case_open_due``) and stop at the page's end, however long the queue.
    role_ids = list(Membership.roles.through.objects.filter(
        membership__user=user, membership__municipality_id=municipality.pk, membership__is_active=True,
    ).values_list("role_id", flat=True)) if getattr(user, "is_authenticated", False) else []
    today = timezone.localdate()
    delegators = Delegation.objects.filter(municipality=municipality, to_user=user, starts_on__lte=today,
                                           ends_on__gte=today).values("from_user_id")
    queued = Q(queue_role_id__in=role_ids)
    access = staff_access(user, municipality_id=municipality.pk, with_municipality=False)
    if access is not None and access.district_codes:
        areas = District.objects.filter(municipality=municipality, code__in=access.district_codes)
        queued &= Q(pk__in=Case.objects.filter(municipality=municipality,
                                               location__intersects=areas.aggregate(u=Union("geom"))["u"])
                    .values("pk")) if areas.exists() else Q(pk__in=[])
    return (case_list(municipality=municipality, **filters).filter(closed_at__isnull=True)
            .filter(Q(assignee=user) | Q(assignee__in=delegators) | queued).order_by("due_date", "id"))


def _queues_limited(user, municipality) -> Q | None:
    """As ``inbox``: a membership limited to some districts sees its queues' cases there only (None: no limit)."""
    access = staff_access(user, municipality_id=municipality.pk, with_municipality=False)
    if access is None or not access.district_codes:
        return None
    areas = District.objects.filter(municipality=municipality, code__in=access.district_codes)
    if not areas.exists():
        return Q(pk__in=[])
    return Q(pk__in=Case.objects.filter(municipality=municipality,
                                        location__intersects=areas.aggregate(u=Union("geom"))["u"]).values("pk"))


def inbox_page(*, user, municipality, offset: int = 0, limit: int = 25, **filters) -> list[Case]:
    """One page of ``inbox`` in its order (earliest due first), reading at most ``offset + limit`` rows from
    each of my queues (index ``cases_case_queue_due``) and from the cases assigned to me, merged by the
    database: no sort of a whole queue, however long it is. Each way a case lands in ``inbox`` is a branch here
    (a new one, such as delegations, needs its own): tests/cases/test_inbox_page.py compares the two."""
    from accounts.models import Role

    base = case_list(municipality=municipality, **filters).filter(closed_at__isnull=True).order_by("due_date", "id")
    role_ids = Role.objects.filter(code__in=role_codes_of(user, municipality_id=municipality.pk)).values_list(
        "pk", flat=True)
    limited = _queues_limited(user, municipality)
    k = offset + limit
    today = timezone.localdate()
    delegators = Delegation.objects.filter(municipality=municipality, to_user=user, starts_on__lte=today,
                                           ends_on__gte=today).values("from_user_id")
    parts = [base.filter(assignee=user).values("pk")[:k],
             base.filter(assignee__in=delegators, closed_at__isnull=True).values("pk")[:k]]
    for role_id in role_ids:
        queue = base.filter(queue_role_id=role_id, closed_at__isnull=True)
        parts.append((queue.filter(limited) if limited is not None else queue).values("pk")[:k])
    ids = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return list(Case.objects.filter(pk__in=ids).select_related("assignee", "queue_role")
                .order_by("due_date", "id")[offset:offset + limit])


def case_get(*, municipality, pk: int) -> Case:
    """A case of this municipality (another municipality's case is "not found", never "forbidden")."""
    case = Case.objects.filter(municipality=municipality, pk=pk).first()
    if case is None:
        raise Http404("case")
    return case


def find_by_number(*, municipality, number: str) -> QuerySet[Case]:
    return Case.objects.filter(municipality=municipality, number__iexact=number.strip()[:24])


def find_by_national_id(*, municipality, national_id: str, actor, purpose: str) -> QuerySet[Case]:
    """Cases naming this person (any role); the look-up is logged (who, when, which cases: PDPL)."""
    national_id = national_id.strip()[:10]
    qs = Case.objects.filter(
        municipality=municipality,
        pk__in=CaseParty.objects.filter(party__person__national_id=national_id).values("case_id"),
    )
    numbers = list(qs.values_list("number", flat=True)[:1000])
    person = Person(national_id=national_id)
    PersonalDataLookup.objects.create(
        municipality=municipality, masked_national_id=person.masked_national_id if len(national_id) == 10 else "*",
        purpose=purpose[:100], case_numbers=numbers,
        **({"actor": None, "actor_label": actor or "system"} if actor is None or isinstance(actor, str)
           else {"actor": actor}),
    )
    return qs


def find_by_parcel(*, municipality, parcel_id: int) -> QuerySet[Case]:
    return Case.objects.filter(municipality=municipality, parcels__pk=parcel_id).distinct()


def find_by_deed(*, municipality, deed_number: str) -> QuerySet[Case]:
    return Case.objects.filter(
        municipality=municipality, parcels__deed_number=deed_number.strip()[:32]
    ).distinct()


def timeline(*, case: Case, for_applicant: bool = False) -> QuerySet[TimelineEntry]:
    """What happened to the case, oldest first: everything for staff; for the applicant, only the entries
    meant for them (status changes, holds waiting on them, messages), never internal notes."""
    qs = case.timeline.select_related("actor").order_by("at", "id")
    return qs.filter(visible_to_applicant=True) if for_applicant else qs


def applicants(cases) -> dict[int, Person | None]:
    """The first applicant who is a person, of each case (two queries, one object per person: a page of a list
    pays for what it shows), for lists showing the name and the masked ID."""
    first: dict[int, int] = {}
    for case_id, party_id in (CaseParty.objects.filter(case__in=cases, role=PartyRole.APPLICANT,
                                                       party__kind="person")
                              .order_by("id").values_list("case_id", "party_id")):
        first.setdefault(case_id, party_id)
    people = Person.objects.only("kind", "name_ar", "name_en", "national_id").in_bulk(set(first.values()))
    return {case_id: people.get(party_id) for case_id, party_id in first.items()}


# --- the inbox's other views (web/inbox) -------------------------------------------------------------


def team_cases(*, user, municipality, **filters) -> QuerySet[Case]:
    """My team's: the municipality's cases of the types whose queues my roles handle (whoever holds them, open
    or closed), newest first; for a supervisor (``cases.supervise``) all the municipality's cases."""
    from cases.types import all_case_types

    qs = case_list(municipality=municipality, **filters)
    access = staff_access(user, municipality_id=municipality.pk, with_municipality=False)
    if access is not None and access.can("cases.supervise"):
        return qs.order_by("-id")
    roles = role_codes_of(user, municipality_id=municipality.pk)
    types = [t.code for t in all_case_types() if any(s.queue_role in roles for s in t.states)]
    return qs.filter(case_type__in=types).order_by("-id")


def find_by_parcel_number(*, municipality, number: str) -> QuerySet[Case]:
    return Case.objects.filter(municipality=municipality, parcels__number=number.strip()[:32]).distinct()


def search(*, municipality, q: str, actor, purpose: str = "inbox search") -> QuerySet[Case]:
    """Cases by number, parcel number or deed number; a ten-digit number starting 1 or 2 is a national ID,
    looked up through ``find_by_national_id`` (logged)."""
    q = q.strip()[:32]
    if len(q) == 10 and q.isdigit() and q[0] in "12":
        return find_by_national_id(municipality=municipality, national_id=q, actor=actor, purpose=purpose)
    # Numbers are upper case (RAS-1448-000123): an exact match on the upper-cased text uses the unique index.
    by_number = Case.objects.filter(municipality=municipality, number=q.upper()).values("pk")
    ids = (by_number
           .union(find_by_deed(municipality=municipality, deed_number=q).values("pk"),
                  find_by_parcel_number(municipality=municipality, number=q).values("pk")))
    return Case.objects.filter(municipality=municipality, pk__in=ids)


def person_by_national_id(*, municipality, national_id: str, actor, purpose: str) -> Person | None:
    """The person with this national ID, to name them on a case; the look-up is logged like a search."""
    national_id = national_id.strip()[:10]
    person = Person.objects.filter(national_id=national_id).first()
    PersonalDataLookup.objects.create(
        municipality=municipality, masked_national_id=person.masked_national_id if person else "*",
        purpose=purpose[:100], case_numbers=[], person=person,
        **({"actor": None, "actor_label": actor or "system"} if actor is None or isinstance(actor, str)
           else {"actor": actor}),
    )
    return person
