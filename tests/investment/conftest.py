"""Investment's test town: a municipality with its SADAD biller, two vacant parcels (P-1 x 0..100, P-2 x 200..300,
local metres around tests.shapes.ORIGIN), an investment officer, a committee of three (the chair and two members;
the opening needs two shares) and two investors."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Person
from cases.documents.services import document_upload
from investment.case_types import BID_DOCUMENTS
from investment.models import Opportunity
from investment.services.sites import site_create
from investment.services.tenders import booklet_buy, opportunity_create, opportunity_publish
from payments.models import Biller
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory
from tests.permits.conftest import staff
from tests.shapes import rect
from tests.surveys.conftest import pay_in_process

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SECRET_RENT = Decimal("987654.32")  # an amount no other figure of these tests uses


@pytest.fixture
def town(db):
    municipality = MunicipalityFactory(short_code="RAS", fee_category=3, metric_srid=9358)
    Biller.objects.create(municipality=municipality, code="092", name_ar="بلدية الرس", name_en="Al-Rass")
    return municipality


@pytest.fixture
def parcels(town):
    plan = PlanFactory(municipality=town)
    return {"P-1": ParcelFactory(plan=plan, number="P-1", geom=rect(0, 0, 100, 80), land_use="commercial",
                                 status="vacant"),
            "P-2": ParcelFactory(plan=plan, number="P-2", geom=rect(200, 0, 300, 80), land_use="commercial",
                                 status="vacant")}


@pytest.fixture
def officer(town, django_user_model):
    return staff(django_user_model, town, "invofficer", ["investment_officer"])


@pytest.fixture
def committee(town, django_user_model):
    return [staff(django_user_model, town, name, ["tender_committee_member"])
            for name in ("chairman", "memberone", "membertwo")]


def investor_person(django_user_model, name: str, national_id: str) -> Person:
    user = django_user_model.objects.create_user(name, password="x")
    return Person.objects.create(kind="person", name_ar=f"مستثمر {name}", name_en=name, national_id=national_id,
                                 mobile="+966500000777", user=user)


@pytest.fixture
def investors(db, django_user_model):
    return [investor_person(django_user_model, "investora", "1012345001"),
            investor_person(django_user_model, "investorb", "1012345002")]


@pytest.fixture
def site(town, parcels, officer):
    return site_create(municipality=town, actor=officer, number="S-1", name_ar="موقع مطاعم", name_en="Restaurants",
                       parcel=parcels["P-1"])


def draft(site, officer, **more) -> Opportunity:
    now = timezone.now()
    values = {"activity_ar": "مطاعم ومقاهي", "activity_en": "Restaurants and cafés", "term_years": 10,
              "financial_model": "fixed", "min_annual_rent": Decimal("100000"), "booklet_fee": Decimal("2000"),
              "bids_open_at": now - timedelta(hours=1), "bids_close_at": now + timedelta(hours=2),
              "opening_at": now + timedelta(hours=6), **more}
    return opportunity_create(site=site, actor=officer, **values)


@pytest.fixture
def published(site, officer, committee):
    """(opportunity, {username: share})."""
    opportunity = draft(site, officer)
    slips = opportunity_publish(opportunity=opportunity, actor=officer, committee=committee, chair=committee[0], k=2)
    opportunity.refresh_from_db()
    return opportunity, {s.username: s.share for s in slips}


def paid_booklet(opportunity, investor, *, documents=BID_DOCUMENTS):
    booklet = booklet_buy(opportunity=opportunity, investor=investor, actor=investor.user)
    pay_in_process(booklet.case)
    for code in documents:
        document_upload(case=booklet.case, code=code, upload=SimpleUploadedFile(f"{code}.pdf", PDF,
                                                                                "application/pdf"),
                        actor=investor.user)
    booklet.refresh_from_db()
    return booklet


def to_opening(opportunity) -> None:
    """The clock moved on: the bids closed 4 hours ago, the opening was an hour ago."""
    now = timezone.now()
    Opportunity.objects.filter(pk=opportunity.pk).update(bids_open_at=now - timedelta(days=2),
                                                         bids_close_at=now - timedelta(hours=4),
                                                         opening_at=now - timedelta(hours=1))
    opportunity.refresh_from_db()
