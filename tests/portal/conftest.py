"""Fixtures of the portal's tests: the cases tests' town and kiosk permits, a citizen who signs in, their parcel
in the ownership register, and a kiosk type that needs a parcel."""

import dataclasses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Person
from cases.types import get_case_type, register_case_type, unregister_case_type
from parcels.services.ownership import ownership_record
from tests.cases.conftest import applicant, case, parcel, reviewer, town  # noqa: F401 (fixtures)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def citizen(applicant, django_user_model):  # noqa: F811
    """``applicant`` (the kiosk cases' applicant) with a sign-in of their own."""
    applicant.user = django_user_model.objects.create_user("citizen-1012345678")
    applicant.mobile = "+966500000777"
    applicant.save(update_fields=["user", "mobile"])
    return applicant


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen.user)
    return client


@pytest.fixture
def owned(parcel, citizen):  # noqa: F811
    ownership_record(parcel=parcel, party=citizen, actor="test")
    return parcel


@pytest.fixture
def on_parcel():
    """The kiosk permit, needing a parcel: the portal asks for one the applicant holds."""
    register_case_type(dataclasses.replace(get_case_type("kiosk_permit"), code="kiosk_on_parcel", needs_parcel=True))
    yield "kiosk_on_parcel"
    unregister_case_type("kiosk_on_parcel")


def kiosk_form(**values):
    values.setdefault("doc_site_plan", SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"))
    return {"f_activity": "food", "f_area_m2": "20", "f_shop_name": "", **values}


def someone_else(national_id="1099999999") -> Person:
    return Person.objects.create(kind="person", name_ar="خالد", name_en="Khalid", national_id=national_id)
