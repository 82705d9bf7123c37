"""Production: everything that matters comes from the environment; no defaults for secrets."""

from urllib.parse import urlsplit

from config import env
from config.settings.base import *

SECRET_KEY = env.string("ARDH_SECRET_KEY")
DEBUG = False
# The hosts the app answers: the public names, and the name MapProxy reaches it by inside the deployment (the
# source of its raster tiles, e.g. "app" in docker-compose.yml).
ALLOWED_HOSTS = [*env.strings("ARDH_ALLOWED_HOSTS"),
                 *filter(None, [urlsplit(ARDH_MAPPROXY_SOURCE_URL).hostname])]
DATABASES["default"]["PASSWORD"] = env.string("ARDH_DB_PASSWORD")
CSRF_TRUSTED_ORIGINS = env.strings("ARDH_CSRF_TRUSTED_ORIGINS", [])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies in front of the app (nginx): the client's address for the portal's limits is the one the nearest of them
# appended to X-Forwarded-For (portal/identity/throttle.py).
ARDH_TRUSTED_PROXIES = env.integer("ARDH_TRUSTED_PROXIES", 1)
SESSION_COOKIE_SECURE = env.boolean("ARDH_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True

# TLS ends at the reverse proxy (nginx, deploy/nginx.conf.template), which redirects plain HTTP to HTTPS and
# tells the application the scheme (SECURE_PROXY_SSL_HEADER above). The application insists too: a request that
# reached it as plain HTTP anyway is redirected, and every HTTPS answer carries HSTS (docs/operations.md).
# Exempt, over plain HTTP inside the compose network: /healthz (health checks, monitoring) and the public raster
# tiles, which MapProxy fetches from ARDH_MAPPROXY_SOURCE_URL (compose: http://app:8000).
SECURE_SSL_REDIRECT = env.boolean("ARDH_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^tiles/[^/]+/\d+/\d+/\d+\.png$"]
SECURE_HSTS_SECONDS = env.integer("ARDH_HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
