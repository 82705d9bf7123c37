"""Investment sites (docs/investment.md): a site held in the registers (a land reservation), an opportunity offered
on it, the booklets bought, the sealed bids (ciphertext and commitment only until the opening: decision 032), the
committee and its votes, the contract and its rent instalments (SADAD bills)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index

OPENING_GAP = timedelta(hours=3)  # the envelopes open at least 3 hours after the bids close


class SiteStatus(models.TextChoices):
    AVAILABLE = "available", _("available")
    OFFERED = "offered", _("offered for investment")
    LEASED = "leased", _("leased")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Site(TenantOwned):
    number = models.CharField(_("number"), max_length=32)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    parcel = models.ForeignKey("parcels.Parcel", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("parcel"))
    reservation = models.ForeignKey("parcels.LandReservation", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("land reservation"))
    status = models.CharField(_("status"), max_length=12, choices=SiteStatus.choices, default=SiteStatus.AVAILABLE)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=1)
    geom = models.MultiPolygonField(_("outline"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("investment site")
        verbose_name_plural = _("investment sites")
        ordering = ["municipality", "number"]
        constraints = [
            *geometry_constraints("investment_site"),
            models.UniqueConstraint(fields=["municipality", "number"], name="investment_site_number_unique"),
            models.CheckConstraint(condition=Q(status__in=SiteStatus.values), name="investment_site_status_known"),
        ]
        indexes = [geometry_index("investment_site")]

    def __str__(self):
        return f"{self.number} — {self.name_ar}"


class FinancialModel(models.TextChoices):
    FIXED = "fixed", _("fixed annual rent")
    SHARE = "share", _("revenue share")
    MINIMUM_PLUS_SHARE = "minimum_share", _("guaranteed minimum plus revenue share")


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published: open for bids")
    CLOSED = "closed", _("bids closed, awaiting the opening")
    OPENED = "opened", _("envelopes opened")
    AWARDED = "awarded", _("awarded")
    CONTRACTED = "contracted", _("contract signed")
    CANCELLED = "cancelled", _("cancelled")


PUBLIC_STATUSES = (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED, OpportunityStatus.OPENED,
                   OpportunityStatus.AWARDED, OpportunityStatus.CONTRACTED)


class Opportunity(TenantOwned):
    number = models.CharField(_("number"), max_length=32)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("site"))
    activity_ar = models.CharField(_("activity (Arabic)"), max_length=200)
    activity_en = models.CharField(_("activity (English)"), max_length=200, blank=True)
    term_years = models.PositiveSmallIntegerField(_("term (years)"))
    financial_model = models.CharField(_("financial model"), max_length=16, choices=FinancialModel.choices)
    min_annual_rent = models.DecimalField(_("minimum annual rent (SAR)"), max_digits=14, decimal_places=2)
    min_share_pct = models.DecimalField(_("minimum revenue share (%)"), max_digits=5, decimal_places=2, null=True,
                                        blank=True)
    booklet_fee = models.DecimalField(_("booklet fee (SAR)"), max_digits=10, decimal_places=2)
    guarantee_pct = models.DecimalField(_("bank guarantee (per cent of the first year's rent)"), max_digits=5,
                                        decimal_places=2, default=25)
    bids_open_at = models.DateTimeField(_("bids open at"))
    bids_close_at = models.DateTimeField(_("bids close at"))
    opening_at = models.DateTimeField(_("envelopes open at"))
    status = models.CharField(_("status"), max_length=12, choices=OpportunityStatus.choices,
                              default=OpportunityStatus.DRAFT)
    # The key ceremony (decision 032): the public key, the private key wrapped under the committee's KEK, k of n.
    public_key = models.TextField(_("public key (PEM)"), blank=True)
    wrapped_private_key = models.BinaryField(_("wrapped private key"), null=True, blank=True)
    share_salt = models.CharField(_("share salt"), max_length=32, blank=True)
    shares_needed = models.PositiveSmallIntegerField(_("shares needed to open (k)"), default=3)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)
    awarded_bid = models.ForeignKey("investment.Bid", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("awarded bid"))
    cancelled_reason = models.TextField(_("why cancelled"), blank=True)

    class Meta:
        verbose_name = _("investment opportunity")
        verbose_name_plural = _("investment opportunities")
        ordering = ["municipality", "-bids_close_at"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "number"], name="investment_opportunity_number_unique"),
            models.CheckConstraint(condition=Q(opening_at__gte=F("bids_close_at") + OPENING_GAP),
                                   name="investment_opening_3h_after_close"),
            models.CheckConstraint(condition=Q(bids_close_at__gt=F("bids_open_at")),
                                   name="investment_bid_window_forward"),
            models.CheckConstraint(condition=Q(term_years__gte=1, term_years__lte=50),
                                   name="investment_term_1_50"),
            models.CheckConstraint(condition=Q(min_annual_rent__gt=0) & Q(booklet_fee__gt=0),
                                   name="investment_amounts_positive"),
            models.CheckConstraint(condition=Q(financial_model__in=FinancialModel.values),
                                   name="investment_financial_model_known"),
            models.CheckConstraint(condition=Q(status__in=OpportunityStatus.values),
                                   name="investment_opportunity_status_known"),
        ]

    def __str__(self):
        return f"{self.number} — {self.activity_ar}"


class CommitteeMember(TenantOwned):
    """A member of an opportunity's opening committee: the hash of the share they hold (never the share)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="committee")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("member"))
    chair = models.BooleanField(_("chair"), default=False)
    share_index = models.PositiveSmallIntegerField(_("share number"))
    share_hash = models.CharField(_("hash of the share"), max_length=64)
    share_entered_at = models.DateTimeField(_("share entered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "user"], name="investment_member_once"),
            models.UniqueConstraint(fields=["opportunity"], condition=Q(chair=True), name="investment_one_chair"),
        ]

    def __str__(self):
        return f"{self.opportunity.number}: {self.user}"


class PendingShare(models.Model):
    """A share entered at the opening (never before: refused), held only until k are present, then wiped."""

    member = models.OneToOneField(CommitteeMember, on_delete=models.CASCADE, related_name="pending")
    share = models.CharField(max_length=40)
    entered_at = models.DateTimeField(auto_now_add=True)


class Booklet(TenantOwned):
    """The tender booklet bought by an investor: a case of type ``investment_booklet`` whose SADAD bill is its fee."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="booklets")
    investor = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("investor"))
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tender booklet")
        verbose_name_plural = _("tender booklets")
        constraints = [models.UniqueConstraint(fields=["opportunity", "investor"], name="investment_booklet_once")]


class BidStatus(models.TextChoices):
    SEALED = "sealed", _("sealed")
    COMPLIANT = "compliant", _("opened: compliant")
    NON_COMPLIANT = "non_compliant", _("opened: not compliant")
    AWARDED = "awarded", _("awarded")
    LOST = "lost", _("not awarded")


class Bid(TenantOwned):
    """A sealed bid: until the opening the offer exists only as ``ciphertext`` (and its salted ``commitment``)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="bids")
    investor = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("investor"))
    booklet = models.ForeignKey(Booklet, on_delete=models.PROTECT, related_name="+")
    receipt = models.CharField(_("receipt number"), max_length=40)
    guarantee_ref = models.CharField(_("bank guarantee reference"), max_length=60)
    guarantee_bank = models.CharField(_("bank"), max_length=60, blank=True)
    guarantee_amount = models.DecimalField(_("bank guarantee amount (SAR)"), max_digits=14, decimal_places=2)
    guarantee_released_on = models.DateField(_("guarantee released on"), null=True, blank=True)
    documents = models.JSONField(_("documents submitted"), default=list, blank=True)
    ciphertext = models.BinaryField(_("sealed offer"))
    commitment = models.CharField(_("commitment (SHA-256)"), max_length=64)
    status = models.CharField(_("status"), max_length=14, choices=BidStatus.choices, default=BidStatus.SEALED)
    # Known only after the opening:
    annual_rent = models.DecimalField(_("offered annual rent (SAR)"), max_digits=14, decimal_places=2, null=True,
                                      blank=True)
    share_pct = models.DecimalField(_("offered revenue share (%)"), max_digits=5, decimal_places=2, null=True,
                                    blank=True)
    reasons = models.JSONField(_("compliance findings"), default=list, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("sealed bid")
        verbose_name_plural = _("sealed bids")
        ordering = ["opportunity", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "investor"], name="investment_bid_once"),
            models.CheckConstraint(condition=Q(status__in=BidStatus.values), name="investment_bid_status_known"),
            models.CheckConstraint(condition=~Q(status="sealed") | Q(annual_rent__isnull=True, share_pct__isnull=True),
                                   name="investment_sealed_bid_has_no_amount"),
        ]

    def __str__(self):
        return self.receipt


