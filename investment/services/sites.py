"""Investment sites: a parcel, or part of one, held in the registers for investment (``parcels`` land
reservations, decision 030). Two sites sharing land are refused by the database; the refusal names the holder in
Arabic and English."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.selectors import require_permission
from audit.models import ChangeRecord
from audit.services import change_record
from common.errors import RegisterError
from investment.models import OpportunityStatus, Site, SiteStatus
from parcels.models import Parcel
from parcels.services.reservations import land_release, land_reserve

MANAGE = "investment.manage"
PURPOSE = "investment_site"
OPEN_TENDER = (OpportunityStatus.DRAFT, OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED,
               OpportunityStatus.OPENED, OpportunityStatus.AWARDED)


def holder_of(site: Site) -> str:
    return f"investment site {site.number}"


def _outline(*, parcel: Parcel | None, geom: GEOSGeometry | None) -> MultiPolygon:
    if geom is None:
        if parcel is None:
            raise RegisterError(_("Say which land: a parcel, or the site's outline."), code="no_land")
        return parcel.geom
    if geom.srid not in (None, 4326):
        geom = geom.transform(4326, clone=True)
    if isinstance(geom, Polygon):
        geom = MultiPolygon(geom, srid=4326)
    geom.srid = 4326
    return geom


def _holders_of(site: Site) -> list[str]:
    """Who holds land overlapping the site's now (what the database's refusal was about)."""
    from django.db.models import Q

    from parcels.models import LandReservation

    today = timezone.localdate()
    held = (LandReservation.objects.filter(municipality_id=site.municipality_id, released_on__isnull=True,
                                           geom__intersects=site.geom)
            .filter(Q(period__contains=today) | Q(period__startswith__gt=today)))
    return sorted({r.holder for r in held if r.geom.intersection(site.geom).area > 0})


def site_reserve(*, site: Site, actor) -> Site:
    """Hold the site's land (from today, until released). Refused (``reserved``) when anyone holds any of it;
    the message, in Arabic and English, names the holder."""
    municipality = Municipality.objects.get(pk=site.municipality_id)
    try:
        reservation = land_reserve(municipality=municipality, purpose=PURPOSE, holder=holder_of(site), actor=actor,
                                   parcel=site.parcel if site.parcel_id and site.geom.equals(site.parcel.geom)
                                   else None, geom=site.geom)
    except RegisterError as exc:
        if exc.code != "reserved":
            raise
        holders = ", ".join(_holders_of(site)) or "?"
        # Both languages at once (a desk officer and an English-reading engineer see the same refusal).
        ar = f"أرض الموقع {site.number} محجوزة في الفترة نفسها لـ: {holders}. لا يُحجز الموقع حتى تُحرَّر."
        en = _("The land of site %(n)s is already held for that period by: %(by)s. Release it first.") % {
            "n": site.number, "by": holders}
        raise RegisterError(f"{ar} — {en}", code="reserved") from None
    site.reservation = reservation
    site.version += 1
    site.save(update_fields=["reservation", "version", "updated_at"])
    return site


@transaction.atomic
def site_create(*, municipality: Municipality, actor, number: str, name_ar: str, name_en: str = "",
                parcel: Parcel | None = None, geom: GEOSGeometry | None = None) -> Site:
    """A site on ``parcel`` (whole) or on ``geom`` (part of one, or several), its land reserved at once."""
    require_permission(actor=actor, permission=MANAGE, municipality_id=municipality.pk)
    number, name_ar = str(number).strip()[:32], str(name_ar).strip()[:200]
    if not number or not name_ar:
        raise RegisterError(_("A site needs a number and an Arabic name."), code="site")
    if Site.objects.filter(municipality=municipality, number=number).exists():
        raise RegisterError(_("Site %(n)s already exists.") % {"n": number}, code="duplicate")
    if parcel is not None and parcel.municipality_id != municipality.pk:
        raise RegisterError(_("Parcel %(n)s belongs to another municipality.") % {"n": parcel.number}, code="tenant")
    outline = _outline(parcel=parcel, geom=geom)
    if outline.empty or not outline.valid:
        raise RegisterError(_("The site's outline must be a valid polygon (%(why)s).")
                            % {"why": outline.valid_reason}, code="geometry")
    metric = Municipality.objects.only("metric_srid").get(pk=municipality.pk).metric_srid
    area = Decimal(str(round(outline.transform(metric, clone=True).area, 1)))
    site = Site.objects.create(municipality=municipality, number=number, name_ar=name_ar, name_en=name_en[:200],
                               parcel=parcel, area_m2=area, geom=outline)
    site_reserve(site=site, actor=actor)
    change_record(instance=site, action=ChangeRecord.Action.CREATE, actor=actor,
                  changes={"number": [None, number], "area_m2": [None, str(area)]})
    return site


def site_free(*, site: Site, actor, status: str = SiteStatus.AVAILABLE) -> Site:
    """The site's land released (a contract ended, the site withdrawn)."""
    if site.reservation_id:
        land_release(reservation=site.reservation, actor=actor)
    site.reservation = None
    site.status = status
    site.version += 1
    site.save(update_fields=["reservation", "status", "version", "updated_at"])
    return site


@transaction.atomic
def site_withdraw(*, site: Site, actor) -> Site:
    require_permission(actor=actor, permission=MANAGE, municipality_id=site.municipality_id)
    site = Site.objects.select_for_update(of=("self",)).select_related("reservation").get(pk=site.pk)
    if site.opportunities.filter(status__in=OPEN_TENDER).exists() or site.status == SiteStatus.LEASED:
        raise RegisterError(_("Site %(n)s is offered or leased: cancel its opportunity or end its contract first.")
                            % {"n": site.number}, code="in_use")
    site_free(site=site, actor=actor, status=SiteStatus.WITHDRAWN)
    change_record(instance=site, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": [None, SiteStatus.WITHDRAWN]})
    return site
