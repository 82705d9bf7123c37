"""Standard Webhooks signing, both directions (docs/sadad-interface.md, "Signing").

``webhook-signature: v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`` where the key is the base64
part of ``whsec_<base64>``; several space-separated signatures may be given (key rotation). A receiver refuses a
missing or bad signature and a timestamp more than five minutes away from its clock.

Self-contained on purpose: Ardh verifies with its own code (payments/), never by importing this module.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

TOLERANCE_SECONDS = 5 * 60
PREFIX = "whsec_"


class SignatureError(Exception):
    """A request whose signature or timestamp is refused; ``str()`` says why."""


def decode_secret(secret: str) -> bytes:
    """The HMAC key of ``whsec_<base64 key>`` (the prefix is optional)."""
    raw = secret[len(PREFIX):] if secret.startswith(PREFIX) else secret
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the secret must be whsec_ followed by base64") from exc
    if not key:
        raise ValueError("the secret's key is empty")
    return key


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode() if isinstance(body, str) else body


def signature(secret: str, msg_id: str, timestamp: int, body: bytes | str) -> str:
    """``v1,<base64 digest>`` of one message."""
    signed = f"{msg_id}.{timestamp}.".encode() + _as_bytes(body)
    digest = hmac.new(decode_secret(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def new_message_id() -> str:
    return "msg_" + secrets.token_hex(12)


def sign_headers(secret: str, body: bytes | str, *, msg_id: str | None = None,
                 timestamp: int | None = None) -> dict[str, str]:
    """The three headers of a signed request (a new id unless given; now unless a timestamp is given)."""
    msg_id = msg_id or new_message_id()
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(secret, msg_id, timestamp, body)}


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:  # a plain dict with other capitalisation
        lowered = {str(k).lower(): v for k, v in headers.items()}
        value = lowered.get(name)
    return value


def verify(secret: str, headers: Mapping[str, str], body: bytes | str, *, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> str:
    """Check a request's signature and timestamp; return its message id, or raise SignatureError."""
    msg_id = _header(headers, "webhook-id")
    stamp = _header(headers, "webhook-timestamp")
    given = _header(headers, "webhook-signature")
    if not msg_id or not stamp or not given:
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature header")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise SignatureError("webhook-timestamp is not a Unix time in seconds") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("webhook-timestamp is more than 5 minutes from the receiver's clock (replay?)")
    expected = signature(secret, msg_id, timestamp, body).split(",", 1)[1]
    for candidate in given.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            return msg_id
    raise SignatureError("no valid v1 signature in webhook-signature")
