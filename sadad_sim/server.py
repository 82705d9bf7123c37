"""The HTTP face of the simulator (ThreadingHTTPServer): SADAD's side of docs/sadad-interface.md, the bank
channel page (/bank/) and the test/demo control API (/_sim/, loopback callers only, no proxy in between)."""

from __future__ import annotations

import ipaddress
import json
import re
import shutil
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import bank_page, recon
from .delivery import Deliverer
from .faults import FaultError
from .numbers import parse_day, riyadh_now, split_bill_number
from .signing import SignatureError, verify
from .state import Refused, State

MAX_BODY = 64 * 1024 * 1024
BILLS = re.compile(r"^/billers/(\d{3})/bills$")
RECON = re.compile(r"^/billers/(\d{3})/reconciliation/([0-9-]{10})\.csv$")
SIM_BILL = re.compile(r"^/_sim/bills/(\d{3})/(\d{12})$")
RECEIPT = re.compile(r"^/bank/receipt/([A-Z0-9-]{1,32})$")


class BadRequest(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Simulator:
    """What the handler threads share: the state, the secret, the biller code and the delivery thread."""

    def __init__(self, state: State, *, secret: str, biller: str):
        self.state, self.secret, self.biller = state, secret, biller
        self.deliverer = Deliverer(state, secret)


class Handler(BaseHTTPRequestHandler):
    server_version = "sadad-sim/1"
    sim: Simulator

    # --- plumbing
    def log_message(self, format, *args):
        sys.stderr.write(f"{riyadh_now().isoformat()} {self.address_string()} {format % args}\n")

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def dispatch(self, method: str) -> None:
        self.sim = self.server.sim
        url = urlsplit(self.path)
        self.query = parse_qs(url.query)
        try:
            self.route(method, url.path)
        except BadRequest as exc:
            self.send_json(exc.status, {"error": exc.code, "message": exc.message})
        except Exception as exc:  # never leave a client hanging; the log has the trace
            self.log_error("internal error: %r", exc)
            self.send_json(500, {"error": "internal", "message": str(exc)})

    def body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise BadRequest(411, "length_required", "a Content-Length header is required")
        if int(length) > MAX_BODY:
            raise BadRequest(413, "too_large", f"the body is larger than {MAX_BODY} bytes")
        return self.rfile.read(int(length))

    def json_body(self, raw: bytes | None = None):
        raw = self.body() if raw is None else raw
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadRequest(400, "malformed", f"the body is not JSON: {exc}") from None

    def send_body(self, status: int, data: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, status: int, payload) -> None:
        self.send_body(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def send_html(self, status: int, html: str) -> None:
        self.send_body(status, html.encode(), "text/html; charset=utf-8")

    def signed(self, raw: bytes) -> None:
        try:
            verify(self.sim.secret, self.headers, raw)
        except SignatureError as exc:
            raise BadRequest(401, "signature", str(exc)) from None

    def biller_of(self, code: str) -> str:
        if code != self.sim.biller:
            raise BadRequest(404, "unknown_biller", f"unknown biller code {code}; this simulator is {self.sim.biller}")
        return code

    def local_control(self) -> None:
        """/_sim/ answers only callers on this machine, and none that came through a proxy."""
        forwarded = self.headers.get("Forwarded") or self.headers.get("X-Forwarded-For")
        if forwarded or not ipaddress.ip_address(self.client_address[0]).is_loopback:
            raise BadRequest(403, "local_only", "the control API answers only on 127.0.0.1, not through a proxy")

    # --- routes
    def route(self, method: str, path: str) -> None:
        if path == "/health" and method == "GET":
            return self.send_json(200, {"status": "ok", "biller_code": self.sim.biller})
        if match := BILLS.match(path):
            if method != "POST":
                raise BadRequest(405, "method", "use POST")
            raw = self.body()
            self.signed(raw)
            status, answer = self.sim.state.upload(self.biller_of(match[1]), self.json_body(raw))
            return self.send_json(status, answer)
        if match := RECON.match(path):
            if method != "GET":
                raise BadRequest(405, "method", "use GET")
            self.signed(b"")
            return self.reconciliation_file(self.biller_of(match[1]), match[2])
        if path == "/bank" or path.startswith("/bank/"):
            return self.bank(method, path)
        if path.startswith("/_sim/"):
            self.local_control()
            return self.control(method, path)
        raise BadRequest(404, "not_found", f"no such resource: {method} {path}")

    def reconciliation_file(self, biller: str, day: str) -> None:
        if parse_day(day) is None:
            raise BadRequest(400, "date", "the date must be YYYY-MM-DD")
        state = self.sim.state
        path = recon.path_of(state, biller, day)
        if not state.is_closed(biller, day) or not path.exists():
            if day >= state.today():
                raise BadRequest(404, "not_closed", f"the day {day} is not closed yet")
            recon.close_day(state, biller, day)  # a past day: closed on request
        with open(path, "rb") as fh:
            size = path.stat().st_size
            self.send_response(200)
            self.send_header("Content-Type", "text/csv; charset=utf-8")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            shutil.copyfileobj(fh, self.wfile, 1 << 20)

    # --- the bank channel page
    def bank(self, method: str, path: str) -> None:
        state = self.sim.state
        if path in ("/bank", "/bank/") and method == "GET":
            return self.send_html(200, bank_page.home())
        if path == "/bank/bill" and method == "GET":
            typed = (self.query.get("number") or [""])[0]
            found = self.find_bill(typed)
            if isinstance(found, tuple):
                return self.send_html(found[0], bank_page.home(value=typed, error=found[1]))
            return self.send_html(200, bank_page.bill_page(found, self.sim.biller, today=riyadh_now().date()))
        if path == "/bank/pay" and method == "POST":
            form = parse_qs(self.body().decode("utf-8", "replace"))
            typed = (form.get("number") or [""])[0]
            bank_code = (form.get("bank_code") or ["RJHI"])[0]
            found = self.find_bill(typed)
            if isinstance(found, tuple):
                return self.send_html(found[0], bank_page.home(value=typed, error=found[1]))
            try:
                payment = state.pay(self.sim.biller, found["account_number"], bank_code=bank_code, channel="ONLINE")
            except Refused as exc:
                bill = state.bill(self.sim.biller, found["account_number"])
                return self.send_html(409, bank_page.bill_page(bill, self.sim.biller, today=riyadh_now().date(),
                                                               refusal=(exc.ar, exc.en)))
            # Post/redirect/get: reloading the confirmation never pays twice.
            return self.send_body(303, b"", "text/plain", {"Location": f"/bank/receipt/{payment['payment_ref']}"})
        if (match := RECEIPT.match(path)) and method == "GET":
            payment = state.payment(match[1])
            if payment is None:
                return self.send_html(404, bank_page.home(error=("لا يوجد سداد بهذا المرجع.",
                                                                 "No payment with this reference.")))
            return self.send_html(200, bank_page.receipt_page(payment))
        raise BadRequest(404, "not_found", f"no such page: {method} {path}")

    def find_bill(self, typed: str):
        """The bill a person typed, or ``(status, (ar, en))`` saying what is wrong."""
        parts = split_bill_number(typed)
        if parts is None:
            return 400, ("رقم الفاتورة يتكون من 15 رقمًا: رمز الجهة (3) ورقم الحساب (12).",
                         "A bill number has 15 digits: the biller code (3) and the account number (12).")
        bill = self.sim.state.bill(*parts) if parts[0] == self.sim.biller else None
        if bill is None:
            return 404, ("لا توجد فاتورة بهذا الرقم.", "No bill with this number.")
        return bill

    # --- the control API
    def control(self, method: str, path: str) -> None:
        state = self.sim.state
        key = (method, path)
        if key == ("GET", "/_sim/faults"):
            return self.send_json(200, state.snapshot("faults"))
        if key == ("PUT", "/_sim/faults"):
            try:
                return self.send_json(200, state.set_faults(self.json_body()))
            except FaultError as exc:
                raise BadRequest(400, "fault", str(exc)) from None
        if key == ("GET", "/_sim/config"):
            return self.send_json(200, state.snapshot("config"))
        if key == ("PUT", "/_sim/config"):
            changes = self.json_body()
            if not isinstance(changes, dict):
                raise BadRequest(400, "config", "the body must be a JSON object")
            try:
                return self.send_json(200, state.set_config(changes))
            except ValueError as exc:
                raise BadRequest(400, "config", str(exc)) from None
        if key == ("POST", "/_sim/pay"):
            return self.control_pay(self.json_body())
        if method == "GET" and (match := SIM_BILL.match(path)):
            bill = state.bill(match[1], match[2])
            if bill is None:
                raise BadRequest(404, "unknown", "no such bill")
            bill["display_status"] = bank_page.display_status(bill, riyadh_now().date())
            return self.send_json(200, bill)
        if key == ("GET", "/_sim/deliveries"):
            return self.send_json(200, state.snapshot("deliveries"))
        if key == ("GET", "/_sim/payments"):
            return self.send_json(200, state.snapshot("payments"))
        if key == ("GET", "/_sim/outbox"):
            with state.lock:
                return self.send_json(200, {name: state.snapshot(name) for name in ("outbox", "held", "dead")})
        if key == ("POST", "/_sim/flush"):
            return self.send_json(200, {"released": state.flush()})
        if key == ("POST", "/_sim/reset"):
            state.reset()
            return self.send_json(200, {"status": "reset"})
        if key == ("POST", "/_sim/close-day"):
            body = self.json_body()
            day = body.get("date") if isinstance(body, dict) else None
            if parse_day(day) is None:
                raise BadRequest(400, "date", 'the body must be {"date": "YYYY-MM-DD"}')
            return self.send_json(200, recon.close_day(state, self.biller_of(body.get("biller_code",
                                                                                          self.sim.biller)), day))
        if key == ("POST", "/_sim/generate-file"):
            return self.control_generate(self.json_body())
        raise BadRequest(404, "not_found", f"no such control: {method} {path}")

    def control_pay(self, body) -> None:
        if not isinstance(body, dict):
            raise BadRequest(400, "malformed", "the body must be a JSON object")
        if body.get("bill_number"):
            parts = split_bill_number(str(body["bill_number"]))
            if parts is None:
                raise BadRequest(400, "bill_number", "bill_number must be 15 digits (spaces allowed)")
        else:
            parts = (str(body.get("biller_code") or self.sim.biller), str(body.get("account_number") or ""))
            if not re.fullmatch(r"\d{12}", parts[1]):
                raise BadRequest(400, "account_number", "give bill_number, or biller_code and account_number")
        biller = self.biller_of(parts[0])
        try:
            payment = self.sim.state.pay(biller, parts[1], amount=body.get("amount"),
                                         channel=body.get("channel") or "ONLINE",
                                         bank_code=body.get("bank_code") or "RJHI", paid_at=body.get("paid_at"),
                                         force=bool(body.get("force")))
        except Refused as exc:
            return self.send_json(409 if exc.code in ("unknown", "cancelled", "paid", "expired") else 400,
                                  exc.as_json())
        return self.send_json(200, payment)

    def control_generate(self, body) -> None:
        if not isinstance(body, dict) or parse_day(body.get("date")) is None:
            raise BadRequest(400, "date", 'the body must be {"date": "YYYY-MM-DD", "lines": N}')
        lines = body.get("lines", 0)
        if not isinstance(lines, int) or isinstance(lines, bool) or not 0 <= lines <= 900_000:
            raise BadRequest(400, "lines", "lines must be a whole number from 0 to 900000")
        accounts = body.get("accounts")
        if accounts is not None and not isinstance(accounts, list):
            raise BadRequest(400, "accounts", "accounts must be a list")
        biller = self.biller_of(body.get("biller_code", self.sim.biller))
        try:
            result = recon.generate(self.sim.state, biller, body["date"], lines, accounts=accounts,
                                    seed=int(body.get("seed", 18)))
        except ValueError as exc:
            raise BadRequest(400, "accounts", str(exc)) from None
        return self.send_json(200, result)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, sim: Simulator):
        self.sim = sim
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

