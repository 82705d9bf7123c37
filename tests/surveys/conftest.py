from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pyproj import Transformer

from accounts.models import Organisation, Person, Representation
from accounts.services import membership_grant
from payments.fees.national import national_schedule_ensure
from payments.models import Biller
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory
from tests.shapes import _OX, _OY, rect

UTM38 = 9358  # KSA-GRF17 / UTM 38N: the surveyor's CRS (and the one tests.shapes lays shapes out in)
_K2W = Transformer.from_crs(9358, 32638, always_xy=True)

# The plot: a 30 x 20 m rectangle at local metres (0, 0) to (30, 20); its neighbour to the east at (30, 0) to (60, 20).
PLOT = [(0, 0), (30, 0), (30, 20), (0, 20)]


def corners_utm(points, *, dx=0.0, dy=0.0, srid=UTM38):
    """Local metres (around tests.shapes.ORIGIN, KSA-GRF17 UTM 38N) → coordinates in ``srid``."""
    out = []
    for x, y in points:
        e, n = _OX + x + dx, _OY + y + dy
        out.append(_K2W.transform(e, n) if srid == 32638 else (e, n))
    return out


def survey_csv(points=PLOT, *, dx=0.0, dy=0.0, srid=UTM38, name="survey.csv") -> SimpleUploadedFile:
    rows = ["point,E,N"] + [f"P{i + 1},{x:.3f},{y:.3f}" for i, (x, y) in enumerate(corners_utm(points, dx=dx, dy=dy,
                                                                                                srid=srid))]
    return SimpleUploadedFile(name, ("\n".join(rows) + "\n").encode(), "text/csv")


@pytest.fixture
def town(db):
    municipality = MunicipalityFactory(short_code="RAS", fee_category=3)
    Biller.objects.create(municipality=municipality, code="091", name_ar="بلدية الرس", name_en="Al-Rass")
    national_schedule_ensure()  # the fee schedule (a transactional test's database was flushed before)
    return municipality


def pay_in_process(case):
    """The approved decision's bill paid as SADAD would tell us (recorded, applied) and the event the payment
    publishes handled — what the worker does, in this process (the walkthrough goes through the real ones)."""
    from django.utils import timezone

    from cases.events import event_apply
    from payments.models import Bill
    from payments.services import payment_apply, payment_record

    bill = Bill.objects.get(case=case)
    payment, _created = payment_record(municipality=case.municipality, biller_code=bill.biller_code,
                                       payment_ref=f"T-{bill.account_number}", account_number=bill.account_number,
                                       amount=bill.amount, currency="SAR", paid_at=timezone.now())
    payment_apply(payment_id=payment.pk)
    return event_apply(case_id=case.pk, event="payment.paid")


@pytest.fixture
def plot(town):
    plan = PlanFactory(municipality=town)
    parcel = ParcelFactory(plan=plan, geom=rect(0, 0, 30, 20), deed_number="310115000777", number="A-1")
    ParcelFactory(plan=plan, geom=rect(30, 0, 60, 20), number="A-2")
    return parcel


def staff(django_user_model, town, name, roles):
    user = django_user_model.objects.create_user(name, password="x", first_name=name.title())
    membership_grant(user=user, municipality=town, roles=roles)
    return user


@pytest.fixture
def reviewer(town, django_user_model):
    return staff(django_user_model, town, "reviewer", ["survey_reviewer"])


@pytest.fixture
def owner(db, django_user_model):
    user = django_user_model.objects.create_user("owner", password="x")
    return Person.objects.create(kind="person", name_ar="عبدالله", name_en="Abdullah", national_id="1012345670",
                                 mobile="+966500000001", email="owner@example.invalid", user=user)


@pytest.fixture
def office(db):
    return Organisation.objects.create(kind="organisation", name_ar="مكتب الرس الهندسي", name_en="Al-Rass office",
                                       cr_number="1131000017", org_kind="engineering_office")


@pytest.fixture
def engineer(office, owner, django_user_model):
    """An office employee; the office is engaged by the owner."""
    user = django_user_model.objects.create_user("engineer", password="x")
    person = Person.objects.create(kind="person", name_ar="سارة", name_en="Sara", national_id="1098765432",
                                   mobile="+966500000002", user=user)
    Representation.objects.create(agent=person, principal=office, kind="employee", valid_from=date(2020, 1, 1))
    Representation.objects.create(agent=office, principal=owner, kind="office", valid_from=date(2020, 1, 1))
    return user
