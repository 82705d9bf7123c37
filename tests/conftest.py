import os
from pathlib import Path

import pytest

# ../shared/data beside the checkout (as on CI); ARDH_SHARED_DATA points elsewhere (e.g. from a git worktree).
_BESIDE = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
SHARED_DATA = Path(os.environ.get("ARDH_SHARED_DATA") or _BESIDE)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA} (../shared/data is absent on this machine)")
    return SHARED_DATA


@pytest.fixture
def muni(db):
    from tests.factories import MunicipalityFactory

    return MunicipalityFactory()


@pytest.fixture
def plan(muni):
    from tests.factories import PlanFactory

    return PlanFactory(municipality=muni)


@pytest.fixture
def editor(db, django_user_model):
    """A person the registers' services let edit anywhere (a superuser), for tests of what the edits do.
    Who may edit what is tested in tests/parcels/test_permissions.py."""
    return django_user_model.objects.create_superuser("editor", password="x")


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service messages are asserted in English; requests still pick their language (Arabic by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def worker_env():
    """Environment of the ``worker`` fixture's process (a test may add to it before asking for ``worker``)."""
    return {}


@pytest.fixture
def worker(transactional_db, worker_env):
    """A real queue worker (``manage.py procrastinate worker``) on the test database, for this test."""
    from tests.worker import Worker, clear_queue

    clear_queue()
    w = Worker(**worker_env)
    w.start()
    try:
        yield w
    finally:
        w.stop()


@pytest.fixture
def sadad_sim():
    """A SADAD simulator process for this test (tests/sadad.py): its own port and data directory, the secret
    of settings.ARDH_SADAD_SECRET, notifications going nowhere until ``sadad_sim.config(notify_url=...)``."""
    from tests.sadad import SadadSim

    sim = SadadSim().start()
    try:
        yield sim
    finally:
        sim.close()


@pytest.fixture
def sadad_live(sadad_sim, live_server, worker_env):
    """The simulator notifying this test's live server, and Ardh (this process and the ``worker``, when asked
    for after this fixture) presenting bills to the simulator: payments end to end over real HTTP."""
    from django.test import override_settings

    sadad_sim.config(notify_url=live_server.url + "/api/v1/payments/sadad/notifications")
    worker_env["ARDH_SADAD_URL"] = sadad_sim.url
    with override_settings(ARDH_SADAD_URL=sadad_sim.url):
        yield sadad_sim
