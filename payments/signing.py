"""Standard Webhooks signatures, both ways across the SADAD boundary (docs/sadad-interface.md).

``webhook-signature: v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`` (several, space-separated, for
a key rotation), the key being the base64 part of the ``whsec_…`` secret. A message signed more than the
tolerance away from our clock is refused whatever its signature: a replayed message is old.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid


class SignatureError(ValueError):
    """Why a message's signature is refused (the text is for the log and the 401 answer)."""


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def sign_headers(secret: str, body: bytes, *, msg_id: str | None = None, timestamp: int | None = None) -> dict:
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(secret, msg_id, timestamp, body)}


def verify(secret: str, headers, body: bytes, *, tolerance_s: int, now: float | None = None) -> str:
    """The message id when ``headers`` sign ``body`` within the tolerance; SignatureError otherwise."""
    msg_id = headers.get("webhook-id") or ""
    stamp = headers.get("webhook-timestamp") or ""
    given = headers.get("webhook-signature") or ""
    if not msg_id or not stamp or not given:
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature header")
    if not stamp.isdigit() or len(stamp) > 12:
        raise SignatureError("webhook-timestamp is not Unix seconds")
    now = time.time() if now is None else now
    if abs(now - int(stamp)) > tolerance_s:
        raise SignatureError(f"webhook-timestamp is more than {tolerance_s} s from our clock (a replay?)")
    expected = signature(secret, msg_id, int(stamp), body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in given.split()):
        raise SignatureError("webhook-signature does not match the body")
    return msg_id