class Vote(TenantOwned):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="votes")
    member = models.OneToOneField(CommitteeMember, on_delete=models.CASCADE, related_name="vote")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="votes")

    class Meta:
        verbose_name = _("committee vote")
        verbose_name_plural = _("committee votes")


class RentFrequency(models.TextChoices):
    ANNUAL = "annual", _("annual")
    SEMI_ANNUAL = "semi_annual", _("semi-annual")


class ContractStatus(models.TextChoices):
    SIGNED = "signed", _("signed, awaiting the site's hand-over")
    ACTIVE = "active", _("in force")
    TERMINATED = "terminated", _("terminated")
    EXPIRED = "expired", _("expired")


class Contract(TenantOwned):
    number = models.CharField(_("number"), max_length=32)
    opportunity = models.OneToOneField(Opportunity, on_delete=models.PROTECT, related_name="contract")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="contracts")
    investor = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("investor"))
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    status = models.CharField(_("status"), max_length=12, choices=ContractStatus.choices,
                              default=ContractStatus.SIGNED)
    signed_on = models.DateField(_("signed on"))
    handover_on = models.DateField(_("site handed over on"), null=True, blank=True)
    starts_on = models.DateField(_("term starts"), null=True, blank=True)
    ends_on = models.DateField(_("term ends"), null=True, blank=True)
    annual_rent = models.DecimalField(_("annual rent (SAR)"), max_digits=14, decimal_places=2)
    share_pct = models.DecimalField(_("revenue share (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    frequency = models.CharField(_("rent paid"), max_length=12, choices=RentFrequency.choices,
                                 default=RentFrequency.ANNUAL)
    escalation_pct = models.DecimalField(_("escalation (%)"), max_digits=5, decimal_places=2, default=0)
    escalation_every_years = models.PositiveSmallIntegerField(_("escalation every (years)"), default=5)
    term_years = models.PositiveSmallIntegerField(_("term (years)"))
    geom = models.MultiPolygonField(_("site"), srid=4326, spatial_index=False)

    class Meta:
        verbose_name = _("investment contract")
        verbose_name_plural = _("investment contracts")
        ordering = ["municipality", "-signed_on"]
        constraints = [
            *geometry_constraints("investment_contract"),
            models.UniqueConstraint(fields=["municipality", "number"], name="investment_contract_number_unique"),
            models.CheckConstraint(condition=Q(status__in=ContractStatus.values),
                                   name="investment_contract_status_known"),
            models.CheckConstraint(condition=Q(escalation_pct__gte=0, escalation_pct__lte=100),
                                   name="investment_escalation_0_100"),
        ]
        indexes = [geometry_index("investment_contract")]

    def __str__(self):
        return self.number


class Instalment(TenantOwned):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="instalments")
    seq = models.PositiveSmallIntegerField(_("instalment"))
    period_starts = models.DateField(_("period starts"))
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount (SAR)"), max_digits=14, decimal_places=2)
    bill = models.OneToOneField("payments.Bill", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cancelled = models.BooleanField(_("cancelled (contract ended)"), default=False)

    class Meta:
        verbose_name = _("rent instalment")
        verbose_name_plural = _("rent instalments")
        ordering = ["contract", "seq"]
        constraints = [models.UniqueConstraint(fields=["contract", "seq"], name="investment_instalment_once"),
                       models.CheckConstraint(condition=Q(amount__gt=0), name="investment_instalment_positive")]
