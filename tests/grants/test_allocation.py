"""From a drawn plot to the deed: the ministry's verified batch reserves each plot in the registers and grants the
parcel (with history), bills any area beyond the entitlement, the applicant is told at each step; a plot taken
meanwhile sends the applicant back to the queue; an unbuildable plot is replaced as a step of the case; a
transfer is a pair of cases in two municipalities with no key between them."""

import datetime as dt
from decimal import Decimal

import pytest

from audit.models import ChangeRecord
from cases.models import Case, TimelineEntry
from cases.services import case_transition
from common.errors import RegisterError
from grants.models import Allocation, GrantApplication, PlotAssessment
from grants.selectors import plot_pool
from grants.services.allocations import batch_verify, deed_record
from grants.services.lottery import lottery_commit, lottery_draw
from grants.services.transfer import grant_transfer
from grants.tasks import batch_announce
from notifications.models import Notification
from parcels.models import LandReservation, Parcel
from parcels.services.reservations import land_reserve
from payments.models import Bill
from tests.factories import MunicipalityFactory
from tests.grants.conftest import apply, person
from tests.surveys.conftest import pay_in_process


@pytest.fixture
def drawn(town, programme, officer, pool):
    cases = {"small": apply(town, officer, person(serial=1), family=2),
             "medium": apply(town, officer, person(serial=2), family=6)}
    lottery = lottery_draw(lottery=lottery_commit(programme=programme, actor=officer), public_salt="s", actor=officer)
    return lottery, cases


def allocation_of(case) -> Allocation:
    return Allocation.objects.exclude(status__in=["replaced", "cancelled"]).get(application__case=case)


def test_the_drawn_are_told_and_a_verified_batch_reserves_grants_and_bills(drawn, officer,
                                                                          django_capture_on_commit_callbacks):
    lottery, cases = drawn
    batch = lottery.batches.get()
    with django_capture_on_commit_callbacks(execute=True):
        batch_announce(batch_id=batch.pk)
    assert {Case.objects.get(pk=c.pk).status for c in cases.values()} == {"drawn"}
    assert Notification.objects.filter(template="grant_drawn").count() == 2
    counts = batch_verify(batch=batch, reference="MOMAH-1", actor=officer)
    assert counts == {"allocated": 0, "billed": 2, "requeued": 0, "withdrawn": 0}  # 650 > 575 and 729 > 700 m²
    for band, case in cases.items():
        allocation = allocation_of(case)
        parcel = Parcel.objects.get(pk=allocation.parcel_id)
        assert parcel.status == "granted"
        assert ChangeRecord.objects.filter(entity="parcels.parcel", object_id=parcel.pk,
                                           note__contains=allocation.application.number).exists()
        reservation = LandReservation.objects.get(parcel=parcel)
        assert reservation.purpose == "grant_plot" and reservation.holder == allocation.application.number
        bill = Bill.objects.get(case=case)
        entitled = {"small": 575, "medium": 700}[band]
        assert allocation.excess_m2 == (allocation.area_m2 - entitled)
        assert bill.amount == (allocation.excess_m2 * 150).quantize(Decimal("0.01"))
        assert Case.objects.get(pk=case.pk).status == "awaiting_payment"
    with pytest.raises(RegisterError):
        batch_verify(batch=batch, reference="again", actor=officer)


def test_paid_then_deeded_closes_the_case_with_every_step_in_the_timeline(drawn, officer,
                                                                         django_capture_on_commit_callbacks):
    lottery, cases = drawn
    batch_verify(batch=lottery.batches.get(), reference="MOMAH-2", actor=officer)
    case = cases["small"]
    application = GrantApplication.objects.get(case=case)
    with pytest.raises(RegisterError) as early:
        deed_record(application=application, deed_number="412345678901", deed_date=dt.date(2026, 12, 1),
                    actor=officer)
    assert early.value.code == "not_ready"
    pay_in_process(case)
    with pytest.raises(RegisterError) as bad:
        deed_record(application=application, deed_number="12-AB", deed_date=dt.date(2026, 12, 1), actor=officer)
    assert bad.value.code == "deed_number"
    with django_capture_on_commit_callbacks(execute=True):
        deed_record(application=application, deed_number="412345678901", deed_date=dt.date(2026, 12, 1),
                    actor=officer)
    case.refresh_from_db()
    assert case.status == "deeded" and allocation_of(case).deed_number == "412345678901"
    steps = list(TimelineEntry.objects.filter(case=case, kind="transition").values_list("to_status", flat=True))
    assert steps == ["drawn", "awaiting_payment", "allocated", "deeded"]
    assert Notification.objects.filter(template="grant_deeded").exists()


