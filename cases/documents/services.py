"""Writes of case documents: uploads (checked by content, versioned, checksummed) and issued documents.

Every write is one transaction leaving a timeline entry and an audit record. A file is written to storage
before its row; if anything after it fails, the file is removed again (nothing half-written).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.selectors import role_codes_of
from audit.models import ChangeRecord
from audit.services import change_record
from cases.documents import render, sniff
from cases.documents.models import OTHER, CaseDocument, IssuedDocument
from cases.models import Case, EntryKind, TimelineEntry
from cases.types import Document, get_case_type
from common.errors import NotPermitted, RegisterError

logger = logging.getLogger(__name__)

CHUNK = 256 * 1024
# What a document the case type does not declare ("other") may be.
OTHER_DOCUMENT = Document(OTHER, "other", required=False, content_types=sniff.KNOWN, max_bytes=10 * 1024 * 1024)


# Files written in the current ``files_removed_on_failure`` block (None outside one).
_written: ContextVar[list[str] | None] = ContextVar("ardh_written_files", default=None)


@contextmanager
def files_removed_on_failure() -> Iterator[None]:
    """Put around a transaction that stores files (``case_apply``): if it fails, the files stored inside it
    are removed (their rows were rolled back). Nested blocks hand their files to the enclosing one."""
    outer = _written.get()
    mine: list[str] = []
    token = _written.set(mine)
    try:
        yield
    except BaseException:
        discard_files(mine)
        raise
    finally:
        _written.reset(token)
    if outer is not None:
        outer.extend(mine)


def _note_written(name: str) -> None:
    written = _written.get()
    if written is not None:
        written.append(name)


# --- helpers -----------------------------------------------------------------------------------------


def actor_fields(actor, *, prefix: str = "actor") -> dict:
    if actor is None or isinstance(actor, str):
        return {prefix: None, f"{prefix}_label": actor or "system"}
    return {prefix: actor, f"{prefix}_label": ""}


def timeline_entry(case: Case, actor, **fields) -> TimelineEntry:
    return TimelineEntry.objects.create(case=case, kind=EntryKind.DOCUMENT, **actor_fields(actor), **fields)


def may_add_documents(case: Case, actor) -> bool:
    """Whoever acts for the applicant, or holds a role in the case's municipality; another system (an API
    key's label, already checked for its scope) too."""
    from cases.services import roles_on

    if actor is None or isinstance(actor, str):
        return True
    return bool(roles_on(case, actor))


def declared_document(case: Case, code: str) -> Document:
    if code == OTHER:
        return OTHER_DOCUMENT
    ct = get_case_type(case.case_type)
    for document in ct.documents:
        if document.code == code:
            return document
    raise RegisterError(
        _("Case %(number)s takes no document “%(code)s”; it takes: %(codes)s.")
        % {"number": case.number, "code": str(code)[:50],
           "codes": ", ".join([d.code for d in ct.documents] + [OTHER])}, code="unknown_document",
    )


