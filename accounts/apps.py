from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """The core's people: the tenant, staff with roles per municipality, API keys, parties."""

    name = "accounts"
    verbose_name = _("People and access")
