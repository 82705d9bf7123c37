"""Test settings: the real PostGIS of the project-local cluster, a test database."""

from config.settings.base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are not served in tests (no collectstatic); finders are checked directly.
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]

# A fresh tile cache per test session: test databases reuse ids, so tiles cached by an earlier run would lie.
import os  # noqa: E402
import tempfile  # noqa: E402

ARDH_TILE_CACHE_DIR = tempfile.mkdtemp(prefix="ardh-test-tiles-")
# The orthophoto `make demo` paints lives in .data: tests that want one make their own, and the others must
# not depend on whether a demo ran in this checkout before.
ARDH_ORTHO_PATH = str(Path(tempfile.mkdtemp(prefix="ardh-test-ortho-")) / "orthophoto.tif")
INSTALLED_APPS += ["tests.scratch_app"]  # a layer no serving code knows by name (tests/test_new_layer.py)
# Uploaded and issued documents of a test session go to a fresh directory; the servers a test starts inherit
# it through the environment (they read and write the same files).
os.environ.setdefault("ARDH_TEST_MEDIA_ROOT", tempfile.mkdtemp(prefix="ardh-test-media-"))
MEDIA_ROOT = Path(os.environ["ARDH_TEST_MEDIA_ROOT"])
# The replica is there (make test starts it) but reads go to it only in the tests that ask (tests/test_replica.py):
# the others write inside transactions the replica never sees.
ARDH_REPLICA_READS = False
