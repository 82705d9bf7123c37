"""Cases: a municipality's transactions, one model for every process (its kind is a registered case type).

A case has a number read over the phone (``RAS-1448-000123``), parties with their role on the case, a location
(parcels and/or a drawn point or polygon; ``location`` is always a point, on the parcels or drawing, for the
map), a status in its type's workflow, the queue (role) and person it sits with, a due date in working days
(stopped while on hold), links to other cases and a timeline of everything that happened to it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned
from geo.constraints import geometry_constraints, geometry_index


class Holiday(models.Model):
    """A day off besides Friday and Saturday: national (no municipality) or one municipality's own."""

    municipality = models.ForeignKey(
        "accounts.Municipality", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("municipality"), help_text=_("Empty for a national holiday."),
    )
    day = models.DateField(_("day"))
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "day"], name="cases_holiday_once",
                                    nulls_distinct=False),
        ]

    def __str__(self):
        return f"{self.day} {self.name_ar}"


class CaseCounter(models.Model):
    """The last number given in a municipality in a Hijri year (one row, locked while a case is created)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    hijri_year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "hijri_year"], name="cases_counter_once_a_year"),
        ]


class Case(TenantOwned):
    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    case_type = models.CharField(_("type"), max_length=50)
    status = models.CharField(_("status"), max_length=50)
    # The queue: the role whose holders see the case in their inbox; and the person working on it.
    queue_role = models.ForeignKey(
        "accounts.Role", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("queue")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("assigned to"),
    )
    # The deadline of the current status (working days, cases.calendar); none in a final status.
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status_since = models.DateTimeField(_("in this status since"))
    # On hold: the clock stops while the case waits on the applicant or on another agency.
    held_since = models.DateField(_("on hold since"), null=True, blank=True)
    hold_reason = models.TextField(_("reason for the hold"), blank=True)
    # The due dates the SLA sweep already reminded and escalated for (cases.deadlines): each once.
    reminded_for = models.DateField(_("reminded for the due date"), null=True, blank=True, editable=False)
    escalated_for = models.DateField(_("escalated for the due date"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # What the applicant provided (validated against the type's declared fields).
    data = models.JSONField(_("application"), default=dict, blank=True)
    location = models.PointField(_("location"), srid=4326, spatial_index=False)
    area = models.MultiPolygonField(_("drawn area"), srid=4326, null=True, blank=True, spatial_index=False)
    parcels = models.ManyToManyField("parcels.Parcel", through="CaseParcel", related_name="+",
                                     verbose_name=_("parcels"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-id"]
        constraints = [
            *geometry_constraints("cases_case", "location"),
            *geometry_constraints("cases_case", "area"),
            models.CheckConstraint(
                condition=Q(held_since__isnull=True) | ~Q(hold_reason=""), name="cases_case_hold_has_reason"
            ),
        ]
        indexes = [
            geometry_index("cases_case", "location"),
            models.Index(fields=["municipality", "case_type", "status"], name="cases_case_muni_type_status"),
            models.Index(fields=["municipality", "queue_role"], name="cases_case_muni_queue"),
            models.Index(fields=["assignee"], condition=Q(assignee__isnull=False), name="cases_case_assignee"),
            # The open cases, earliest due first: "my queue" (cases.selectors.inbox) walks it in order and stops at
            # the end of the page, however many cases sit in the queues of a busy reviewer (make bench-cases).
            models.Index(fields=["municipality", "due_date", "id"], condition=Q(closed_at__isnull=True),
                         name="cases_case_open_due"),
            # A queue's open cases, earliest due first: the inbox reads a page of each queue from here.
            models.Index(fields=["municipality", "queue_role", "due_date", "id"], condition=Q(closed_at__isnull=True),
                         name="cases_case_queue_due"),
        ]

    def __str__(self):
        return self.number

    @property
    def on_hold(self) -> bool:
        return self.held_since is not None


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("applicant")
    OWNER = "owner", _("owner")
    REPRESENTATIVE = "representative", _("representative")
    DESIGNER_OFFICE = "designer_office", _("designer office")
    SUPERVISING_OFFICE = "supervising_office", _("supervising office")
    CONTRACTOR = "contractor", _("contractor")
    OTHER = "other", _("other")


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_parties", verbose_name=_("case"))
    party = models.ForeignKey("accounts.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("party"))
    role = models.CharField(_("role on the case"), max_length=24, choices=PartyRole.choices)

    class Meta:
        verbose_name = _("party to a case")
        verbose_name_plural = _("parties to cases")
        constraints = [models.UniqueConstraint(fields=["case", "party", "role"], name="cases_party_once_per_role")]
        indexes = [models.Index(fields=["party"], name="cases_caseparty_party")]


class CaseParcel(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", db_index=False)
    parcel = models.ForeignKey("parcels.Parcel", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "parcel"], name="cases_parcel_once")]


class LinkKind(models.TextChoices):
    RELATED = "related", _("related to")
    FOLLOWS = "follows", _("follows")
    DUPLICATE = "duplicate", _("duplicate of")
    OBJECTION = "objection", _("objection to")


class CaseLink(models.Model):
    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_out", db_index=False)
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("kind"), max_length=16, choices=LinkKind.choices, default=LinkKind.RELATED)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_case", "to_case"], name="cases_link_once"),
            models.CheckConstraint(condition=~Q(from_case=models.F("to_case")), name="cases_link_not_self"),
        ]


class EntryKind(models.TextChoices):
    CREATED = "created", _("created")
    TRANSITION = "transition", _("status changed")
    ASSIGNMENT = "assignment", _("assigned")
    HOLD = "hold", _("put on hold")
    RESUME = "resume", _("resumed")
    COMMENT = "comment", _("comment")
    DOCUMENT = "document", _("document")
    PAYMENT = "payment", _("payment")
    LINK = "link", _("linked")
    OBJECTION = "objection", _("objection")
    REOPENED = "reopened", _("reopened")
    ESCALATION = "escalation", _("escalated")
    DELEGATION = "delegation", _("delegated")


class TimelineEntry(models.Model):
    """One thing that happened to a case: who, when, what. Internal notes are for staff only; entries
    ``visible_to_applicant`` are messages the applicant sees."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("case"),
                             db_index=False)
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("by"))
    actor_label = models.CharField(_("by (system)"), max_length=128, blank=True)
    visible_to_applicant = models.BooleanField(_("visible to the applicant"), default=False)
    from_status = models.CharField(_("from status"), max_length=50, blank=True)
    to_status = models.CharField(_("to status"), max_length=50, blank=True)
    body = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="cases_timeline_case_at")]


