"""The tile cache: hits, ETags, and invalidation of exactly the tiles an edit touched."""

import mapbox_vector_tile
from django.contrib.gis.geos import MultiPolygon
from django.db.models import Q

from geo.changes import geometry_changed
from geo.layers import get_layer
from parcels.models import Parcel
from parcels.services import parcel_update
from tiles import cache
from tiles.grid import Tile, tiles_touching
from tiles.sql import render


def tile_of(geom, z):
    c = geom.point_on_surface
    return next(iter(tiles_touching((c.x, c.y, c.x, c.y), z, buffer=0)))


def get(client, layer, t):
    return client.get(f"/tiles/{layer}/{t.z}/{t.x}/{t.y}.mvt")


def land_use_in(response, parcel_id):
    layers = mapbox_vector_tile.decode(response.content)
    return {f["id"]: f["properties"]["land_use"] for f in layers["parcels"]["features"]}.get(parcel_id)


def shrunk(geom):
    inner = geom.buffer(-0.00002)  # about 2 m inside
    return inner if inner.geom_type == "MultiPolygon" else MultiPolygon(inner, srid=4326)


def test_second_request_is_served_from_disk(client, city, tile_cache_dir):
    t = tile_of(city.boundary, 15)
    first, second = get(client, "parcels", t), get(client, "parcels", t)
    assert (first["X-Tile-Cache"], second["X-Tile-Cache"]) == ("MISS", "HIT")
    assert first.content == second.content and first["ETag"] == second["ETag"]
    assert cache.tile_path("parcels", "_", t).read_bytes() == first.content
    assert str(cache.tile_path("parcels", "_", t)).startswith(str(tile_cache_dir))


def test_filtered_tiles_are_cached_apart(client, city):
    t = tile_of(city.boundary, 15)
    everything = get(client, "parcels", t)
    parks = client.get(f"/tiles/parcels/{t.z}/{t.x}/{t.y}.mvt?land_use=park")
    assert parks["X-Tile-Cache"] == "MISS" and parks.content != everything.content


def test_an_edit_never_leaves_a_stale_tile(client, city, editor, django_capture_on_commit_callbacks):
    parcel = Parcel.objects.filter(valid_to__isnull=True, land_use="residential").order_by("pk")[300]
    touched = [("parcels", tile_of(parcel.geom, z)) for z in (15, 16, 17, 18, 22)]
    touched += [("base", tile_of(parcel.geom, z)) for z in (15, 17)]
    far = Parcel.objects.filter(valid_to__isnull=True).order_by("-pk").first()
    far_tile = tile_of(far.geom, 18)
    for layer, t in [*touched, ("parcels", far_tile)]:
        assert get(client, layer, t)["X-Tile-Cache"] == "MISS"
        assert get(client, layer, t)["X-Tile-Cache"] == "HIT"
    before = {key: get(client, *key)["ETag"] for key in touched}

    with django_capture_on_commit_callbacks(execute=True):
        # The service announces the change itself (old and new extent): no extra call here.
        parcel_update(parcel=parcel, actor=editor, land_use="commercial", geom=shrunk(parcel.geom))

    for key in touched:
        response = get(client, *key)
        assert response["X-Tile-Cache"] == "MISS", key
        assert response["ETag"] != before[key], key
        assert land_use_in(response, parcel.pk) == "commercial", key
    assert get(client, "parcels", far_tile)["X-Tile-Cache"] == "HIT"


def test_invalidation_removes_exactly_the_touched_tiles(client, city):
    layer = get_layer("parcels")
    parcel = Parcel.objects.filter(valid_to__isnull=True).order_by("pk")[500]
    centre = tile_of(parcel.geom, 17)
    grid = [Tile(17, centre.x + dx, centre.y + dy) for dx in range(-3, 4) for dy in range(-3, 4)]
    for t in grid:
        cache.put("parcels", "_", t, render([(layer, Q())], t), started_ns=cache.render_started())
    old, new = parcel.geom.extent, shrunk(parcel.geom).extent
    removed = cache.invalidate(["parcels"], [old, new], range(15, 23))
    expected = {t for box in (old, new) for t in tiles_touching(box, 17)} & set(grid)
    remaining = {t for t in grid if cache.tile_path("parcels", "_", t).exists()}
    assert remaining == set(grid) - expected
    assert removed == len(expected) and 1 <= removed < len(grid)


def test_a_render_that_began_before_an_invalidation_is_not_kept(city):
    layer = get_layer("parcels")
    t = tile_of(city.boundary, 15)
    started = cache.render_started()
    data = render([(layer, Q())], t)  # may have read rows an edit is about to change
    cache.invalidate(["parcels"], [city.boundary.extent], range(15, 23))
    assert cache.put("parcels", "_", t, data, started_ns=started) is False
    assert not cache.tile_path("parcels", "_", t).exists()
    assert cache.put("parcels", "_", t, data, started_ns=cache.render_started()) is True


def test_a_rolled_back_edit_invalidates_nothing(client, city, django_capture_on_commit_callbacks):
    t = tile_of(city.boundary, 15)
    get(client, "parcels", t)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        geometry_changed(model=Parcel, old=city.boundary, new=city.boundary)
    assert len(callbacks) == 1  # queued for commit, not run: a rollback would drop it
    assert get(client, "parcels", t)["X-Tile-Cache"] == "HIT"


def test_a_split_refreshes_its_tiles(client, city, editor, django_capture_on_commit_callbacks):
    """Lineage operations announce their changes like edits do."""
    from parcels.services import parcel_split

    parcel = Parcel.objects.filter(valid_to__isnull=True, land_use="residential").order_by("pk")[200]
    t = tile_of(parcel.geom, 17)
    assert get(client, "parcels", t)["X-Tile-Cache"] == "MISS"
    assert get(client, "parcels", t)["X-Tile-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        children = parcel_split(parcel=parcel, actor=editor, parts=2)
    after = get(client, "parcels", t)
    assert after["X-Tile-Cache"] == "MISS"
    ids = {f["id"] for f in mapbox_vector_tile.decode(after.content)["parcels"]["features"]}
    assert parcel.pk not in ids and {c.pk for c in children} <= ids
