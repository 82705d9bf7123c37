"""Parties: the citizens, residents and organisations the municipality serves, and who may act for whom.

National reference data, not per tenant: a citizen is the same person in Al-Rass and in Buraydah. A party is
either a person (national ID for a citizen, iqama for a resident, both ten digits: 1... or 2...) or an
organisation (engineering office, contractor, company: commercial registration number). Transactions name
parties with their role on the case (applicant, owner, representative, designer office, ...).

National IDs are personal data (PDPL): shown masked by default (``Person.masked_national_id``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")


class Party(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=PartyKind.choices, editable=False)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    # Saudi mobile numbers in international form: +9665XXXXXXXX
    mobile = models.CharField(_("mobile"), max_length=13, blank=True)
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.CheckConstraint(condition=Q(mobile="") | Q(mobile__regex=r"^\+9665[0-9]{8}$"),
                                   name="accounts_party_mobile_format"),
        ]

    def __str__(self):
        return self.name_ar


class IdKind(models.TextChoices):
    CITIZEN = "citizen", _("citizen (national ID)")
    RESIDENT = "resident", _("resident (iqama)")


class Person(Party):
    national_id = models.CharField(_("national ID / iqama"), max_length=10, unique=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    mobile_verified_at = models.DateTimeField(_("mobile verified at"), null=True, blank=True)
    # The sign-in of a person who uses the portal (none for a party known only from transactions).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(condition=Q(national_id__regex=r"^[12][0-9]{9}$"),
                                   name="accounts_person_national_id_format"),
        ]

    @property
    def id_kind(self) -> str:
        return IdKind.CITIZEN if self.national_id.startswith("1") else IdKind.RESIDENT

    @property
    def masked_national_id(self) -> str:
        return f"{self.national_id[:1]}******{self.national_id[-3:]}"


class OrganisationKind(models.TextChoices):
    ENGINEERING_OFFICE = "engineering_office", _("engineering office")
    CONTRACTOR = "contractor", _("contractor")
    COMPANY = "company", _("company")
    ESTABLISHMENT = "establishment", _("establishment")
    GOVERNMENT = "government", _("government body")


class Organisation(Party):
    cr_number = models.CharField(_("commercial registration number"), max_length=10, unique=True)
    org_kind = models.CharField(_("kind of organisation"), max_length=32, choices=OrganisationKind.choices)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(cr_number__regex=r"^[0-9]{10}$"), name="accounts_organisation_cr_format"
            ),
        ]


class RepresentationKind(models.TextChoices):
    SIGNATORY = "signatory", _("authorised signatory of the organisation")
    EMPLOYEE = "employee", _("employee of the organisation")
    POWER_OF_ATTORNEY = "attorney", _("agent by power of attorney")
    GUARDIAN = "guardian", _("guardian")
    OFFICE = "office", _("office engaged for the owner")


class Representation(models.Model):
    """``agent`` may act for ``principal`` (a person for a company, an engineering office for an owner, ...),
    from ``valid_from`` to ``valid_until`` (open when empty), on the strength of ``reference`` (the power of
    attorney's number, the engagement contract...)."""

    agent = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="acts_for", verbose_name=_("agent"))
    principal = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="represented_by", verbose_name=_("principal")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RepresentationKind.choices)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        constraints = [
            models.CheckConstraint(condition=~Q(agent=models.F("principal")), name="accounts_representation_not_self"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="accounts_representation_period",
            ),
        ]

    def __str__(self):
        return f"{self.agent} → {self.principal}"
