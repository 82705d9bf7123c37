from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    """Building permits, commercial licenses and inspections (to come), each keyed to a parcel."""

    name = "licensing"
    verbose_name = _("Licensing")
