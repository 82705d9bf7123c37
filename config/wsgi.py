"""The WSGI application: Django, with a short path for tiles and OGC items (see runtime/lean.py), behind the
request body's time limit (runtime/request_body.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
_django = get_wsgi_application()

from runtime.lean import Dispatcher, connect_health_check_receivers  # noqa: E402 (needs Django set up)
from runtime.request_body import BodyDeadline  # noqa: E402

connect_health_check_receivers()
application = BodyDeadline(Dispatcher(_django))
