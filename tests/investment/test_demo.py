"""The demo part: sites and opportunities on the public page, one tender whose envelopes the tour can open with the
shares written outside the database, one awarded with a contract (instalments paid, one overdue); idempotent."""

import json
import random
from types import SimpleNamespace

from django.utils import timezone

from investment import demo
from investment.models import Contract, Opportunity, OpportunityStatus, Site
from investment.selectors import overdue_instalments
from investment.services.award import share_enter
from payments.models import Bill
from tests.factories import ParcelFactory, PlanFactory
from tests.investment.conftest import investor_person
from tests.permits.conftest import staff
from tests.shapes import rect


def test_the_demo_part(town, django_user_model, tmp_path, monkeypatch, client):
    monkeypatch.setattr(demo, "shares_path", lambda: tmp_path / "shares.json")
    plan = PlanFactory(municipality=town)
    for n in range(6):
        ParcelFactory(plan=plan, number=f"V-{n}", geom=rect(n * 120, 0, n * 120 + 100, 80), land_use="commercial",
                      status="vacant")
    users = {"investment": staff(django_user_model, town, "invofficer", ["investment_officer"])}
    for name in ("tenderchair", "tender2", "tender3"):
        users[name] = staff(django_user_model, town, name, ["tender_committee_member"])
    owners = [investor_person(django_user_model, f"owner{n}", f"10123450{n}0") for n in range(4)]
    ctx = SimpleNamespace(municipality=town, users=users, people=SimpleNamespace(owners=owners),
                          rng=random.Random(7), log=lambda *_: None)
    demo.generate(ctx)
    assert Site.objects.count() == 5
    statuses = sorted(Opportunity.objects.values_list("status", flat=True))
    assert statuses == ["closed", "contracted", "draft", "published", "published"]
    contract = Contract.objects.get()
    assert [i.seq for i in overdue_instalments(municipality_id=town.pk)] == [3]
    assert Bill.objects.filter(case=contract.case_id, status="paid").count() == 2
    page = client.get("/investment/").content.decode()
    assert page.count('class="card status-') == 4
    written = json.loads((tmp_path / "shares.json").read_text())
    closed = Opportunity.objects.get(status=OpportunityStatus.CLOSED)
    assert closed.opening_at <= timezone.now()
    shares = written[closed.number]["shares"]
    share_enter(opportunity=closed, actor=users["tenderchair"], share=shares["tenderchair"])
    assert share_enter(opportunity=closed, actor=users["tender3"], share=shares["tender3"]).opened
    demo.generate(ctx)  # again: nothing new
    assert Site.objects.count() == 5
