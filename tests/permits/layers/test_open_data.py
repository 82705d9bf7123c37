"""The issued permits as open data (GET /api/v1/permits/open-data.csv?municipality=<code>, public): BLDS-like
columns, one row per permit of that municipality only, no personal data, streamed."""

import csv
import io

import pytest
from django.utils import timezone

from cases.models import Case
from permits.export import COLUMNS
from permits.models import Permit, Proposal
from tests.factories import MunicipalityFactory, ParcelFactory, PlanFactory
from tests.shapes import rect


def permit(town, parcel, rule_set, number, **fields):
    case = Case.objects.create(municipality=town, number=f"C-{number}", case_type="building_permit",
                               status=fields.get("status", "issued"), status_since=timezone.now(),
                               location=parcel.geom.point_on_surface)
    proposal = Proposal.objects.create(municipality=town, case=case, number=1, parcel=parcel, source="drawn",
                                       use="residential", height_m=9, floors=[], footprint=parcel.geom,
                                       floor_area_m2=500, rule_set=rule_set, rules_date="2026-01-01", passed=True)
    values = dict(kind="building_permit", status="issued", issued_on="2026-02-01", valid_until="2029-02-01",
                  use="residential", floors=2, floor_area_m2=512.5)
    values.update(fields)
    return Permit.objects.create(municipality=town, case=case, number=number, parcel=parcel, proposal=proposal,
                                 geom=parcel.geom, **values)


def test_one_row_per_permit_of_the_town_with_its_place(client, town, plot, r1):
    second = ParcelFactory(plan=plot.plan, geom=rect(25, 0, 45, 30), number="8", status="built")
    permit(town, plot, r1, "RAS-BP-1448-00002", status="under_construction", issued_on="2026-03-01")
    permit(town, second, r1, "RAS-BP-1448-00001", status="completed", completed_on="2026-11-30")
    other = MunicipalityFactory()
    elsewhere = ParcelFactory(plan=PlanFactory(municipality=other), geom=rect(500, 500, 520, 530))
    from permits.models import RuleSet

    other_rules = RuleSet.objects.create(municipality=other, regulation=r1.regulation, number=9, status="draft",
                                         valid_from="2030-01-01", **{k: getattr(r1, k) for k in (
                                             "coverage_ground_pct", "coverage_upper_pct", "max_floors",
                                             "max_height_m", "far", "front_setback_m", "side_setback_m",
                                             "rear_setback_m")})
    permit(other, elsewhere, other_rules, "XX-BP-1")
    response = client.get(f"/api/v1/permits/open-data.csv?municipality={town.code}")  # no sign-in
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r["PermitNum"] for r in rows] == ["RAS-BP-1448-00001", "RAS-BP-1448-00002"]  # by issue date
    first, second_row = rows
    assert (first["StatusCurrent"], first["CompletedDate"], first["ParcelNumber"]) == ("completed", "2026-11-30", "8")
    assert (second_row["StatusCurrent"], second_row["IssuedDate"], second_row["ExpiresDate"]) == (
        "under_construction", "2026-03-01", "2029-02-01")
    assert first["PlanNumber"] == plot.plan.number and first["NumberOfFloors"] == "2"
    assert float(first["TotalSqFt_m2"]) == pytest.approx(512.5)
    at = second.geom.point_on_surface
    assert float(first["Longitude"]) == pytest.approx(at.x, abs=1e-5)
    assert float(first["Latitude"]) == pytest.approx(at.y, abs=1e-5)
    assert tuple(rows[0]) == COLUMNS
    personal = {"owner", "applicant", "national_id", "deed", "mobile", "name"}
    assert not any(p in c.lower() for c in COLUMNS for p in personal)
    assert plot.deed_number not in b"".join(client.get(
        f"/api/v1/permits/open-data.csv?municipality={town.code}").streaming_content).decode("utf-8-sig")
