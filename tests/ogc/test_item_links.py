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
    assert links["next"] == (f"{base}?bbox=43.1%2C25.8%2C43.2%2C25.9&limit=10&land_use=%D8%B3%D9%83%D9%86%D9%8A"
                             "&offset=15")  # the next page twice as large (test_next_pages_grow...)
    assert links["prev"] == f"{base}?bbox=43.1%2C25.8%2C43.2%2C25.9&limit=5&land_use=%D8%B3%D9%83%D9%86%D9%8A&offset=5"
    assert links["html"] == links["self"] + "&f=html"
    assert links["collection"] == "http://testserver/ogc/collections/parcels"
    assert dict(parse_qsl(urlsplit(links["next"]).query))["land_use"] == "سكني"


def test_links_append_offset_and_limit_when_absent_and_have_no_prev_on_the_first_page():
    links = _links("", 10, 0)
    base = "http://testserver/ogc/collections/parcels/items"
    assert links["self"] == base
    assert links["next"] == f"{base}?offset=10&limit=20"
    assert "prev" not in links
    links = _links("limit=3&limit=4&offset=0&offset=9", 3, 0)
    assert links["next"] == f"{base}?limit=6&offset=3"


def test_next_pages_grow_to_the_default_page_size():
    """GDAL 3.6 asks for limit=10 and follows "next": the pages double up to the default size (5,000), so a 1M-parcel
    layer is about 210 requests, not 100,000 (issue 15, item 9). Never smaller than the caller's own page."""
    base = "http://testserver/ogc/collections/parcels/items"
    sizes, offset, limit = [], 0, 10
    while offset < 1_000_000:
        sizes.append(limit)
        following = _links(f"limit={limit}", limit, offset)["next"]
        offset, limit = offset + limit, int(dict(parse_qsl(urlsplit(following).query))["limit"])
    assert sizes[:4] == [10, 20, 40, 80] and max(sizes) == 5_000 and len(sizes) < 220
    assert _links("limit=8000", 8000, 0)["next"] == f"{base}?limit=8000&offset=8000"
