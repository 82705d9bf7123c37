from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
    api_urls = "imports.urls"  # its routes under /api/v1/ (api/urls.py)
    verbose_name = _("imports")
