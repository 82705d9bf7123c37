"""Complaints and suggestions (docs/complaints.md): a national list of categories, each municipality's routing of
a category in a district to its handler, and each report — a backbone case with its place, category, photo and
the people who joined it."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    SUGGESTION = "suggestion", _("suggestion")


class Recipient(models.TextChoices):
    MUNICIPALITY = "municipality", _("the municipality")
    COUNCIL = "council", _("the municipal council")


class Channel(models.TextChoices):
    PORTAL = "portal", _("portal")
    OPEN311 = "open311", _("Open311 application")


class Category(models.Model):
    """A national category (reference data): who handles it, whether it can ask for an inspection visit, how near
    another open report of it must be to be offered as the same."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    handler_role = models.SlugField(_("handling role"), max_length=50, default="complaints_handler")
    visit_kind = models.CharField(_("inspection asked of"), max_length=40, blank=True,
                                  help_text=_("The kind of request a handler can send for an inspection visit "
                                              "(cases.requests), e.g. inspection_visit (licensing); blank: none."))
    duplicate_radius_m = models.PositiveIntegerField(_("same report within (m)"), default=50)
    sla_days = models.PositiveSmallIntegerField(_("days to resolve"), default=7)
    order = models.PositiveSmallIntegerField(_("order"), default=50)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name_ar


class Routing(TenantOwned):
    """Who handles a category in a district of a municipality (blank district: anywhere; blank category: any).
    The most specific row wins; no row: the category's role's queue."""

    district = models.ForeignKey("parcels.District", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("district"))
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("category"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("handler"))
    role = models.SlugField(_("queue (role)"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("complaint routing")
        verbose_name_plural = _("complaint routings")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "district", "category"], nulls_distinct=False,
                                    name="complaints_routing_once"),
            models.CheckConstraint(condition=Q(handler__isnull=False) | ~Q(role=""), name="complaints_routing_someone"),
        ]


def public_token() -> str:
    return secrets.token_urlsafe(12)


class Complaint(TenantOwned):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    recipient = models.CharField(_("to"), max_length=12, choices=Recipient.choices, default=Recipient.MUNICIPALITY)
    description = models.TextField(_("description"), max_length=2000)
    geom = models.PointField(_("place"), srid=4326, spatial_index=False)
    district = models.ForeignKey("parcels.District", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("district"))
    reporter = models.ForeignKey("accounts.Party", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("reported by"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.PORTAL)
    token = models.CharField(_("public token"), max_length=32, unique=True, default=public_token)
    address = models.CharField(_("address given"), max_length=300, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating (1 to 5)"), null=True, blank=True)
    rating_note = models.CharField(_("rating comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            *geometry_constraints("complaints_complaint"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="complaints_rating_range"),
        ]
        indexes = [geometry_index("complaints_complaint"),
                   models.Index(fields=["municipality", "category"], name="complaints_muni_category")]

    def __str__(self):
        return f"{self.case_id} {self.category_id}"


class Supporter(TenantOwned):
    """Someone who reported the same thing and joined this report instead of filing another."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="supporters",
                                  verbose_name=_("complaint"))
    party = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("who"))

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        constraints = [models.UniqueConstraint(fields=["complaint", "party"], name="complaints_support_once")]
