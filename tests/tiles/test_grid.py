import pytest

from tiles.grid import Tile, TileError, parse_tile, tile_range, tiles_touching


def test_parse_tile_accepts_the_corners_of_a_zoom():
    assert parse_tile("3", "0", "7") == Tile(3, 0, 7)
    assert parse_tile("0", "0", "0") == Tile(0, 0, 0)


@pytest.mark.parametrize(
    ("z", "x", "y", "reason"),
    [
        ("23", "0", "0", "Zoom 23"),
        ("3", "8", "0", "x=8"),
        ("3", "0", "8", "y=8"),
        ("a", "0", "0", "z must be"),
        ("3", "-1", "0", "x must be"),
        ("3", "0", "1;DROP", "y must be"),
    ],
)
def test_parse_tile_names_what_is_wrong(z, x, y, reason):
    with pytest.raises(TileError, match=reason):
        parse_tile(z, x, y)


def test_tiles_touching_a_point_include_neighbours_within_the_buffer():
    # A point just east of the edge between tiles x=0 and x=1 at z1 (lon 0): both tiles carry it.
    assert {t.x for t in tiles_touching((0.0001, 10, 0.0001, 10), 1)} == {0, 1}
    # Far from every edge: exactly one tile.
    assert list(tiles_touching((100, 45, 100, 45), 2)) == [Tile(2, 3, 1)]


def test_tile_range_grows_with_zoom():
    bbox = (43.49, 25.86, 43.50, 25.87)
    widths = [tile_range(bbox, z)[1] - tile_range(bbox, z)[0] for z in (10, 14, 18)]
    assert widths[0] <= widths[1] < widths[2]
