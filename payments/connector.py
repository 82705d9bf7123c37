"""The SADAD boundary as Ardh sees it: present bills, fetch a day's reconciliation file.

``connector()`` returns the configured class (``ARDH_SADAD_CONNECTOR``, a dotted path). The HTTP connector
speaks the messages of docs/sadad-interface.md — to the SADAD simulator in the demo and tests, and to a
sponsoring bank's gateway that speaks the same; a bank with other messages is one more class here, chosen by
configuration. Notifications come the other way (``payments.apis.SadadNotificationApi``).
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from functools import cache

import requests
from django.conf import settings
from django.utils.module_loading import import_string

from payments.signing import sign_headers


class ConnectorError(RuntimeError):
    """SADAD (or the bank's gateway) could not be reached or answered nonsense: the job retries."""


class HttpSadadConnector:
    timeout_s = 10

    def __init__(self, *, base_url: str, secret: str):
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.session = requests.Session()

    def _signed(self, method: str, path: str, body: bytes = b"") -> requests.Response:
        headers = {"content-type": "application/json", **sign_headers(self.secret, body)}
        try:
            return self.session.request(method, self.base_url + path, data=body or None, headers=headers,
                                        timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise ConnectorError(f"SADAD unreachable at {self.base_url}: {exc}") from exc

    def upload(self, biller_code: str, bills: list[dict]) -> dict:
        """Present bills (``action`` upsert or cancel); SADAD's answer {accepted: [...], rejected: [...]}."""
        body = json.dumps({"upload_id": uuid.uuid4().hex, "bills": bills}).encode()
        answer = self._signed("POST", f"/billers/{biller_code}/bills", body)
        if answer.status_code != 200:
            raise ConnectorError(f"SADAD refused the upload: {answer.status_code} {answer.text[:300]}")
        try:
            result = answer.json()
        except ValueError as exc:
            raise ConnectorError("SADAD's answer to an upload is not JSON") from exc
        return {"accepted": list(result.get("accepted") or []), "rejected": list(result.get("rejected") or [])}

    def fetch_reconciliation(self, biller_code: str, day: date) -> bytes | None:
        """The day's reconciliation file, or None when SADAD has not closed the day yet."""
        answer = self._signed("GET", f"/billers/{biller_code}/reconciliation/{day.isoformat()}.csv")
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise ConnectorError(f"SADAD refused the reconciliation file: {answer.status_code}")
        return answer.content


@cache
def _configured(path: str, base_url: str, secret: str):
    return import_string(path)(base_url=base_url, secret=secret)


def connector():
    """The configured connector (one per configuration, kept)."""
    return _configured(settings.ARDH_SADAD_CONNECTOR, settings.ARDH_SADAD_URL, settings.ARDH_SADAD_SECRET)