def clean_filename(name: str | None) -> str:
    """The last part of the name the client gave, without control characters or path separators."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > 150:
        stem, ext = os.path.splitext(name)
        name = stem[: 150 - len(ext[:20])] + ext[:20]
    return name or "file"


def _measure(upload, limit: int) -> tuple[bytes, int, str]:
    """(first bytes, size, SHA-256) read in pieces; stops reading past ``limit`` (size is then limit + 1)."""
    digest, size, head = hashlib.sha256(), 0, b""
    if hasattr(upload, "seek"):
        upload.seek(0)
    while True:
        piece = upload.read(CHUNK)
        if not piece:
            break
        if len(head) < sniff.HEAD_BYTES:
            head += piece[: sniff.HEAD_BYTES - len(head)]
        size += len(piece)
        if size > limit:
            return head, size, ""
        digest.update(piece)
    return head, size, digest.hexdigest()


def _whole(upload):
    def read() -> bytes:
        upload.seek(0)
        return upload.read()

    return read


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}"


# --- uploads -----------------------------------------------------------------------------------------


@transaction.atomic
def document_upload(*, case: Case, code: str, upload, actor, visible_to_applicant: bool = True) -> CaseDocument:
    """Attach a file to a case as the next version of document ``code`` (declared by the case type, or
    "other"). Its type is told from its content and must be one the declaration accepts; its size within the
    declaration's limit and ``ARDH_DOCUMENT_MAX_BYTES``."""
    name = clean_filename(getattr(upload, "name", None))
    declared = declared_document(case, code)
    if not may_add_documents(case, actor):
        raise NotPermitted(
            _("You may not add documents to case %(number)s: you neither act for its applicant nor work in "
              "its municipality.") % {"number": case.number})
    limit = min(declared.max_bytes, settings.ARDH_DOCUMENT_MAX_BYTES)
    head, size, sha256 = _measure(upload, limit)
    if size > limit:
        raise RegisterError(
            _("“%(name)s” (%(code)s) is larger than the limit of %(mb)s MB.")
            % {"name": name, "code": code, "mb": _mb(limit)}, code="too_large")
    if size == 0:
        raise RegisterError(_("“%(name)s” (%(code)s) is empty.") % {"name": name, "code": code}, code="empty")
    found = sniff.sniff(head, _whole(upload))
    if found is None:
        raise RegisterError(
            _("“%(name)s” (%(code)s) is not a file of a kind accepted here (by its content, whatever its name "
              "says); accepted: %(types)s.") % {"name": name, "code": code, "types": ", ".join(declared.content_types)},
            code="content_type")
    if found not in declared.content_types:
        raise RegisterError(
            _("“%(name)s” is a %(found)s file; document %(code)s must be one of: %(types)s.")
            % {"name": name, "found": found, "code": code, "types": ", ".join(declared.content_types)},
            code="content_type")
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").get()  # one version number at a time
    last = CaseDocument.objects.filter(case=case, code=code).aggregate(n=Max("version"))["n"] or 0
    document = CaseDocument(
        municipality_id=case.municipality_id, case=case, code=code, version=last + 1, original_name=name,
        content_type=found, size=size, sha256=sha256, visible_to_applicant=visible_to_applicant,
        **actor_fields(actor, prefix="uploaded_by"),
    )
    upload.seek(0)
    document.file.save(name, upload, save=False)
    _note_written(document.file.name)
    try:
        document.save()
        timeline_entry(case, actor, visible_to_applicant=visible_to_applicant,
                       data={"document": code, "version": document.version, "name": name, "sha256": sha256})
        change_record(instance=document, action=ChangeRecord.Action.CREATE, actor=actor, changes={
            "case": [None, case.number], "code": [None, code], "version": [None, document.version],
            "sha256": [None, sha256], "size": [None, size], "content_type": [None, found]})
    except BaseException:
        discard_files([document.file.name])
        raise
    return document


def discard_files(names) -> None:
    """Remove stored files whose rows were not written (best effort: an unreferenced file is harmless)."""
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            try:
                default_storage.delete(name)
            except OSError:
                pass


def missing_documents(case_type: str, files: dict) -> list[Document]:
    return [d for d in get_case_type(case_type).documents if d.required and d.code not in files]


# --- issued documents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Approver:
    """Who signs an issued document, as printed on it."""

    name: str
    title: str = ""


def approver_of(approver) -> Approver:
    """An ``Approver``, or a user: their person's Arabic name (else their full name or username)."""
    if isinstance(approver, Approver):
        return approver
    person = getattr(approver, "person", None)
    name = getattr(person, "name_ar", "") or approver.get_full_name() or approver.get_username()
    return Approver(name=name)


def _staff_only(case: Case, actor, message: str) -> None:
    if actor is None or isinstance(actor, str):
        return
    if not role_codes_of(actor, municipality_id=case.municipality_id):
        raise NotPermitted(message % {"number": case.number})


