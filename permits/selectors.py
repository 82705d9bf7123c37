"""Reads of the building rules and of what the registers say around a parcel (the check's inputs)."""

from __future__ import annotations

from datetime import date

from django.contrib.gis.db.models.functions import Area, Intersection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from common.errors import RegisterError
from parcels.models import District, Parcel, Street, Zone
from permits.models import Overlay, RuleSet, RuleSetStatus

STREET_SEARCH_M = 60.0  # widest street's half width (30 m) + tolerance + slack


def degrees(metres: float) -> float:
    """A search distance in degrees that covers ``metres`` anywhere in the Kingdom (a degree of longitude is
    at least 90 km below 35° N); the GiST index answers ``ST_DWithin`` in degrees, the check measures in metres."""
    return metres / 90_000.0


def zone_for(*, parcel: Parcel) -> Zone:
    """The zone covering most of the parcel; RegisterError ``no_zone`` when none touches it."""
    zone = (Zone.objects.filter(municipality_id=parcel.municipality_id, geom__intersects=parcel.geom)
            .select_related("regulation")
            .annotate(shared=Area(Intersection("geom", parcel.geom))).order_by("-shared", "id").first())
    if zone is None:
        raise RegisterError(
            _("Parcel %(n)s of plan %(p)s lies in no zone: its building rules are unknown. The planning department "
              "must draw the zone first.") % {"n": parcel.number, "p": parcel.plan.number if parcel.plan_id else "-"},
            code="no_zone")
    return zone


def in_force(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def rule_set_in_force(*, regulation_id: int, on: date) -> RuleSet:
    found = (RuleSet.objects.filter(in_force(on), regulation_id=regulation_id, status=RuleSetStatus.ADOPTED)
             .select_related("regulation").first())
    if found is None:
        from parcels.models import ZoningRegulation

        code = ZoningRegulation.objects.filter(pk=regulation_id).values_list("code", flat=True).first()
        raise RegisterError(_("No adopted building rules of zoning code %(c)s are in force on %(d)s.")
                            % {"c": code or regulation_id, "d": on.isoformat()}, code="no_rules")
    return found


def rule_sets_of(*, municipality_id: int) -> QuerySet[RuleSet]:
    return RuleSet.objects.filter(municipality_id=municipality_id).select_related("regulation")


def overlays_touching(*, parcel: Parcel, on: date, within_m: float = 50.0) -> QuerySet[Overlay]:
    """Overlays in force on ``on`` within ``within_m`` of the parcel (an extra setback reaches beyond them)."""
    return Overlay.objects.filter(in_force(on), municipality_id=parcel.municipality_id,
                                  geom__dwithin=(parcel.geom, degrees(within_m)))


def streets_near(*, parcel: Parcel, within_m: float = STREET_SEARCH_M) -> QuerySet[Street]:
    return Street.objects.filter(municipality_id=parcel.municipality_id,
                                 geom__dwithin=(parcel.geom, degrees(within_m))).order_by("id")


def district_of(*, parcel: Parcel) -> District | None:
    return District.objects.filter(municipality_id=parcel.municipality_id,
                                   geom__intersects=parcel.geom.point_on_surface).first()