def test_an_excess_bill_left_unpaid_releases_the_plot_and_requeues_the_applicant(drawn, officer):
    from cases.events import event_apply

    lottery, cases = drawn
    batch_verify(batch=lottery.batches.get(), reference="MOMAH-5", actor=officer)
    case = cases["small"]
    plot = allocation_of(case).parcel_id
    assert event_apply(case_id=case.pk, event="payment.expired") == "lapse"
    application = GrantApplication.objects.get(case=case)
    assert Case.objects.get(pk=case.pk).status == "queued" and application.status == "queued"
    assert Parcel.objects.get(pk=plot).status == "vacant"
    assert LandReservation.objects.get(parcel_id=plot).released_on is not None
    assert plot_pool(programme=application.programme).filter(pk=plot).exists()  # back in the pool


def test_an_application_withdrawn_after_the_draw_gets_no_plot(drawn, officer):
    lottery, cases = drawn
    case = Case.objects.get(pk=cases["small"].pk)
    plot = allocation_of(case).parcel_id
    case_transition(case=case, transition="withdraw", actor=officer, expected_version=case.version)
    counts = batch_verify(batch=lottery.batches.get(), reference="MOMAH-6", actor=officer)
    assert counts["withdrawn"] == 1 and counts["billed"] == 1
    assert Parcel.objects.get(pk=plot).status == "vacant" and not LandReservation.objects.filter(parcel_id=plot)
    assert Allocation.objects.get(parcel_id=plot).status == "cancelled"
    assert Case.objects.get(pk=case.pk).status == "withdrawn"


def test_a_plot_taken_since_the_draw_sends_the_applicant_back_to_the_queue(drawn, town, officer):
    lottery, cases = drawn
    plot = Parcel.objects.get(pk=allocation_of(cases["small"]).parcel_id)
    land_reserve(municipality=town, purpose="public_facility", holder="school site", actor=officer, parcel=plot)
    counts = batch_verify(batch=lottery.batches.get(), reference="MOMAH-3", actor=officer)
    assert counts["requeued"] == 1
    application = GrantApplication.objects.get(case=cases["small"])
    assert application.status == "queued" and application.allocations.get().status == "cancelled"
    assert Parcel.objects.get(pk=plot.pk).status == "vacant"


def test_an_unbuildable_plot_is_replaced_as_a_step_of_the_case(drawn, officer):
    lottery, cases = drawn
    batch_verify(batch=lottery.batches.get(), reference="MOMAH-4", actor=officer)
    case = Case.objects.get(pk=cases["medium"].pk)
    old = allocation_of(case)
    case_transition(case=case, transition="replace_plot", actor=officer, expected_version=case.version,
                    note="Rock outcrop found by the site survey")
    new = allocation_of(case)
    assert new.parcel_id != old.parcel_id and new.status == "allocated"
    assert Allocation.objects.get(pk=old.pk).status == "replaced"
    assert PlotAssessment.objects.get(parcel_id=old.parcel_id).reason.startswith("Rock outcrop")
    assert Parcel.objects.get(pk=old.parcel_id).status == "vacant"
    assert Parcel.objects.get(pk=new.parcel_id).status == "granted"
    assert LandReservation.objects.get(parcel_id=old.parcel_id).released_on is not None
    assert not plot_pool(programme=GrantApplication.objects.get(case=case).programme).filter(
        pk=old.parcel_id).exists()


def test_a_transfer_closes_the_case_here_and_opens_one_there_with_the_same_seniority(town, programme, officer, pool):
    from grants.demo import programme_ensure

    there = MunicipalityFactory(short_code="BKR", metric_srid=9358)
    programme_ensure(there)
    case = apply(town, officer, person(serial=7), family=3)
    application = GrantApplication.objects.get(case=case)
    opened = grant_transfer(application=application, to_municipality=there, programme_code="residential-1448",
                            actor=officer)
    case.refresh_from_db()
    moved = GrantApplication.objects.get(case=opened)
    assert case.status == "transferred" and case.data["transferred_to"] == f"BKR:{opened.number}"
    assert opened.municipality_id == there.pk and opened.data["transferred_from"] == f"RAS:{case.number}"
    assert moved.applied_at == application.applied_at and moved.municipality_id == there.pk
    assert not opened.links_out.exists() and not case.links_out.exists()  # no key between the municipalities
    with pytest.raises(RegisterError) as twice:
        grant_transfer(application=application, to_municipality=there, programme_code="residential-1448",
                       actor=officer)
    assert twice.value.code == "not_queued"
