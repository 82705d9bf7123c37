"""Reads of cases, always scoped by tenant: the inbox, finding a case, the working-day calendar's holidays."""

from __future__ import annotations

from datetime import date

from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import Polygon
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Person
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
        qs = qs.filter(location__intersects=district.geom)
    if overdue is not None:
        late = Q(due_date__lt=timezone.localdate(), held_since__isnull=True)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs


def inbox(*, user, municipality, **filters) -> QuerySet[Case]:
    """My queue: cases sitting with a role I hold in this municipality, or assigned to me or to someone whose
    active delegation names me (cases.delegation) (filters as ``case_list``), earliest due first. A membership
    limited to some districts sees its queues' cases there only (cases assigned to the person by name are
    theirs wherever they lie)."""
    roles = role_codes_of(user, municipality_id=municipality.pk)
    today = timezone.localdate()
    delegators = Delegation.objects.filter(municipality=municipality, to_user=user, starts_on__lte=today,
                                           ends_on__gte=today).values("from_user_id")
    queued = Q(queue_role__code__in=roles, closed_at__isnull=True)
    access = staff_access(user, municipality_id=municipality.pk, with_municipality=False)
    if access is not None and access.district_codes:
        areas = District.objects.filter(municipality=municipality, code__in=access.district_codes)
        queued &= Q(pk__in=Case.objects.filter(municipality=municipality,
                                               location__intersects=areas.aggregate(u=Union("geom"))["u"])
                    .values("pk")) if areas.exists() else Q(pk__in=[])
    return case_list(municipality=municipality, **filters).filter(
        Q(assignee=user) | Q(assignee__in=delegators, closed_at__isnull=True) | queued).order_by("due_date", "id")


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
    """The first applicant who is a person, of each case (one query), for lists showing the masked ID."""
    rows = (CaseParty.objects.filter(case__in=cases, role=PartyRole.APPLICANT, party__kind="person")
            .select_related("party__person").order_by("id"))
    out: dict[int, Person | None] = {}
    for row in rows:
        out.setdefault(row.case_id, row.party.person)
    return out
