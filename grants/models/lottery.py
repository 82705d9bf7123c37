"""The lottery of a programme: its published commitment and inputs, the draw's allocations in batches for the
ministry, and each allocation's path to the deed."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index

BATCH_SIZE = 260  # plots per batch sent to the ministry for verification


class LotteryStatus(models.TextChoices):
    COMMITTED = "committed", _("committed (inputs and the seed's hash published)")
    DRAWN = "drawn", _("drawn (seed revealed)")


class Lottery(TenantOwned):
    """A draw of a programme's queue over its plot pool. Before the draw the commitment is published: the hash
    of the secret seed and the hashes of the ordered applicant list and plot list (their canonical JSON lines,
    published too). The draw reveals the seed, mixes in the public salt announced at the draw and assigns
    deterministically (grants/lottery_core.py, the published script). Drawn once: a re-run is refused."""

    programme = models.ForeignKey("grants.Programme", on_delete=models.PROTECT, related_name="lotteries",
                                  verbose_name=_("programme"))
    number = models.CharField(_("lottery number"), max_length=32)
    status = models.CharField(_("status"), max_length=10, choices=LotteryStatus.choices,
                              default=LotteryStatus.COMMITTED)
    seed_commitment = models.CharField(_("hash of the seed (SHA-256)"), max_length=64)
    applicants_hash = models.CharField(_("hash of the applicant list"), max_length=64)
    plots_hash = models.CharField(_("hash of the plot list"), max_length=64)
    applicants = models.TextField(_("applicant list (published, JSON lines)"))
    plots = models.TextField(_("plot list (published, JSON lines)"))
    # Kept secret until the draw (never served before it); revealed with the result.
    seed = models.CharField(_("seed"), max_length=64)
    public_salt = models.CharField(_("public salt announced at the draw"), max_length=64, blank=True)
    committed_at = models.DateTimeField(_("committed at"))
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    result_hash = models.CharField(_("hash of the result"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("lottery")
        verbose_name_plural = _("lotteries")
        ordering = ["municipality", "-committed_at"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "number"], name="grants_lottery_number_unique"),
            # One lottery waiting for its draw per programme: its queue and pool are frozen in the commitment.
            models.UniqueConstraint(fields=["programme"], condition=Q(status="committed"),
                                    name="grants_lottery_one_pending"),
            models.CheckConstraint(condition=Q(status="committed") | Q(drawn_at__isnull=False, result_hash__gt=""),
                                   name="grants_lottery_drawn_has_result"),
        ]

    def __str__(self):
        return self.number


class LotteryBatch(TenantOwned):
    """Up to 260 allocations sent together to the ministry for verification; verified, they are decided."""

    class Status(models.TextChoices):
        SENT = "sent", _("sent to the ministry")
        VERIFIED = "verified", _("verified by the ministry")

    lottery = models.ForeignKey(Lottery, on_delete=models.CASCADE, related_name="batches",
                                verbose_name=_("lottery"))
    number = models.PositiveSmallIntegerField(_("batch"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    reference = models.CharField(_("ministry's reference"), max_length=64, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lottery batch")
        verbose_name_plural = _("lottery batches")
        ordering = ["lottery", "number"]
        constraints = [models.UniqueConstraint(fields=["lottery", "number"], name="grants_batch_number_unique")]

    def __str__(self):
        return f"{self.lottery.number} / {self.number}"


class AllocationStatus(models.TextChoices):
    DRAWN = "drawn", _("drawn")
    ALLOCATED = "allocated", _("allocated (plot reserved, parcel granted)")
    DEEDED = "deeded", _("deed handed over")
    REPLACED = "replaced", _("replaced (plot not buildable)")
    CANCELLED = "cancelled", _("cancelled")


_LIVE = ~Q(status__in=["replaced", "cancelled"])


class Allocation(TenantOwned):
    """An applicant's plot as drawn, then decided (the land reserved in the registers and the parcel granted),
    then deeded (the notary's deed number)."""

    lottery = models.ForeignKey(Lottery, on_delete=models.PROTECT, related_name="allocations",
                                verbose_name=_("lottery"), null=True, blank=True)
    batch = models.ForeignKey(LotteryBatch, on_delete=models.PROTECT, related_name="allocations",
                              verbose_name=_("batch"), null=True, blank=True)
    application = models.ForeignKey("grants.GrantApplication", on_delete=models.PROTECT,
                                    related_name="allocations", verbose_name=_("application"))
    parcel = models.ForeignKey("parcels.Parcel", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("parcel"))
    status = models.CharField(_("status"), max_length=10, choices=AllocationStatus.choices,
                              default=AllocationStatus.DRAWN)
    area_m2 = models.DecimalField(_("plot area (m²)"), max_digits=10, decimal_places=2)
    excess_m2 = models.DecimalField(_("area beyond the entitlement (m²)"), max_digits=10, decimal_places=2,
                                    default=0)
    reservation = models.ForeignKey("parcels.LandReservation", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("land reservation"))
    deed_number = models.CharField(_("deed number"), max_length=32, blank=True)
    deed_date = models.DateField(_("deed date"), null=True, blank=True)
    geom = models.MultiPolygonField(_("plot"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["municipality", "lottery", "id"]
        constraints = [
            *geometry_constraints("grants_allocation"),
            models.UniqueConstraint(fields=["application"], condition=_LIVE, name="grants_allocation_one_live"),
            models.UniqueConstraint(fields=["parcel"], condition=_LIVE, name="grants_allocation_plot_once"),
            models.CheckConstraint(condition=Q(status__in=["drawn", "allocated", "replaced", "cancelled"])
                                   | Q(deed_number__gt=""), name="grants_allocation_deeded_has_deed"),
        ]
        indexes = [geometry_index("grants_allocation"),
                   models.Index(fields=["lottery", "batch"], name="grants_allocation_batch")]

    def __str__(self):
        return f"{self.application.number} → {self.parcel_id}"
