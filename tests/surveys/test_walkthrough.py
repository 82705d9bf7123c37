"""A survey decision walked through the API: applied by an office on behalf of an owner, compared, returned
with a reason, a new survey sent and resubmitted, approved with its printed decision; the applicant told at each
step through the outbox by the real worker."""

import json
import time
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from cases.documents.models import IssuedDocument
from cases.models import Case, TimelineEntry
from notifications.models import Delivery, Notification
from payments.models import Bill
from surveys.models import Survey
from surveys.selectors import latest_survey
from tests.surveys.conftest import survey_csv
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def client_for(user):
    c = APIClient()
    c.force_login(user)
    c.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return c


def step(client, url, etag, transition, note=None):
    body = {"transition": transition, **({"note": note} if note else {})}
    return client.post(url, body, format="json", HTTP_IF_MATCH=etag)


def sent(case, template):
    about = {"notification__context__number": case.number} if template.startswith("survey") else {
        "notification__context__case": case.number}
    return Delivery.objects.filter(notification__template=template, status=Delivery.Status.SENT, **about).count()


def test_office_applies_for_owner_returned_resubmitted_approved(sadad_live, worker, town, plot, reviewer, engineer,
                                                                 owner):
    office, staff = client_for(engineer), client_for(reviewer)
    payload = {"municipality": town.code, "case_type": "survey_decision", "applicant": owner.pk,
               "data": {"purpose": "new_building", "survey_crs": "9358", "deed_number": plot.deed_number},
               "parcels": [plot.pk]}
    applied = office.post("/api/v1/my/cases/", {"payload": json.dumps(payload), "survey": survey_csv(dx=1.5)},
                          format="multipart")
    assert applied.status_code == 201, applied.content
    case = Case.objects.get(pk=applied.json()["id"])
    assert case.number.startswith("RAS-") and case.status == "submitted"

    compared = staff.get(f"/api/v1/surveys/{case.pk}/").json()
    first = compared["surveys"][0]
    assert first["comparison"]["max_corner_shift_m"] == pytest.approx(1.5, abs=0.01)
    assert not first["within_tolerance"] and "corner_shift" in first["comparison"]["exceeded"]
    assert {f["properties"]["role"] for f in compared["outlines"]["features"]} >= {"register", "survey"}
    assert float(first["fee"]["total"]) > 0

    url = f"/api/v1/cases/{case.pk}/transitions/"
    r = step(staff, url, staff.get(f"/api/v1/cases/{case.pk}/")["ETag"], "start_review")
    assert r.status_code == 200, r.content
    no_reason = step(staff, url, r["ETag"], "return")
    assert no_reason.status_code == 422 and "needs a note" in no_reason.json()["detail"]
    refused = step(staff, url, r["ETag"], "approve")
    assert refused.status_code == 422 and "beyond tolerance" in refused.json()["detail"]
    r = step(staff, url, r["ETag"], "return", note="Corner 3 is 1.5 m east of the register: check it.")
    assert r.status_code == 200 and r.json()["status"] == "returned"

    mine = office.get(f"/api/v1/my/cases/{case.pk}/")
    assert "Corner 3 is 1.5 m east" in json.dumps(mine.json(), ensure_ascii=False)
    my_url = f"/api/v1/my/cases/{case.pk}/transitions/"
    too_early = step(office, my_url, mine["ETag"], "resubmit")
    assert too_early.status_code == 422 and "new survey" in too_early.json()["detail"]
    new = office.post(f"/api/v1/my/surveys/{case.pk}/versions/", {"file": survey_csv(dx=0.1, name="v2.csv")},
                      format="multipart")
    assert new.status_code == 201, new.content
    latest = new.json()["surveys"][0]
    assert latest["number"] == 2 and latest["within_tolerance"], latest
    r = step(office, my_url, office.get(f"/api/v1/my/cases/{case.pk}/")["ETag"], "resubmit")
    assert r.status_code == 200, r.content
    assert step(office, my_url, r["ETag"], "approve").status_code == 403  # not the applicant's step

    r = step(staff, url, staff.get(f"/api/v1/cases/{case.pk}/")["ETag"], "start_review")
    r = step(staff, url, r["ETag"], "approve")
    assert r.status_code == 200 and r.json()["status"] == "approved", r.content
    assert not IssuedDocument.objects.filter(case=case, kind="survey_decision").exists()  # not before it is paid

    # Approval -> bill -> paid -> issued: the fee presented to SADAD, paid at the bank, the case moves on by itself.
    bill = Bill.objects.get(case=case)
    assert bill.amount == Decimal(latest_survey(case=case).fee["total"])
    wait_for(lambda: Bill.objects.get(pk=bill.pk).status == "active", timeout=30, what="the bill presented",
             worker=worker)
    paid_at = time.monotonic()
    sadad_live.pay(bill_number=bill.bill_number)
    wait_for(lambda: Case.objects.get(pk=case.pk).status == "issued", timeout=30, what="the decision issued",
             worker=worker)
    assert time.monotonic() - paid_at < 10  # within seconds
    decision = IssuedDocument.objects.get(case=case, kind="survey_decision")
    assert decision.valid_until is not None and decision.pdf.size > 1000
    page = Client().get(f"/verify/{decision.token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and owner.national_id not in page.content.decode()
    assert Survey.objects.filter(case=case).count() == 2
    assert TimelineEntry.objects.filter(case=case, kind="transition").count() == 6

    for template in ("survey_submitted", "survey_returned", "survey_resubmitted", "bill_issued", "bill_paid",
                     "survey_approved"):
        wait_for(lambda t=template: sent(case, t) >= 1, timeout=60, what=template, worker=worker)
    returned = Notification.objects.get(template="survey_returned", context__number=case.number,
                                        recipient_name=owner.name_ar)
    assert "Corner 3" in returned.context["reason"]
    # Sent once each: the owner (applicant) and the engineer (representative), SMS and email where they have one.
    assert Notification.objects.filter(template="survey_approved", context__number=case.number).count() == 2
