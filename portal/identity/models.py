"""One-time codes to a mobile number: registration and sign-in on the portal (decision 034)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned


class CodePurpose(models.TextChoices):
    REGISTER = "register", _("registration")
    SIGN_IN = "sign_in", _("sign-in")


class SignInCode(TenantOwned):
    """A code asked for an ID number. Stored only as an HMAC; ``mobile`` is where it went ("" when the ID has no
    mobile on record: the row is written all the same, so an unknown ID costs and answers what a known one
    does, and no code can match it)."""

    purpose = models.CharField(_("purpose"), max_length=10, choices=CodePurpose.choices)
    national_id = models.CharField(_("national ID / iqama"), max_length=10)
    mobile = models.CharField(_("sent to"), max_length=13, blank=True)
    name = models.CharField(_("name given"), max_length=200, blank=True)
    salt = models.CharField(_("salt"), max_length=32)
    code_hash = models.CharField(_("code (HMAC)"), max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong answers"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    address = models.GenericIPAddressField(_("asked from"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [models.Index(fields=["national_id", "purpose", "-created_at"], name="portal_code_id_latest")]
