"""Who may do what, where: the one place that answers it for the API, OGC, tiles, the map and the admin.

A person's access in a municipality is their membership there: its roles' permissions (and the API-key scopes
those amount to) and, optionally, the districts it is limited to. Superusers are not given rows by these
answers: the admin treats them as seeing every municipality (``admin_municipality_ids``), the API as any other
person (a superuser without a membership is refused by the API, as before).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import Membership, Municipality, Person, Representation, Role
from accounts.permissions import REGISTERS_READ, scopes_of


class StaffAccess(NamedTuple):
    """A person's access in one municipality (from their membership there)."""

    membership_id: int
    municipality_id: int
    municipality: Municipality | None  # loaded when asked for
    permissions: frozenset[str]
    scopes: frozenset[str]  # the API-key scopes these permissions amount to (read, write, lineage)
    district_codes: tuple[str, ...]  # empty: the whole municipality

    def can(self, permission) -> bool:
        return getattr(permission, "code", permission) in self.permissions


def _permissions_sql() -> str:
    through = Membership.roles.through._meta
    role, membership = Role._meta.db_table, Membership._meta.db_table
    return (
        f"ARRAY(SELECT DISTINCT p FROM {through.db_table} mr JOIN {role} r ON r.id = mr.role_id,"  # noqa: S608
        f" unnest(r.permissions) p WHERE mr.membership_id = {membership}.id)"
    )


def memberships_of(user) -> QuerySet[Membership]:
    """A person's active memberships, each with ``granted``: the permissions of all its roles (one query)."""
    if user is None or not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True)
        .annotate(granted=RawSQL(_permissions_sql(), []))  # noqa: S611 (table names from model metadata)
        .order_by("pk")
    )


def staff_access(user, *, municipality_id: int | None = None, with_municipality: bool = True,
                 with_boundary: bool = True) -> StaffAccess | None:
    """The person's access in ``municipality_id`` (or in their first municipality, when not given); None when
    they have no active membership there. One query."""
    qs = memberships_of(user)
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    if with_municipality:
        qs = qs.select_related("municipality")
        if not with_boundary:
            qs = qs.defer("municipality__boundary")
    m = qs.first()
    if m is None:
        return None
    granted = frozenset(m.granted or ())
    return StaffAccess(
        membership_id=m.pk,
        municipality_id=m.municipality_id,
        municipality=m.municipality if with_municipality else None,
        permissions=granted,
        scopes=frozenset(scopes_of(granted)),
        district_codes=tuple(m.district_codes),
    )


def user_has_permission(user, permission, *, municipality_id: int) -> bool:
    """Whether ``user`` holds ``permission`` (a code or a ``Permission``) in that municipality."""
    access = staff_access(user, municipality_id=municipality_id, with_municipality=False)
    return access is not None and access.can(permission)


def municipality_ids_with(user, permission=REGISTERS_READ) -> list[int] | None:
    """The municipalities where ``user`` holds ``permission``; None for a superuser (every municipality)."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_superuser:
        return None
    code = getattr(permission, "code", permission)
    return [m.municipality_id for m in memberships_of(user) if code in (m.granted or ())]


def require_permission(*, actor, permission, municipality_id: int) -> None:
    """Refuse (``NotPermitted``, 403) a person who does not hold ``permission`` in that municipality.

    Services call it, so no door (API, admin, map, importer) can skip it. ``actor`` is the person (a user), or
    a label for work not done by a person: another system's API key, whose scopes were checked when it was
    authenticated, or the system itself (a command, the demo generator); those are not people and pass.
    Superusers pass.
    """
    if actor is None or isinstance(actor, str) or getattr(actor, "is_superuser", False):
        return
    if not user_has_permission(actor, permission, municipality_id=municipality_id):
        from django.utils.translation import gettext as _

        from common.errors import NotPermitted

        code = getattr(permission, "code", permission)
        raise NotPermitted(
            _("You may not do this in this municipality: your roles there lack the permission “%(p)s”.")
            % {"p": code},
            needed=[code],
        )


def role_codes_of(user, *, municipality_id: int) -> frozenset[str]:
    """The codes of the roles ``user`` holds in that municipality (empty without an active membership): the
    queues of cases and the roles a workflow's steps name (``cases.types.Transition.roles``)."""
    if user is None or isinstance(user, str) or not user.is_authenticated:
        return frozenset()
    return frozenset(
        Membership.roles.through.objects.filter(
            membership__user=user, membership__municipality_id=municipality_id, membership__is_active=True
        ).values_list("role__code", flat=True)
    )


def acting_parties(user, *, on: date | None = None) -> frozenset[int]:
    """The parties ``user`` may act as on day ``on`` (today by default): their own person, every principal a
    valid representation names them (or an organisation they act for) as agent of — an engineering office's
    employee acts for the office, and so for the owners who engaged it. Empty for anonymous callers."""
    if user is None or isinstance(user, str) or not getattr(user, "is_authenticated", False):
        return frozenset()
    person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    if person_id is None:
        return frozenset()
    on = on or timezone.localdate()
    valid = Representation.objects.filter(valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    parties = {person_id}
    frontier = {person_id}
    for _depth in range(2):  # a person → their organisation → its principals
        frontier = set(valid.filter(agent_id__in=frontier).values_list("principal_id", flat=True)) - parties
        if not frontier:
            break
        parties |= frontier
    return frozenset(parties)
