"""``buildable_areas`` (all parcels at once) gives the check's own envelope area (``describe_site``, one parcel at
a time) on interior, corner, wide-street, irregular and no-street parcels, with and without an overlay."""

import json

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from shapely.geometry import shape

from permits.check import describe_site
from permits.check.batch import buildable_areas
from tests.permits.conftest import RULES_V1
from tests.shapes import line, lonlat, rect

RULES = {k: (float(v) if hasattr(v, "as_tuple") else v) for k, v in RULES_V1.items()
         if k not in ("number", "status", "valid_from")}
STREETS = [  # (id, local metres from, to, width)
    (1, (-60, -10), (300, -10), 20),  # along the row's fronts
    (2, (-8, -60), (-8, 100), 12),  # a cross street west of the first parcel: a corner
    (3, (140, -20), (140, 100), 40),  # a wide street east of the trapezoid
]
PARCELS = {
    1: rect(0, 0, 20, 30),  # corner: fronts on streets 1 and 2
    2: rect(30, 0, 50, 30),  # interior
    3: MultiPolygon(Polygon([lonlat(60, 0), lonlat(85, 0), lonlat(80, 28), lonlat(62, 33), lonlat(60, 0)])),
    4: rect(30, 50, 50, 80),  # no street: four sides
    5: rect(110, 0, 132, 30),  # fronts on the wide street 3 too (a corner; its front setback capped at 6)
}
OVERLAY = {"id": 9, "kind": "flood_channel", "name_ar": "مجرى", "name_en": "channel", "prohibited": True,
           "extra_setback_m": 5.0, "max_height_m": None, "geometry": json.loads(rect(40, 20, 45, 40).geojson)}


def payload(pid, overlays):
    return {"metric_srid": 9358,
            "parcel": {"id": pid, "number": str(pid), "geometry": json.loads(PARCELS[pid].geojson)},
            "streets": [{"id": sid, "name": f"s{sid}", "width_m": w, "geometry": json.loads(line(a, b).geojson)}
                        for sid, a, b, w in STREETS],
            "overlays": overlays, "rules": RULES}


@pytest.mark.parametrize("overlays", [[], [OVERLAY]], ids=["plain", "with a prohibited overlay"])
def test_the_batch_gives_the_checks_envelope_areas(overlays):
    batch = buildable_areas(
        parcels=[(pid, shape(json.loads(g.geojson))) for pid, g in PARCELS.items()],
        streets=[(sid, shape(json.loads(line(a, b).geojson)), w) for sid, a, b, w in STREETS],
        overlays=[{**o, "geometry": shape(o["geometry"])} for o in overlays], rules=RULES, metric_srid=9358)
    one_by_one = {pid: describe_site(payload(pid, overlays))["envelope_area_m2"] for pid in PARCELS}
    assert batch == pytest.approx(one_by_one, abs=0.02)
    assert len(set(round(a) for a in batch.values())) == len(PARCELS)  # five different situations
    if not overlays:
        assert batch[2] == pytest.approx(16 * 24, abs=0.01)  # interior: front 4, sides 2, rear 2
        assert batch[4] == pytest.approx(16 * 26, abs=0.01)  # four sides of 2 m
        # corner: the 30 m edge on the cross street is the main front (2.4 m = 12 x 0.2), the 20 m one a second
        # front (4 m), the east edge its rear (2 m), the north one a side (2 m): x 2.4..18, y 4..28
        assert batch[1] == pytest.approx(15.6 * 24, abs=0.01)
    else:
        assert batch[2] < 16 * 24 - 10  # the channel and its 5 m take a corner of it
