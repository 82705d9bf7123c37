"""The portal's own records: drafts of applications (``portal.drafts``)."""

from portal.drafts import ApplicationDraft

__all__ = ["ApplicationDraft"]
