"""The SADAD simulator (sadad_sim/) as a real process for tests: ``SadadSim`` and the ``sadad_sim`` fixture
(tests/conftest.py). A test talks to it over HTTP only — as Ardh and the bank do.

    def test_payment_reaches_ardh(sadad_sim, live_server):
        sadad_sim.config(notify_url=live_server.url + "/api/v1/payments/sadad/notifications")
        ref = sadad_sim.pay(bill_number="091000000000125")["payment_ref"]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_SECRET = "whsec_YXJkaC1kZW1vLXNhZGFkLXNlY3JldC1ub3QtZm9yLXByb2R1Y3Rpb24="
NOWHERE = "http://127.0.0.1:9/nowhere"  # the discard port: nothing listens, deliveries fail until configured
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an http_proxy of the env


def default_secret() -> str:
    """Ardh's configured secret (settings.ARDH_SADAD_SECRET) when Django is set up, else the demo one."""
    try:
        from django.conf import settings

        return getattr(settings, "ARDH_SADAD_SECRET", None) or DEMO_SECRET
    except Exception:  # Django not configured: the simulator's own tests need none
        return DEMO_SECRET


def sign(secret: str, body: bytes, *, msg_id: str | None = None, timestamp: int | None = None) -> dict:
    # The simulator's signing module is plain stdlib; tests of Ardh's own verification must not lean on it.
    from sadad_sim.signing import sign_headers

    return sign_headers(secret, body, msg_id=msg_id, timestamp=timestamp)


class SadadError(AssertionError):
    def __init__(self, status: int, body):
        super().__init__(f"{status}: {body}")
        self.status, self.body = status, body


class SadadSim:
    """One simulator process on a free port with its own data directory."""

    def __init__(self, *, data_dir: Path | None = None, secret: str | None = None, notify_url: str = NOWHERE,
                 biller: str = "091", backoff_ms: int = 30, timeout_s: float = 2.0, host: str = "127.0.0.1"):
        self.own_dir = data_dir is None
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix="sadad-sim-"))
        self.secret = secret or default_secret()
        self.args = ["--host", host, "--data", str(self.data_dir), "--secret", self.secret, "--biller", biller,
                     "--notify-url", notify_url, "--backoff-ms", str(backoff_ms), "--timeout", str(timeout_s)]
        self.host, self.biller = host, biller
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.log = self.data_dir / "sim.log"

    # --- process
    def start(self, *, port: int = 0, timeout: float = 15) -> SadadSim:
        port_file = self.data_dir / "sim.port"
        port_file.unlink(missing_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "sadad_sim", "--port", str(port), *self.args],
                                         cwd=ROOT, stdout=log, stderr=log, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc.poll() is None, f"the simulator exited: {self.output()}"
            assert time.monotonic() < deadline, f"the simulator did not start: {self.output()}"
            if port_file.exists() and port_file.read_text().strip():
                self.port = int(port_file.read_text())
                try:
                    if self.request("GET", "/health")[0] == 200:
                        return self
                except OSError:
                    pass
            time.sleep(0.01)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def restart(self) -> SadadSim:
        """Stop, then start on the same port with the same data directory (the state survives)."""
        port = self.port
        self.stop()
        return self.start(port=port)

    def close(self) -> None:
        self.stop()
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def bank_url(self) -> str:
        return f"{self.url}/bank/"

    # --- HTTP
    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 30) -> tuple[int, bytes, dict]:
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with _DIRECT.open(req, timeout=timeout) as resp:
                return resp.status, resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), dict(exc.headers)

    def call(self, method: str, path: str, payload=None, *, expect: int | None = 200):
        body = None if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        status, raw, _ = self.request(method, path, body=body, headers=headers)
        data = json.loads(raw) if raw else None
        if expect is not None and status != expect:
            raise SadadError(status, data)
        return data

    # --- as Ardh (signed)
    def upload(self, bills: list[dict], *, upload_id: str | None = None, secret: str | None = None,
               timestamp: int | None = None) -> tuple[int, dict]:
        body = json.dumps({"upload_id": upload_id or os.urandom(8).hex(), "bills": bills}).encode()
        status, raw, _ = self.request("POST", f"/billers/{self.biller}/bills", body=body,
                                      headers={"Content-Type": "application/json",
                                               **sign(secret or self.secret, body, timestamp=timestamp)})
        return status, json.loads(raw)

    def reconciliation(self, date: str, *, signed: bool = True) -> tuple[int, str]:
        headers = sign(self.secret, b"") if signed else {}
        status, raw, _ = self.request("GET", f"/billers/{self.biller}/reconciliation/{date}.csv", headers=headers)
        return status, raw.decode()

    # --- the control API
    def pay(self, bill_number: str | None = None, *, expect: int | None = 200, **fields) -> dict:
        """Pay as the bank would: ``pay("091000000000125")`` or ``pay(account_number=..., amount=..., paid_at=...,
        channel=..., bank_code=..., force=True)``."""
        if bill_number is not None:
            fields["bill_number"] = bill_number
        return self.call("POST", "/_sim/pay", fields, expect=expect)

    def faults(self, **modes) -> dict:
        """Set fault modes (docs/sadad-simulator.md); without arguments, read them."""
        return self.call("PUT", "/_sim/faults", modes) if modes else self.call("GET", "/_sim/faults")

    def config(self, **settings) -> dict:
        return self.call("PUT", "/_sim/config", settings) if settings else self.call("GET", "/_sim/config")

    def bill(self, account_number: str, *, biller: str | None = None, expect: int | None = 200) -> dict:
        return self.call("GET", f"/_sim/bills/{biller or self.biller}/{account_number}", expect=expect)

    def deliveries(self) -> list[dict]:
        return self.call("GET", "/_sim/deliveries")

    def payments(self) -> list[dict]:
        return self.call("GET", "/_sim/payments")

    def outbox(self) -> dict:
        return self.call("GET", "/_sim/outbox")

    def flush(self) -> int:
        return self.call("POST", "/_sim/flush", {})["released"]

    def close_day(self, date: str) -> dict:
        return self.call("POST", "/_sim/close-day", {"date": date})

    def generate_file(self, date: str, lines: int, **extra) -> dict:
        return self.call("POST", "/_sim/generate-file", {"date": date, "lines": lines, **extra})

    def reset(self) -> None:
        self.call("POST", "/_sim/reset", {})

    def wait_until(self, predicate, *, timeout: float = 15, what: str = "the simulator"):
        """Poll ``predicate(self)`` until it returns something true; that value."""
        deadline = time.monotonic() + timeout
        while not (value := predicate(self)):
            assert time.monotonic() < deadline, f"timed out waiting for {what}; deliveries: {self.deliveries()}"
            time.sleep(0.02)
        return value

    def wait_idle(self, *, timeout: float = 15) -> None:
        """Until nothing is left to deliver (the outbox empty; held messages stay held)."""
        self.wait_until(lambda sim: not sim.outbox()["outbox"], timeout=timeout, what="an empty outbox")
