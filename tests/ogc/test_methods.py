"""OGC API Features is read-only: another method is a 405 naming GET, for a key as for anyone (issue 15)."""

import pytest


@pytest.mark.parametrize("path", ["/", "/conformance", "/api", "/collections", "/collections/parcels",
                                  "/collections/parcels/items", "/collections/parcels/items/1"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_are_405_not_a_csrf_page(ogc, path, method):
    r = getattr(ogc.session, method)(ogc.base + path, json={"x": 1}, timeout=30)
    assert r.status_code == 405, (path, r.status_code, r.text[:200])
    assert "GET" in r.headers["Allow"]
    assert "CSRF" not in r.text
