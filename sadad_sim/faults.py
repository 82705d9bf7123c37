"""Fault modes (``PUT /_sim/faults``): what a real bank connection does to Ardh now and then, on demand.

They persist (in the state file) until changed or ``POST /_sim/reset``. A ``PUT`` merges the keys it gives.

- ``duplicates`` N: each notification is delivered N extra times (same webhook-id, same body).
- ``out_of_order`` true | K: notifications are held, then delivered as a batch in reverse order on
  ``POST /_sim/flush`` (true) or once K are held; turning it off releases them too.
- ``delay_ms`` N: each delivery attempt waits N ms first.
- ``drop_ack_first`` K: the next K attempts send the request, then drop the connection without reading the
  answer (the simulator retries; Ardh must deduplicate).
- ``wrong_amount`` "±D.DD": payments made now are reported (notification and file) with the amount + D.DD.
- ``skip_notify``: payments made now are never notified; they appear only in the reconciliation file.
- ``omit_from_file``: payments made now are notified but left out of the reconciliation file.
- ``pay_expired``: a bill past its expiry date is paid anyway (a late payment the bank accepted).
- ``stale_timestamp`` true | K: attempts are signed with a timestamp 10 minutes old (all, or the next K).
- ``bad_signature`` true | K: attempts carry a wrong signature (all, or the next K).
"""

from __future__ import annotations

import re

DEFAULTS = {
    "duplicates": 0,
    "out_of_order": False,
    "delay_ms": 0,
    "drop_ack_first": 0,
    "wrong_amount": None,
    "skip_notify": False,
    "omit_from_file": False,
    "pay_expired": False,
    "stale_timestamp": False,
    "bad_signature": False,
}
DELTA = re.compile(r"^[+-]?\d{1,9}\.\d{2}$")
COUNTED = ("stale_timestamp", "bad_signature", "drop_ack_first")  # an integer counts down per attempt


class FaultError(ValueError):
    pass


def _count(name: str, value, *, flag: bool) -> bool | int:
    if isinstance(value, bool):
        if not flag and value:
            raise FaultError(f"{name} must be a whole number")
        return value if flag else 0
    if isinstance(value, int) and value >= 0:
        return value
    raise FaultError(f"{name} must be {'true, false or ' if flag else ''}a whole number ≥ 0")


def clean(changes) -> dict:
    """The validated changes of a ``PUT /_sim/faults`` body; FaultError says what is wrong."""
    if not isinstance(changes, dict):
        raise FaultError("the body must be a JSON object of fault modes")
    out = {}
    for name, value in changes.items():
        if name not in DEFAULTS:
            raise FaultError(f"unknown fault mode {name!r}; known: {', '.join(DEFAULTS)}")
        if name in ("duplicates", "delay_ms", "drop_ack_first"):
            out[name] = _count(name, value, flag=False)
        elif name in ("out_of_order", "stale_timestamp", "bad_signature"):
            out[name] = _count(name, value, flag=True)
        elif name == "wrong_amount":
            if value is not None and not (isinstance(value, str) and DELTA.match(value)):
                raise FaultError('wrong_amount must be null or a signed amount with two decimals, e.g. "-10.00"')
            out[name] = value
        else:
            if not isinstance(value, bool):
                raise FaultError(f"{name} must be true or false")
            out[name] = value
    if out.get("delay_ms", 0) > 60_000:
        raise FaultError("delay_ms must be at most 60000")
    return out


def take(faults: dict, name: str) -> bool:
    """Whether fault ``name`` applies to this attempt; a counted fault counts down (0 turns it off)."""
    value = faults.get(name)
    if value is True:
        return True
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        faults[name] = value - 1
        return True
    return False
