from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServingConfig(AppConfig):
    """How every process serves requests: the request statement timeout (runtime/statement_timeout.py)."""

    name = "runtime"
    label = "serving"
    verbose_name = _("Serving")

    def ready(self):
        from runtime.statement_timeout import connect_receivers

        connect_receivers()
