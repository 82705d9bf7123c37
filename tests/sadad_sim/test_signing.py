"""Standard Webhooks signing (sadad_sim/signing.py) against the specification's published example, and the
receiver's refusals: bad signature, other secret, tampered body, old or future timestamp, missing headers."""

import time

import pytest

from sadad_sim.signing import SignatureError, sign_headers, signature, verify

# The Standard Webhooks / Svix documented example.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID, SPEC_TS, SPEC_BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_specifications_example():
    assert signature(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY) == SPEC_SIGNATURE
    headers = {"webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TS), "webhook-signature": SPEC_SIGNATURE}
    assert verify(SPEC_SECRET, headers, SPEC_BODY.encode(), now=SPEC_TS + 10) == SPEC_ID


def test_refusals():
    body = b'{"a": 1}'
    headers = sign_headers(SPEC_SECRET, body)
    assert verify(SPEC_SECRET, headers, body).startswith("msg_")
    with pytest.raises(SignatureError, match="no valid"):
        verify(SPEC_SECRET, headers, b'{"a": 2}')
    with pytest.raises(SignatureError, match="no valid"):
        verify("whsec_b3RoZXIta2V5", headers, body)
    with pytest.raises(SignatureError, match="5 minutes"):
        verify(SPEC_SECRET, sign_headers(SPEC_SECRET, body, timestamp=int(time.time()) - 301), body)
    with pytest.raises(SignatureError, match="5 minutes"):
        verify(SPEC_SECRET, sign_headers(SPEC_SECRET, body, timestamp=int(time.time()) + 301), body)
    with pytest.raises(SignatureError, match="missing"):
        verify(SPEC_SECRET, {"webhook-id": "x"}, body)


def test_several_signatures_for_key_rotation_and_any_header_case():
    body = b"{}"
    new = sign_headers(SPEC_SECRET, body)
    old = signature("whsec_b3RoZXIta2V5", new["webhook-id"], int(new["webhook-timestamp"]), body)
    both = {k.upper(): v for k, v in new.items()}
    both["WEBHOOK-SIGNATURE"] = f"{old} {new['webhook-signature']}"
    assert verify(SPEC_SECRET, both, body) == new["webhook-id"]
    both["WEBHOOK-SIGNATURE"] = old
    with pytest.raises(SignatureError):
        verify(SPEC_SECRET, both, body)
