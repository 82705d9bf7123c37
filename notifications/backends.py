"""Where messages go, one backend per channel (``ARDH_SMS_BACKEND``, ``ARDH_EMAIL_BACKEND``: dotted paths).

``send(delivery)`` hands the message over and returns the provider's reference, or raises (the job retries).
A ``transactional`` backend's hand-over is part of the send job's transaction (it has no effect outside this
database): a worker killed mid-send rolls it back and the retry sends it once. Any other backend is called
after the delivery is recorded "sending"; if its worker dies before the answer is recorded, nobody knows
whether the provider got it, and the delivery ends "failed" rather than risk sending it twice.
"""

from __future__ import annotations

import json
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string


class OutboxBackend:
    """Demo and tests: the message is delivered to the outbox page (/outbox/) only."""

    transactional = True

    def send(self, delivery) -> str:
        return f"outbox:{delivery.pk}"


class SmtpEmailBackend:
    """Email through Django's SMTP backend (``ARDH_EMAIL_HOST`` …)."""

    transactional = False

    def send(self, delivery) -> str:
        connection = get_connection("django.core.mail.backends.smtp.EmailBackend", fail_silently=False)
        message = EmailMessage(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL, [delivery.address],
                               connection=connection, headers={"X-Ardh-Delivery": str(delivery.pk)})
        message.send()
        return message.extra_headers["X-Ardh-Delivery"]


class HttpSmsBackend:
    """SMS through a provider's HTTP API: POST JSON ``{to, body, sender, reference}`` to ``ARDH_SMS_URL`` with
    ``Authorization: Bearer ARDH_SMS_TOKEN``; a 2xx answer is a hand-over (its ``id``, if any, is kept)."""

    transactional = False

    def send(self, delivery) -> str:
        payload = {"to": delivery.address, "body": delivery.body, "sender": settings.ARDH_SMS_SENDER,
                   "reference": f"ardh-{delivery.pk}"}
        request = urllib.request.Request(  # noqa: S310 (an operator-configured https URL)
            settings.ARDH_SMS_URL, data=json.dumps(payload).encode(), method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.ARDH_SMS_TOKEN}"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (raises on 4xx/5xx)
            answer = response.read()
        try:
            return str(json.loads(answer).get("id", payload["reference"]))
        except (ValueError, AttributeError):
            return payload["reference"]


def backend_for(channel: str):
    path = settings.ARDH_SMS_BACKEND if channel == "sms" else settings.ARDH_EMAIL_BACKEND
    return import_string(path)(), path