@transaction.atomic
def document_issue(*, case: Case, kind: str, template: str, context: dict, approver, title_ar: str, title_en: str,
                   valid_until: date | None = None, actor=None, visible_to_applicant: bool = True) -> IssuedDocument:
    """Issue a document on a case: the template (extending ``documents/base_document.html``) rendered to PDF
    with the municipality, the case number, the dates in both calendars, the approver and a stamp, and a QR code
    of its public verification address. ``actor`` (default: the approver when a user) is recorded."""
    if actor is None and not isinstance(approver, Approver):
        actor = approver
    _staff_only(case, actor, _("Only staff of its municipality issue documents on case %(number)s."))
    signer = approver_of(approver)
    if not signer.name.strip():
        raise RegisterError(_("An issued document needs the name of who approved it."), code="no_approver")
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").get()  # one serial at a time
    count = IssuedDocument.objects.filter(case=case).count()
    now = timezone.now()
    doc = IssuedDocument(
        municipality_id=case.municipality_id, case=case, kind=kind[:50], serial=f"{case.number}-D{count + 1}",
        title_ar=title_ar, title_en=title_en, issued_at=now, valid_until=valid_until,
        approver_name=signer.name, approver_title=signer.title, visible_to_applicant=visible_to_applicant,
        issued_by=None if actor is None or isinstance(actor, str) else actor,
    )
    municipality = Municipality.objects.only("name_ar", "name_en").get(pk=case.municipality_id)
    url = render.verification_url(doc.token)
    page = {
        **context,
        "document": doc, "case": case, "municipality": municipality, "approver": signer,
        "issued": render.both_calendars(timezone.localdate(now)), "valid": render.both_calendars(valid_until),
        "verify_url": url, "qr": render.qr_data_uri(url),
    }
    with translation.override("ar"):
        html = render_to_string(template, page)
    started = time.perf_counter()
    pdf = render.html_to_pdf(html)
    logger.info("issued %s rendered in %.2f s (%d bytes)", doc.serial, time.perf_counter() - started, len(pdf))
    doc.size, doc.sha256 = len(pdf), hashlib.sha256(pdf).hexdigest()
    doc.pdf.save(f"{doc.serial}.pdf", ContentFile(pdf), save=False)
    _note_written(doc.pdf.name)
    try:
        doc.save()
        timeline_entry(case, actor, visible_to_applicant=visible_to_applicant,
                       data={"issued": doc.kind, "serial": doc.serial, "sha256": doc.sha256})
        change_record(instance=doc, action=ChangeRecord.Action.CREATE, actor=actor, changes={
            "case": [None, case.number], "kind": [None, doc.kind], "serial": [None, doc.serial],
            "sha256": [None, doc.sha256], "valid_until": [None, valid_until.isoformat() if valid_until else None]})
    except BaseException:
        discard_files([doc.pdf.name])
        raise
    return doc


@transaction.atomic
def document_revoke(*, document: IssuedDocument, actor, reason: str) -> IssuedDocument:
    """Revoke an issued document: its verification page says so from now on (the PDF is kept)."""
    document = IssuedDocument.objects.select_for_update().select_related("case").get(pk=document.pk)
    case = document.case
    _staff_only(case, actor, _("Only staff of its municipality revoke documents issued on case %(number)s."))
    if not reason or not reason.strip():
        raise RegisterError(_("Say why document %(serial)s is revoked.") % {"serial": document.serial},
                            code="no_reason")
    if document.revoked_at is not None:
        raise RegisterError(_("Document %(serial)s is already revoked.") % {"serial": document.serial},
                            code="revoked")
    document.revoked_at, document.revoke_reason = timezone.now(), reason.strip()[:2000]
    document.version += 1
    document.save(update_fields=["revoked_at", "revoke_reason", "version", "updated_at"])
    timeline_entry(case, actor, visible_to_applicant=document.visible_to_applicant, body=document.revoke_reason,
                   data={"revoked": document.kind, "serial": document.serial})
    change_record(instance=document, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"revoked_at": [None, document.revoked_at.isoformat()]},
                  note=f"revoked: {document.revoke_reason}")
    return document
