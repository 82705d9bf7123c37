"""The MapLibre style, its glyphs and the RTL text plugin: all served by Ardh itself."""

from django.contrib.staticfiles import finders

from geo.layers import all_layers


def read_varint(data, i):
    shift = n = 0
    while True:
        b = data[i]
        n |= (b & 0x7F) << shift
        i += 1
        shift += 7
        if not b & 0x80:
            return n, i


def messages(data):
    """(field number, value) pairs of one protobuf message (varints and length-delimited only)."""
    i, out = 0, []
    while i < len(data):
        key, i = read_varint(data, i)
        if key & 7 == 0:
            value, i = read_varint(data, i)
        else:
            size, i = read_varint(data, i)
            value, i = data[i : i + size], i + size
        out.append((key >> 3, value))
    return out


def test_style_uses_only_registered_layers_and_local_resources(client, db):
    style = client.get("/tiles/style.json").json()
    assert style["version"] == 8
    assert style["sources"]["ardh"]["url"].endswith("/tiles/base/tilejson.json")
    names = {lyr.name for lyr in all_layers() if lyr.is_public}  # tenant layers are never in the shared style
    drawn = {lyr["source-layer"] for lyr in style["layers"] if "source-layer" in lyr}
    assert drawn == names
    ids = [lyr["id"] for lyr in style["layers"]]
    assert len(ids) == len(set(ids))
    kinds = [lyr["type"] for lyr in style["layers"]]
    assert "symbol" in kinds and kinds == sorted(kinds, key=lambda k: k == "symbol")  # labels on top
    assert style["glyphs"].startswith("http://testserver/tiles/fonts/")
    plugin = style["metadata"]["ardh:rtl-text-plugin"]
    assert plugin.startswith("http://testserver/static/vendor/rtl-text/")
    assert finders.find("vendor/rtl-text/mapbox-gl-rtl-text.js"), "run scripts/vendor.sh (make does)"


def test_arabic_glyph_range_is_served_as_sdf(client, db):
    style = client.get("/tiles/style.json").json()
    font = style["layers"][-1]["layout"]["text-font"][0]
    path = style["glyphs"].replace("http://testserver", "").format(fontstack=font, range="65024-65279")
    response = client.get(path)
    assert response.status_code == 200
    ((_field, stack),) = messages(response.content)
    fields = messages(stack)
    assert (1, font.encode()) in fields and (2, b"65024-65279") in fields
    glyphs = {}
    for number, value in fields:
        if number == 3:
            g = dict(messages(value))
            glyphs[g[1]] = g
    alef = glyphs[0xFE8D]  # ARABIC LETTER ALEF ISOLATED FORM: what the RTL plugin shapes a lone alef into
    assert alef[7] > 0 and alef[3] > 0 and alef[4] > 0
    assert len(alef[2]) == (alef[3] + 6) * (alef[4] + 6)  # the SDF carries a 3-pixel border
    assert max(alef[2]) > 191 and min(alef[2]) < 64  # inside and outside of the letter differ


def test_bad_glyph_requests_are_refused(client, db):
    assert client.get("/tiles/fonts/Comic%20Sans/0-255.pbf").status_code == 404
    response = client.get("/tiles/fonts/DejaVu%20Sans/5-260.pbf")
    assert response.status_code == 404 and "Bad glyph range" in response.json()["detail"]
