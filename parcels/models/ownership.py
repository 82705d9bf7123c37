"""Who holds a parcel (its deed's owners): the register the portal checks before a citizen applies on a parcel.
The deed register itself is the Ministry of Justice's; the municipality records the holders it knows of (from
the deed presented, an import, or the national service later) with where each came from."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned


class OwnershipSource(models.TextChoices):
    DEED = "deed", _("deed presented at the municipality")
    MOJ = "moj", _("Ministry of Justice's deed register")
    IMPORT = "import", _("imported")
    DEMO = "demo", _("demo data")


class ParcelOwnership(TenantOwned):
    """A party holds (a share of) a parcel under a deed, from ``since`` until ``until`` (None: today)."""

    parcel = models.ForeignKey("parcels.Parcel", on_delete=models.PROTECT, related_name="ownerships",
                               verbose_name=_("parcel"))
    party = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    deed_number = models.CharField(_("deed number"), max_length=32)
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, default=100)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=OwnershipSource.choices)

    class Meta:
        verbose_name = _("parcel ownership")
        verbose_name_plural = _("parcel ownerships")
        ordering = ["municipality", "parcel", "-since"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "parcel", "party"], condition=Q(until__isnull=True),
                                    name="parcels_ownership_current_once"),
            models.CheckConstraint(condition=Q(share_percent__gt=0, share_percent__lte=100),
                                   name="parcels_ownership_share_range"),
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                                   name="parcels_ownership_period"),
        ]
        indexes = [models.Index(fields=["party", "municipality"], name="parcels_ownership_party")]

    def __str__(self):
        return f"{self.deed_number} — {self.party_id}"
