"""Production: everything that matters comes from the environment; no defaults for secrets."""

from config import env
from config.settings.base import *

SECRET_KEY = env.string("ARDH_SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env.strings("ARDH_ALLOWED_HOSTS")
DATABASES["default"]["PASSWORD"] = env.string("ARDH_DB_PASSWORD")
CSRF_TRUSTED_ORIGINS = env.strings("ARDH_CSRF_TRUSTED_ORIGINS", [])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.boolean("ARDH_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
