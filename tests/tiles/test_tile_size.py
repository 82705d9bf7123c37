"""No tile of the demo city exceeds 500 KB, at any zoom (layers declare their zoom ranges)."""

import pytest
from django.db.models import Q

from fixtures.generator import build_city
from fixtures.loader import load_city
from geo.layers import all_layers
from tiles.grid import tiles_touching
from tiles.sql import render
from tiles.views import base_layers

LIMIT = 500 * 1024


@pytest.mark.slow
def test_no_demo_city_tile_exceeds_500_kb(db):
    muni = load_city(build_city(parcels=6000))  # what `make demo` loads
    bbox = muni.boundary.extent
    largest = {}
    for z in range(0, 18):  # deeper zooms only cut the same features smaller
        for t in tiles_touching(bbox, z, buffer=0):
            sizes = [len(render([(lyr, Q())], t)) for lyr in all_layers() if lyr.min_zoom <= z <= lyr.max_zoom]
            sizes.append(len(render([(lyr, Q()) for lyr in base_layers(z)], t)))
            largest[z] = max(largest.get(z, 0), *sizes)
    assert max(largest.values()) <= LIMIT, largest
    assert largest[16] > 0 and largest[5] > 0  # the scan did draw the city
