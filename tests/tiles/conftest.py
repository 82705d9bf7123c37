import pytest


@pytest.fixture(autouse=True)
def tile_cache_dir(settings, tmp_path):
    """Each test gets its own empty tile cache."""
    settings.ARDH_TILE_CACHE_DIR = str(tmp_path / "tiles-cache")
    settings.ARDH_TILE_CACHE_ENABLED = True
    return tmp_path / "tiles-cache"


@pytest.fixture
def city(db):
    """A small generated demo city (the same generator as `make demo`)."""
    from fixtures.generator import build_city
    from fixtures.loader import load_city

    return load_city(build_city(seed=11, parcels=1500))


@pytest.fixture
def client():
    """Reasons are asserted in English; without the header the server answers in Arabic (the default)."""
    from django.test import Client

    return Client(headers={"Accept-Language": "en"})
