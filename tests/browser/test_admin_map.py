"""The admin map works in a real browser with no internet: OpenLayers and context from our server."""

import io

import pytest
from django.urls import reverse
from PIL import Image, ImageStat

from tests.factories import ParcelFactory
from tests.shapes import rect

pytestmark = pytest.mark.django_db(transaction=True)


def test_parcel_map_renders_offline_with_neighbours(page, live_server, django_user_model, plan):
    django_user_model.objects.create_superuser("boss", "boss@example.invalid", "pw")
    target = ParcelFactory(plan=plan, number="1", geom=rect(0, 0, 20, 30))
    for i in range(1, 4):
        ParcelFactory(plan=plan, number=str(i + 1), geom=rect(20 * i, 0, 20 * i + 20, 30))

    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}{reverse('admin:parcels_parcel_change', args=[target.pk])}")

    page.wait_for_selector("#id_geom_map canvas", timeout=15_000)
    # The record's own geometry is on the map, and the neighbours came from our context endpoint.
    assert page.evaluate("geodjango_geom.featureCollection.getLength()") == 1
    page.wait_for_function("geodjango_geom.options.base_layer.getSource().getFeatures().length >= 4",
                           timeout=15_000)
    page.wait_for_timeout(300)
    shot = Image.open(io.BytesIO(page.locator("#id_geom_map").screenshot())).convert("L")
    assert ImageStat.Stat(shot).stddev[0] > 5, "the map canvas is blank"
    # Nothing was fetched from anywhere but our own server.
    foreign = [u for u in page.requests if not u.startswith((live_server.url, "data:", "blob:"))]
    assert foreign == []
    assert any("/static/vendor/ol/ol.js" in u for u in page.requests)
