"""How a person proves who they are on the portal: the boundary the national single sign-on (Nafath, OpenID
Connect) will plug into (decision 034). ``ARDH_PORTAL_IDENTITY_PROVIDER`` names the class.

A provider has two halves: ``start`` (the person gave their ID: begin the challenge — today a code by SMS; with
Nafath, a redirect to its authorization endpoint with PKCE, or its push with a number to pick) and ``finish``
(the answer — the code typed; with Nafath, the authorization code exchanged for an ID token whose national-ID
claim is trusted) returning the verified person. Sessions, ``next`` and the pages around stay the same."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from portal.identity import services


class SmsCodeProvider:
    name = "sms-code"

    def start(self, *, municipality, purpose: str, national_id: str, mobile: str = "", name: str = "",
              address: str | None = None) -> None:
        services.code_request(municipality=municipality, purpose=purpose, national_id=national_id, mobile=mobile,
                              name=name, address=address)

    def finish(self, *, purpose: str, national_id: str, answer: str):
        return services.code_verify(purpose=purpose, national_id=national_id, code=answer)


def provider():
    return import_string(settings.ARDH_PORTAL_IDENTITY_PROVIDER)()
