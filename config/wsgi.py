"""The WSGI application: Django, with a short path for tiles and OGC items (see runtime/lean.py), behind the
request body's time limit (runtime/request_body.py)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
_django = get_wsgi_application()

from runtime.lean import Dispatcher, connect_health_check_receivers  # noqa: E402 (needs Django set up)
from runtime.request_body import BodyDeadline  # noqa: E402

connect_health_check_receivers()
application = BodyDeadline(Dispatcher(_django))

# What starting made (modules, URLconf, translations, registries) lives as long as the worker: out of the
# collector's generations, a full collection on a request no longer walks it (inbox list p99 130 -> 50 ms,
# make bench-cases). Each worker process imports this module, so each freezes its own.
gc.collect()
gc.freeze()
