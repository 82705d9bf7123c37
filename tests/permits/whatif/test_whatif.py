"""The what-if with known answers over a district of several parcels and permits (tests/permits/whatif/conftest.py):
raising R1's side setback from 2 to 3 m."""

import pytest

from common.errors import RegisterError
from parcels.models import District
from permits.models import RuleSet
from permits.whatif import whatif
from tests.factories import MunicipalityFactory
from tests.permits.whatif.conftest import ON
from tests.shapes import rect


def parcel_changes(result) -> dict:
    return {f["properties"]["number"]: f["properties"]["delta_m2"] for f in result["features"]["features"]
            if f["properties"]["kind"] == "parcel"}


def test_vacant_parcels_of_the_code_in_the_district_lose_the_hand_computed_area(district, draft):
    result = whatif(draft=draft, district=district, on=ON)
    # plot 7 and H; not F (C1), not D (outside the district), not the built ones
    assert (result["parcels"], result["changed"]) == (2, 2)
    assert parcel_changes(result) == pytest.approx({"7": -48, "H": -80}, abs=0.05)
    assert result["before_m2"] == pytest.approx(384 + 416, abs=0.1)
    assert result["after_m2"] == pytest.approx(336 + 336, abs=0.1)
    assert (result["code"], result["adopted"], result["draft"]) == ("R1", 1, 2)


def test_only_the_permit_built_to_the_old_limit_no_longer_complies(district, draft):
    result = whatif(draft=draft, district=district, on=ON)
    # B (issued, 2 m from its sides) fails; C (completed, exactly 3 m) passes; X is revoked: not looked at
    [permit] = result["permits"]
    assert (permit["permit"], permit["parcel"], permit["failing"]) == ("RAS-BP-1448-00021", "B", ["setback_side"])
    assert "R1 v2" in permit["why"][0]
    red = [f for f in result["features"]["features"] if f["properties"]["kind"] == "permit"]
    assert [f["properties"]["number"] for f in red] == ["RAS-BP-1448-00021"]


def test_a_draft_changing_nothing_changes_nothing(district, r1):
    same = RuleSet.objects.create(municipality=r1.municipality, regulation=r1.regulation, number=3, status="draft",
                                  valid_from=ON, **{k: getattr(r1, k) for k in (
                                      "coverage_ground_pct", "coverage_upper_pct", "coverage_annex_pct", "max_floors",
                                      "max_height_m", "far", "front_setback_m", "front_setback_street_fraction",
                                      "front_setback_max_m", "side_setback_m", "rear_setback_m", "min_frontage_m",
                                      "allowed_uses")})
    result = whatif(draft=same, district=district, on=ON)
    assert (result["parcels"], result["changed"], result["permits"]) == (2, 0, [])
    assert result["before_m2"] == result["after_m2"]


def test_refusals_say_why(district, draft, r1):
    elsewhere = District.objects.create(municipality=MunicipalityFactory(), code="X", name_ar="حي", name_en="X",
                                        geom=rect(0, 0, 10, 10))
    with pytest.raises(RegisterError) as caught:
        whatif(draft=draft, district=elsewhere, on=ON)
    assert caught.value.code == "tenant"
    with pytest.raises(RegisterError) as caught:
        whatif(draft=r1, district=district, on=ON)  # an adopted version is not a draft
    assert caught.value.code == "not_draft"
    with pytest.raises(RegisterError) as caught:
        whatif(draft=draft, district=district, on=ON.replace(year=2019))  # before any adopted rules
    assert caught.value.code == "no_rules"
