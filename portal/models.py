"""The portal's own records: drafts of applications (``portal.drafts``) and one-time sign-in codes
(``portal.identity.models``)."""

from portal.drafts import ApplicationDraft
from portal.identity.models import CodePurpose, SignInCode

__all__ = ["ApplicationDraft", "CodePurpose", "SignInCode"]
