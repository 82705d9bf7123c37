"""Land reservations (issue 21 §2): no two processes hold the same land at once — refused by the database itself
(a whole parcel's GiST exclusion constraint, any shape's trigger), neighbours and later periods allowed, released
land free again, and two transactions racing for the same land: one wins."""

import threading
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from common.errors import RegisterError
from parcels.models import LandReservation
from parcels.services.reservations import land_release, land_reserve
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory
from tests.shapes import rect

D = date(2027, 1, 1)


@pytest.fixture
def town(db):
    return MunicipalityFactory(metric_srid=9358)


@pytest.fixture
def plots(town):
    plan = PlanFactory(municipality=town)
    return [ParcelFactory(plan=plan, geom=rect(x, 0, x + 20, 30), number=f"P-{x}") for x in (0, 20, 40)]


def reserve(town, **kwargs):
    kwargs.setdefault("starts", D)
    return land_reserve(municipality=town, purpose=kwargs.pop("purpose", "grant_plot"),
                        holder=kwargs.pop("holder", "RAS-1448-000001"), actor="test", **kwargs)


def test_a_parcel_is_held_once_in_a_period_and_neighbours_are_free(town, plots):
    reserve(town, parcel=plots[0], ends=D + timedelta(days=365))
    reserve(town, parcel=plots[1], holder="RAS-1448-000002")  # shares an edge: not an overlap
    with pytest.raises(RegisterError) as clash:
        reserve(town, parcel=plots[0], purpose="investment_site", holder="INV-7", starts=D + timedelta(days=200))
    assert "P-0" in str(clash.value) and "RAS-1448-000001" in str(clash.value)
    reserve(town, parcel=plots[0], holder="RAS-1448-000003", starts=D + timedelta(days=365))  # after it ends
    assert LandReservation.objects.count() == 3


def test_part_of_a_held_parcel_is_refused_by_the_database(town, plots):
    reserve(town, parcel=plots[0])
    with pytest.raises(RegisterError):
        reserve(town, geom=rect(15, 10, 25, 20)[0], purpose="investment_site", holder="INV-1")
    reserve(town, geom=rect(20.0, 10, 30, 20)[0], purpose="investment_site", holder="INV-2")  # only touches P-0
    # Not only the service: a row written around it is refused by the trigger and the exclusion constraint.
    with pytest.raises(IntegrityError), transaction.atomic():
        LandReservation.objects.create(municipality=town, purpose="public_facility", holder="raw",
                                       geom=rect(5, 5, 10, 10), period=(D, None))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")  # no triggers: the constraint alone
        LandReservation.objects.create(municipality=town, purpose="public_facility", holder="raw", parcel=plots[0],
                                       geom=plots[0].geom, period=(D, None))


def test_released_land_is_free_again(town, plots):
    held = reserve(town, parcel=plots[2])
    land_release(reservation=held, actor="test")
    again = reserve(town, parcel=plots[2], holder="RAS-1448-000009")
    assert again.pk != held.pk


@pytest.mark.parametrize("kwargs, code", [({}, "no_land"), ({"purpose": "car_park"}, "purpose"),
                                          ({"ends": D}, "period")])
def test_bad_requests_are_refused_saying_why(town, plots, kwargs, code):
    if code != "no_land":
        kwargs["parcel"] = plots[0]
    with pytest.raises(RegisterError) as refused:
        reserve(town, **kwargs)
    assert refused.value.code == code


@pytest.mark.django_db(transaction=True)
def test_two_transactions_racing_for_the_same_land_one_wins():
    town = MunicipalityFactory(metric_srid=9358)
    results, barrier = [], threading.Barrier(2)

    def race(x0, holder):
        try:
            barrier.wait()
            reserve(town, geom=rect(x0, 0, x0 + 20, 20)[0], purpose="investment_site", holder=holder)
            results.append("reserved")
        except RegisterError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(x0, f"INV-{x0}")) for x0 in (0, 10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["refused", "reserved"]
    assert LandReservation.objects.filter(municipality=town).count() == 1
