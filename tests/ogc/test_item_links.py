"""Paging links of an items page: the caller's parameters kept in order, offset/limit set, f dropped."""

from urllib.parse import parse_qsl, urlsplit

from django.test import RequestFactory

from geo.layers import get_layer
from ogc.views import _item_links


def _links(query: str, limit: int, offset: int) -> dict[str, str]:
    request = RequestFactory().get(f"/ogc/collections/parcels/items?{query}")
    return {link["rel"] if link["type"] != "text/html" else "html": link["href"]
            for link in _item_links(request, get_layer("parcels"), limit, offset)}


def test_links_keep_parameters_in_order_and_set_offset_and_limit_in_place():
    links = _links("bbox=43.1,25.8,43.2,25.9&limit=5&f=json&land_use=%D8%B3%D9%83%D9%86%D9%8A&offset=10", 5, 10)
    base = "http://testserver/ogc/collections/parcels/items"
    assert links["self"] == f"{base}?bbox=43.1%2C25.8%2C43.2%2C25.9&limit=5&land_use=%D8%B3%D9%83%D9%86%D9%8A&offset=10"
    assert links["next"] == f"{base}?bbox=43.1%2C25.8%2C43.2%2C25.9&limit=5&land_use=%D8%B3%D9%83%D9%86%D9%8A&offset=15"
    assert links["prev"] == f"{base}?bbox=43.1%2C25.8%2C43.2%2C25.9&limit=5&land_use=%D8%B3%D9%83%D9%86%D9%8A&offset=5"
    assert links["html"] == links["self"] + "&f=html"
    assert links["collection"] == "http://testserver/ogc/collections/parcels"
    assert dict(parse_qsl(urlsplit(links["next"]).query))["land_use"] == "سكني"


def test_links_append_offset_and_limit_when_absent_and_have_no_prev_on_the_first_page():
    links = _links("", 10, 0)
    base = "http://testserver/ogc/collections/parcels/items"
    assert links["self"] == base
    assert links["next"] == f"{base}?offset=10&limit=10"
    assert "prev" not in links
    links = _links("limit=3&limit=4&offset=0&offset=9", 3, 0)
    assert links["next"] == f"{base}?limit=3&offset=3"
