"""Reads of case documents, always through the case (which the caller already found in their tenant)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from cases.documents.models import CaseDocument, IssuedDocument
from cases.models import Case


@dataclass
class DocumentVersions:
    """One document code of a case: its latest version and every version, newest first."""

    code: str
    latest: CaseDocument
    versions: list[CaseDocument] = field(default_factory=list)


def case_documents(*, case: Case, for_applicant: bool = False) -> list[DocumentVersions]:
    """The case's documents by code (in the order first uploaded), each with its versions newest first.
    ``for_applicant``: only the versions the applicant may see."""
    qs = CaseDocument.objects.filter(case=case).select_related("uploaded_by")
    if for_applicant:
        qs = qs.filter(visible_to_applicant=True)
    groups: dict[str, DocumentVersions] = {}
    first_seen: dict[str, int] = {}
    for doc in qs.order_by("code", "-version"):
        group = groups.setdefault(doc.code, DocumentVersions(code=doc.code, latest=doc))
        group.versions.append(doc)
        first_seen[doc.code] = min(first_seen.get(doc.code, doc.pk), doc.pk)
    return sorted(groups.values(), key=lambda g: first_seen[g.code])


def document_get(*, case: Case, pk: int, for_applicant: bool = False) -> CaseDocument:
    """One version of a document of the case; 404 when it is another case's (or hidden from the applicant)."""
    qs = CaseDocument.objects.filter(case=case, municipality_id=case.municipality_id)
    if for_applicant:
        qs = qs.filter(visible_to_applicant=True)
    doc = qs.filter(pk=pk).first()
    if doc is None:
        raise Http404("No such document on this case.")
    return doc


def issued_documents(*, case: Case, for_applicant: bool = False):
    qs = IssuedDocument.objects.filter(case=case)
    if for_applicant:
        qs = qs.filter(visible_to_applicant=True)
    return qs.order_by("-issued_at", "-id")


def issued_get(*, case: Case, pk: int, for_applicant: bool = False) -> IssuedDocument:
    doc = issued_documents(case=case, for_applicant=for_applicant).filter(pk=pk).first()
    if doc is None:
        raise Http404("No such issued document on this case.")
    return doc


def issued_by_token(token: str) -> IssuedDocument | None:
    """The issued document a verification token names, or None (one indexed look-up of the whole token)."""
    if not token or len(token) > 64:
        return None
    return IssuedDocument.objects.select_related("municipality").filter(token=token).first()
