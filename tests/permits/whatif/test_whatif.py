"""The what-if with known answers (tests/permits/whatif/conftest.py): raising R1's side setback from 2 to 3 m."""

import pytest

from common.errors import RegisterError
from parcels.models import District
from permits.models import RuleSet
from permits.whatif import whatif
from tests.factories import MunicipalityFactory
from tests.permits.whatif.conftest import ON
from tests.shapes import rect


def test_vacant_parcels_lose_the_hand_computed_area(district, draft):
    out = whatif(draft=draft, district=district, on=ON)
    by_number = {p["number"]: p for p in out["parcels"]}
    assert set(by_number) == {"7", "H"}  # not F (C1), not D (outside), not the built ones
    plot = by_number["7"]
    assert (plot["before_m2"], plot["after_m2"], plot["change_m2"]) == pytest.approx((384, 336, -48), abs=0.05)
    lone = by_number["H"]
    assert (lone["before_m2"], lone["after_m2"]) == pytest.approx((416, 336), abs=0.05)
    totals = out["totals"]
    assert totals["vacant"] == 2 and totals["losing"] == 2 and totals["gaining"] == 0
    assert totals["change_m2"] == pytest.approx(-128, abs=0.1)
    assert (out["adopted"]["version"], out["draft"]["version"]) == (1, 2)


def test_a_permit_built_to_the_old_limit_no_longer_complies(district, draft):
    out = whatif(draft=draft, district=district, on=ON)
    assert out["totals"]["permits_checked"] == 2  # issued and completed; not the revoked one
    [permit] = out["permits"]
    assert permit["number"] == "RAS-BP-1448-00021" and permit["parcel"] == "B"
    [rule] = permit["failing"]
    assert (rule["rule"], rule["measured"], rule["limit"]) == ("setback_side", 2.0, 3.0)
    assert "at least 3 m" in rule["explain_en"] and "R1 v2" in rule["explain_en"] and rule["explain_ar"]
    assert rule["violation"]["type"] in ("Polygon", "MultiPolygon")


def test_the_same_draft_changing_nothing_changes_nothing(district, r1):
    same = RuleSet.objects.create(municipality=r1.municipality, regulation=r1.regulation, number=3, status="draft",
                                  valid_from=ON, **{k: getattr(r1, k) for k in (
                                      "coverage_ground_pct", "coverage_upper_pct", "coverage_annex_pct", "max_floors",
                                      "max_height_m", "far", "front_setback_m", "front_setback_street_fraction",
                                      "front_setback_max_m", "side_setback_m", "rear_setback_m", "min_frontage_m",
                                      "allowed_uses")})
    out = whatif(draft=same, district=district, on=ON, with_geometry=True)
    assert out["permits"] == [] and out["totals"]["unchanged"] == 2 and out["totals"]["change_m2"] == 0
    assert all(p["geometry"]["type"] in ("Polygon", "MultiPolygon") for p in out["parcels"])


def test_a_district_of_another_town_or_a_day_without_rules_is_refused(district, draft):
    elsewhere = District.objects.create(municipality=MunicipalityFactory(), code="X", name_ar="حي", name_en="X",
                                        geom=rect(0, 0, 10, 10))
    with pytest.raises(RegisterError) as caught:
        whatif(draft=draft, district=elsewhere, on=ON)
    assert caught.value.code == "other_municipality"
    with pytest.raises(RegisterError) as caught:
        whatif(draft=draft, district=district, on=ON.replace(year=2019))
    assert caught.value.code == "no_rules"