class LookupKind(models.TextChoices):
    SEARCH = "search", _("search by national ID")
    VIEW = "view", _("parties of a case shown in full")


class PersonalDataLookup(models.Model):
    """Who searched cases by a person's national ID, or saw a case's parties in full, when, why, and what they
    were shown (PDPL). A view names the case and the person whose data was shown (one row per person)."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"), db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("by"))
    actor_label = models.CharField(_("by (system)"), max_length=128, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    masked_national_id = models.CharField(_("national ID (masked)"), max_length=10)
    purpose = models.CharField(_("purpose"), max_length=100)
    case_numbers = models.JSONField(_("cases shown"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=LookupKind.choices, default=LookupKind.SEARCH)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("case"))
    person = models.ForeignKey("accounts.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("person"))

    class Meta:
        verbose_name = _("personal data look-up")
        verbose_name_plural = _("personal data look-ups")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["municipality", "at"], name="cases_pdlookup_muni_at"),
            models.Index(fields=["person", "at"], condition=Q(person__isnull=False), name="cases_pdlookup_person_at"),
        ]


class Objection(TenantOwned):
    """An objection to a refusing or penalising step of a case (``Transition.objectionable``): itself a case of
    the backbone type ``objection`` (``case``), linked to the case it objects to (``CaseLink`` kind objection).
    ``decision`` is the timeline entry of the step objected to; ``period_ends`` the last day it could be."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="objection", verbose_name=_("objection"))
    objected_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="objections",
                                      verbose_name=_("case objected to"))
    decision = models.ForeignKey(TimelineEntry, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("decision objected to"))
    transition = models.CharField(_("step objected to"), max_length=50)
    period_ends = models.DateField(_("objection period ends"))

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")


class Delegation(TenantOwned):
    """A person's cases given to a colleague while they are away (leave, training): from ``starts_on`` to
    ``ends_on`` inclusive. Only the assignment moves (``cases.delegation``): the delegate takes a step only
    with roles of their own. ``applied_at``: when the open cases were handed over (at once, or by the daily
    sweep on the first day)."""

    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("away"))
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("delegate"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    applied_at = models.DateTimeField(_("cases handed over at"), null=True, blank=True)
    cases_moved = models.PositiveIntegerField(_("cases handed over"), default=0)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="cases_delegation_period"),
            models.CheckConstraint(condition=~Q(from_user=models.F("to_user")), name="cases_delegation_not_self"),
        ]
        indexes = [models.Index(fields=["to_user", "ends_on"], name="cases_delegation_to_ends")]

    def __str__(self):
        return f"{self.from_user} → {self.to_user} ({self.starts_on} - {self.ends_on})"


# The documents of a case live in their own sub-package (cases/documents/); their models belong to this app.
from cases.documents.models import CaseDocument, IssuedDocument  # noqa: E402, F401
