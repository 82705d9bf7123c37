"""Sealed bids' cryptography (docs/decisions/032-sealed-bids.md). Pure functions, no database.

The key ceremony (``ceremony``): an opportunity's ECC P-256 keypair; its private key (DER) encrypted with
AES-128-GCM under a random 16-byte key-encryption key (KEK); the KEK split with Shamir's scheme
into n shares of which any k rebuild it. Only the public key, the wrapped private key and a salted hash of each
share are kept; the shares are handed to the committee once.

An offer (``seal``): ECIES — an ephemeral P-256 key agrees a secret with the opportunity's public key
(``Crypto.Protocol.DH.key_agreement``, HKDF-SHA256), and AES-256-GCM encrypts the offer (JSON) with a random
32-byte salt; the commitment is SHA-256(salt || offer), given to the bidder as the receipt. The salt travels only
inside the ciphertext: the commitment cannot be brute-forced over plausible amounts.

At the opening (``unseal``): k shares rebuild the KEK, which unwraps the private key, which opens each offer; its
commitment is checked again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from Crypto.Cipher import AES
from Crypto.Hash import SHA256
from Crypto.Protocol.DH import key_agreement
from Crypto.Protocol.KDF import HKDF
from Crypto.Protocol.SecretSharing import Shamir
from Crypto.PublicKey import ECC

CURVE = "P-256"
VERSION = b"ardh-bid-v1"


class SealError(ValueError):
    """A share, a key or a ciphertext that does not open."""


@dataclass(frozen=True)
class Ceremony:
    public_key: str  # PEM
    wrapped_private_key: bytes  # nonce(16) || tag(16) || AES-GCM(KEK, private key DER)
    shares: list[str]  # "index-hex": handed out once, never stored
    share_salt: str  # hex
    share_hashes: list[str]  # hex, in the order of ``shares``


def share_hash(share: str, salt: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + share.strip().lower().encode()).hexdigest()


def _format(index: int, secret: bytes) -> str:
    return f"{index}-{secret.hex()}"


def parse_share(text: str) -> tuple[int, bytes]:
    try:
        index, _sep, body = str(text).strip().lower().partition("-")
        secret = bytes.fromhex(body)
        if len(secret) != 16 or not 1 <= int(index) <= 255:
            raise ValueError
        return int(index), secret
    except ValueError:
        raise SealError("not a share (index-32 hex digits)") from None


def ceremony(*, k: int, n: int, context: bytes) -> Ceremony:
    """A keypair whose private key only k of the n shares can unwrap; ``context`` (the opportunity's number) is
    bound into the wrapping."""
    if not 2 <= k <= n <= 20:
        raise ValueError("k of n shares: 2 ≤ k ≤ n ≤ 20")
    key = ECC.generate(curve=CURVE)
    kek = secrets.token_bytes(16)
    cipher = AES.new(kek, AES.MODE_GCM)
    cipher.update(VERSION + context)
    wrapped, tag = cipher.encrypt_and_digest(key.export_key(format="DER"))
    shares = [_format(i, s) for i, s in Shamir.split(k, n, kek)]
    salt = secrets.token_hex(16)
    del kek
    return Ceremony(public_key=key.public_key().export_key(format="PEM"),
                    wrapped_private_key=cipher.nonce + tag + wrapped, shares=shares, share_salt=salt,
                    share_hashes=[share_hash(s, salt) for s in shares])


def _kdf(secret: bytes) -> bytes:
    return HKDF(secret, 32, VERSION, SHA256)


def canonical(offer: dict) -> bytes:
    return json.dumps(offer, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def commitment_of(salt: bytes, offer: dict) -> str:
    return hashlib.sha256(salt + canonical(offer)).hexdigest()


def seal(*, public_key_pem: str, offer: dict, context: bytes) -> tuple[bytes, str]:
    """(ciphertext, commitment) of ``offer`` for the holder of the private key. ``context`` (the bid's
    opportunity and bidder) is authenticated: a ciphertext moved to another bid does not open."""
    public = ECC.import_key(public_key_pem)
    ephemeral = ECC.generate(curve=CURVE)
    key = key_agreement(static_pub=public, eph_priv=ephemeral, kdf=_kdf)
    salt = secrets.token_bytes(32)
    cipher = AES.new(key, AES.MODE_GCM)
    cipher.update(VERSION + context)
    body, tag = cipher.encrypt_and_digest(salt + canonical(offer))
    eph = ephemeral.public_key().export_key(format="raw")  # 65 bytes, uncompressed point
    return eph + cipher.nonce + tag + body, commitment_of(salt, offer)


def private_key_rebuild(*, shares: list[str], wrapped_private_key: bytes, context: bytes) -> ECC.EccKey:
    """The private key from k shares; SealError when they do not rebuild the KEK (too few, or a wrong one)."""
    parsed = [parse_share(s) for s in shares]
    if len({i for i, _s in parsed}) != len(parsed):
        raise SealError("a share was given twice")
    kek = Shamir.combine(parsed)
    blob = bytes(wrapped_private_key)
    cipher = AES.new(kek, AES.MODE_GCM, nonce=blob[:16])
    cipher.update(VERSION + context)
    try:
        der = cipher.decrypt_and_verify(blob[32:], blob[16:32])
    except ValueError:
        raise SealError("the shares do not open the key") from None
    return ECC.import_key(der)


def unseal(*, private_key: ECC.EccKey, ciphertext: bytes, commitment: str, context: bytes) -> dict:
    blob = bytes(ciphertext)
    eph = ECC.import_key(blob[:65], curve_name=CURVE)
    key = key_agreement(static_priv=private_key, eph_pub=eph, kdf=_kdf)
    cipher = AES.new(key, AES.MODE_GCM, nonce=blob[65:81])
    cipher.update(VERSION + context)
    try:
        plain = cipher.decrypt_and_verify(blob[97:], blob[81:97])
    except ValueError:
        raise SealError("the offer does not open (tampered or moved)") from None
    salt, body = plain[:32], plain[32:]
    offer = json.loads(body)
    if not hmac.compare_digest(commitment_of(salt, offer), commitment):
        raise SealError("the offer does not match its commitment")
    return offer
