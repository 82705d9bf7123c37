"""Payment notifications to Ardh: one background thread delivers the persistent outbox (state.py) in order.

Each message is signed afresh at every attempt (a new timestamp, the same webhook-id and body). Anything but a
2xx answer — a status, a refused connection, a timeout — is retried with exponential backoff
(``backoff_ms`` * 2 ** (attempt - 1)) up to ``max_attempts``; then the message is dead (``dead`` in the state).
Every attempt is logged (``GET /_sim/deliveries``). The fault modes act here (faults.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import select
import socket
import struct
import threading
import time
from urllib.parse import urlsplit

from . import faults as fault_modes
from .numbers import riyadh_now
from .signing import sign_headers
from .state import State

STALE_SECONDS = 600


class Deliverer(threading.Thread):
    def __init__(self, state: State, secret: str):
        super().__init__(name="sadad-deliverer", daemon=True)
        self.state, self.secret = state, secret
        self.stopping = False

    def stop(self) -> None:
        with self.state.lock:
            self.stopping = True
            self.state.changed.notify_all()
        self.join(timeout=10)
        self.state.save()

    def run(self) -> None:
        while True:
            with self.state.lock:
                message = self._next_due()
                if self.stopping:
                    return
                if message is None:
                    continue
                url = self.state.config.get("notify_url")
                faults = self.state.faults
                plan = {"delay_ms": faults.get("delay_ms") or 0,
                        "drop": fault_modes.take(faults, "drop_ack_first"),
                        "stale": fault_modes.take(faults, "stale_timestamp"),
                        "bad": fault_modes.take(faults, "bad_signature"),
                        "timeout": float(self.state.config.get("timeout_s") or 5)}
                message["attempts"] += 1
                body, webhook_id = message["body"], message["webhook_id"]
            if plan["delay_ms"]:
                time.sleep(plan["delay_ms"] / 1000)
            status, error = self._attempt(url, webhook_id, body, plan)
            with self.state.lock:
                self._settle(message, status, error, plan)

    def _next_due(self) -> dict | None:
        """The first outbox message due now; otherwise wait (under the lock) for a change or the next due one."""
        outbox = self.state.data["outbox"]
        now = time.time()
        if outbox and self.state.config.get("notify_url"):
            for message in outbox:
                if message["next_at"] <= now:
                    return message
        if self.state.dirty:  # nothing due now: write down the attempts so far before waiting
            self.state.save()
        if outbox and self.state.config.get("notify_url"):
            self.state.changed.wait(timeout=max(0.0, min(m["next_at"] for m in outbox) - now))
        else:
            self.state.changed.wait(timeout=1.0)
        return None

    def _attempt(self, url: str, webhook_id: str, body: str, plan: dict) -> tuple[int | None, str | None]:
        timestamp = int(time.time()) - (STALE_SECONDS if plan["stale"] else 0)
        headers = sign_headers(self.secret, body, msg_id=webhook_id, timestamp=timestamp)
        if plan["bad"]:
            wrong = hmac.new(b"not-the-secret", f"{webhook_id}.{timestamp}.{body}".encode(), hashlib.sha256)
            headers["webhook-signature"] = "v1," + base64.b64encode(wrong.digest()).decode()
        headers.update({"Content-Type": "application/json", "User-Agent": "sadad-sim/1"})
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None, f"bad notify URL {url!r}"
        factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn = factory(parts.hostname, parts.port, timeout=plan["timeout"])
        try:
            conn.request("POST", path, body=body.encode(), headers=headers)
            if plan["drop"]:
                # The request is sent; wait until the answer is there (the receiver did its work), then drop the
                # connection (RST) without reading it — as a lost acknowledgement.
                select.select([conn.sock], [], [], plan["timeout"])
                conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return None, "connection dropped after sending (fault drop_ack_first)"
            response = conn.getresponse()
            response.read(65536)
            return response.status, None
        except (OSError, http.client.HTTPException) as exc:
            return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        finally:
            conn.close()

    def _settle(self, message: dict, status: int | None, error: str | None, plan: dict) -> None:
        ok = status is not None and 200 <= status < 300
        config = self.state.config
        self.state.log_delivery({
            "webhook_id": message["webhook_id"], "payment_ref": message["payment_ref"], "copy": message["copy"],
            "attempt": message["attempts"], "status": status, "error": error, "ok": ok,
            "faults": [name for name in ("drop", "stale", "bad") if plan[name]], "at": riyadh_now().isoformat(),
        })
        outbox = self.state.data["outbox"]
        if not any(m is message for m in outbox):  # a reset while the attempt was under way
            self.state.save(soon=True)
            return
        if ok:
            message["sends_left"] -= 1
            if message["sends_left"] <= 0:
                outbox.remove(message)
            else:  # a duplicate: the same message again, at once
                message.update(copy=message["copy"] + 1, attempts=0, next_at=0.0)
        elif message["attempts"] >= int(config.get("max_attempts") or 6):
            outbox.remove(message)
            self.state.data["dead"].append({**message, "last_error": error, "last_status": status})
        else:
            backoff = int(config.get("backoff_ms", 1000)) / 1000
            message["next_at"] = time.time() + backoff * 2 ** (message["attempts"] - 1)
        self.state.save(soon=True)
