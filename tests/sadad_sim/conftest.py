"""A tiny receiving server standing in for Ardh's notification endpoint: it checks every signature with its
own few lines of HMAC (not sadad_sim.signing), records what came, and answers what the test scripts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sadad_sim.numbers import account_number


def check_signature(secret: str, headers, body: bytes) -> str | None:
    """None when the Standard Webhooks signature and timestamp hold; else what is wrong."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    msg_id, stamp, given = (headers.get(h) for h in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not (msg_id and stamp and given):
        return "missing headers"
    if abs(time.time() - int(stamp)) > 300:
        return "stale"
    digest = base64.b64encode(hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
    return None if any(s == f"v1,{digest}" for s in given.split()) else "bad signature"


class Receiver:
    def __init__(self, secret: str):
        self.secret = secret
        self.received: list[dict] = []  # every request: id, body, verdict, status answered
        self.script: list[int] = []  # statuses to answer first (then 200)
        self.sleep_s = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                problem = check_signature(receiver.secret, self.headers, body)
                with receiver.lock:
                    status = 401 if problem else (receiver.script.pop(0) if receiver.script else 200)
                    receiver.received.append({"id": self.headers.get("webhook-id"), "body": json.loads(body),
                                              "problem": problem, "status": status, "path": self.path})
                if receiver.sleep_s:
                    time.sleep(receiver.sleep_s)
                answer = json.dumps({"status": "received"}).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1/payments/sadad/notifications"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def accepted(self) -> list[dict]:
        with self.lock:
            return [r for r in self.received if r["status"] == 200]

    def wait(self, count: int, *, timeout: float = 15, accepted: bool = True) -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            rows = self.accepted() if accepted else list(self.received)
            if len(rows) >= count:
                return rows
            assert time.monotonic() < deadline, f"expected {count} requests, got {self.received}"
            time.sleep(0.02)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(sadad_sim):
    r = Receiver(sadad_sim.secret)
    sadad_sim.config(notify_url=r.url)
    yield r
    r.close()


TODAY = datetime.now(timezone(timedelta(hours=3))).date()  # SADAD's day is Riyadh's


def bill(seq: int = 12, **fields) -> dict:
    """A valid upsert (due in two weeks, expiring in a month); ``fields`` override."""
    return {"action": "upsert", "account_number": account_number(seq), "amount": "350.00", "currency": "SAR",
            "issue_date": TODAY.isoformat(), "due_date": (TODAY + timedelta(days=14)).isoformat(),
            "expiry_date": (TODAY + timedelta(days=30)).isoformat(), "payer_id": "1012345678",
            "payer_name": "محمد عبدالله العتيبي", "service_code": "survey_decision", "reference": "RAS-1448-000123",
            "min_partial": None, **fields}


def upload_ok(sim, *bills) -> list[str]:
    status, answer = sim.upload(list(bills))
    assert status == 200 and not answer["rejected"], answer
    return answer["accepted"]
