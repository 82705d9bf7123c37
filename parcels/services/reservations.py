"""Reserving land for a process over a period, and releasing it (``parcels.models.reservations``; decision 030).
The database refuses a clash (a whole parcel's exclusion constraint; any shape's trigger); the refusal comes
back as a register error naming who holds the land."""

from __future__ import annotations

from datetime import date

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ChangeRecord
from audit.services import change_record
from parcels.models import LandReservation, Parcel, ReservationPurpose
from parcels.services.errors import RegisterError

CLASH = ("parcels_reservation_parcel_once", "parcels_reservation_no_overlap")


def _land(*, parcel: Parcel | None, geom: GEOSGeometry | None) -> MultiPolygon:
    if geom is None:
        if parcel is None:
            raise RegisterError(_("Say which land: a parcel, or its outline."), code="no_land")
        return parcel.geom
    if geom.srid not in (None, 4326):
        geom = geom.transform(4326, clone=True)
    if isinstance(geom, Polygon):
        geom = MultiPolygon(geom, srid=4326)
    if not isinstance(geom, MultiPolygon) or geom.empty or not geom.valid:
        raise RegisterError(_("The land to reserve must be a valid polygon (%(why)s).")
                            % {"why": geom.valid_reason if not geom.empty else _("empty")}, code="geometry")
    return geom


def _holder_of(message: str) -> str:
    return message.split("land already reserved by reservation", 1)[-1].strip().split("\n", 1)[0]


@transaction.atomic
def land_reserve(*, municipality, purpose: str, holder: str, actor, parcel: Parcel | None = None,
                 geom: GEOSGeometry | None = None, starts: date | None = None,
                 ends: date | None = None) -> LandReservation:
    """Hold ``parcel`` (whole) or ``geom`` from ``starts`` (today) until ``ends`` (None: until released).
    RegisterError ``reserved`` when any of it is held in an overlapping period."""
    if purpose not in ReservationPurpose.values:
        raise RegisterError(_("Unknown purpose of a reservation: %(p)s.") % {"p": str(purpose)[:30]}, code="purpose")
    if parcel is not None and parcel.municipality_id != municipality.pk:
        raise RegisterError(_("Parcel %(n)s belongs to another municipality.") % {"n": parcel.number},
                            code="other_municipality")
    starts = starts or timezone.localdate()
    if ends is not None and ends <= starts:
        raise RegisterError(_("A reservation ends after it starts (%(s)s → %(e)s).") % {"s": starts, "e": ends},
                            code="period")
    land = _land(parcel=parcel, geom=geom)
    try:
        with transaction.atomic():
            reservation = LandReservation.objects.create(
                municipality=municipality, purpose=purpose, holder=holder[:200], parcel=parcel, geom=land,
                period=DateRange(starts, ends, "[)"))
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        if constraint not in CLASH:
            raise
        where = _("parcel %(n)s") % {"n": parcel.number} if parcel is not None else _("this land")
        raise RegisterError(_("%(where)s is already reserved for that period (%(by)s): release it first.")
                            % {"where": where, "by": _holder_of(str(exc.__cause__)) or constraint},
                            code="reserved") from None
    change_record(instance=reservation, action=ChangeRecord.Action.CREATE, actor=actor,
                  changes={"purpose": [None, purpose], "holder": [None, holder],
                           "period": [None, f"{starts}..{ends or ''}"]})
    return reservation


@transaction.atomic
def land_release(*, reservation: LandReservation, actor, on: date | None = None) -> LandReservation:
    """The land is free again from ``on`` (today)."""
    locked = LandReservation.objects.select_for_update().get(pk=reservation.pk)
    if locked.released_on is not None:
        return locked
    locked.released_on = on or timezone.localdate()
    locked.version += 1
    locked.save(update_fields=["released_on", "version", "updated_at"])
    change_record(instance=locked, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"released_on": [None, str(locked.released_on)]})
    return locked
