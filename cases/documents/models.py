"""Case documents: the files people attach to a case (``CaseDocument``, versioned per document code) and the
documents the municipality issues on it (``IssuedDocument``: a PDF with a public verification token).

Imported into ``cases.models`` so Django sees them as models of the ``cases`` app.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TenantOwned

OTHER = "other"  # a document the case type does not declare (any of the accepted types)


def _stored_name(prefix: str, instance, filename: str) -> str:
    # Not guessable: the municipality and case, then 128 random bits; the original name is kept in the row.
    return f"{prefix}/{instance.municipality_id}/{instance.case_id}/{secrets.token_hex(16)}"


def upload_path(instance, filename: str) -> str:
    return _stored_name("cases/documents", instance, filename)


def issued_path(instance, filename: str) -> str:
    return _stored_name("cases/issued", instance, filename) + ".pdf"


def verification_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


class CaseDocument(TenantOwned):
    """One version of one document of a case: a new upload of the same code is the next version; the earlier
    ones are kept."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents",
                             verbose_name=_("case"), db_index=False)
    code = models.CharField(_("document"), max_length=50)
    # The document's version (1, 2, ... per case and code); it replaces ``Tracked.version`` (a document's row
    # never changes but for its visibility).
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_by_label = models.CharField(_("uploaded by (system)"), max_length=128, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    visible_to_applicant = models.BooleanField(_("visible to the applicant"), default=True)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "code", "version"], name="cases_document_version_once"),
            models.CheckConstraint(condition=Q(version__gte=1), name="cases_document_version_positive"),
        ]

    def __str__(self):
        return f"{self.code} v{self.version} ({self.original_name})"


class IssuedDocument(TenantOwned):
    """A document the municipality issues on a case (a decision, a certificate): a PDF anyone holding it can
    check at ``/verify/<token>/``."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="issued_documents",
                             verbose_name=_("case"), db_index=False)
    kind = models.CharField(_("kind"), max_length=50)
    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    token = models.CharField(_("verification token"), max_length=64, unique=True, default=verification_token,
                             editable=False)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    issued_at = models.DateTimeField(_("issued at"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    approver_name = models.CharField(_("approved by"), max_length=200)
    approver_title = models.CharField(_("approver's title"), max_length=200, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("issued by"))
    pdf = models.FileField(_("PDF"), upload_to=issued_path, max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    visible_to_applicant = models.BooleanField(_("visible to the applicant"), default=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                                   name="cases_issued_revoke_has_reason"),
        ]
        indexes = [models.Index(fields=["case", "kind"], name="cases_issued_case_kind")]

    def __str__(self):
        return self.serial
