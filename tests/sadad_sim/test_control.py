"""/health, the control API only for local callers, reset, and the simulator's independence from Ardh."""

import ast
import json
import socket
import sys
from pathlib import Path

import pytest

from tests.sadad import SadadSim

from .conftest import bill, upload_ok

PACKAGE = Path(__file__).resolve().parents[2] / "sadad_sim"


def test_health(sadad_sim):
    status, raw, _ = sadad_sim.request("GET", "/health")
    assert status == 200 and json.loads(raw) == {"status": "ok", "biller_code": "091"}


def test_control_refuses_proxied_callers(sadad_sim):
    for header in ("X-Forwarded-For", "Forwarded"):
        status, raw, _ = sadad_sim.request("GET", "/_sim/faults", headers={header: "203.0.113.9"})
        assert status == 403 and json.loads(raw)["error"] == "local_only"


def outside_address() -> str | None:
    """An address of this machine that is not loopback (None if it has none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.123", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_control_refuses_callers_from_outside():
    address = outside_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    sim = SadadSim(host="0.0.0.0").start()  # reached from outside on purpose
    try:
        sim.host = address
        assert sim.request("GET", "/health")[0] == 200
        assert sim.request("GET", "/bank/")[0] == 200
        status, raw, _ = sim.request("GET", "/_sim/faults")
        assert status == 403 and json.loads(raw)["error"] == "local_only"
        sim.host = "127.0.0.1"
        assert sim.request("GET", "/_sim/faults")[0] == 200
    finally:
        sim.close()


def test_the_default_binding_is_loopback(sadad_sim):
    address = outside_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    with socket.socket() as s, pytest.raises(OSError):
        s.settimeout(2)
        s.connect((address, sadad_sim.port))


def test_reset(sadad_sim):
    upload_ok(sadad_sim, bill(12))
    sadad_sim.pay("091000000000125")
    sadad_sim.close_day(sadad_sim.payments()[0]["paid_at"][:10])
    sadad_sim.reset()
    assert sadad_sim.bill("000000000125", expect=404)
    assert sadad_sim.payments() == [] and sadad_sim.deliveries() == []
    assert list((sadad_sim.data_dir / "recon").rglob("*.csv")) == []


def test_control_answers_bad_input_with_4xx(sadad_sim):
    assert sadad_sim.call("POST", "/_sim/pay", {"bill_number": "12"}, expect=400)
    assert sadad_sim.call("POST", "/_sim/pay", {"account_number": "000000000125"}, expect=409)["error"] == "unknown"
    assert sadad_sim.call("POST", "/_sim/close-day", {"date": "today"}, expect=400)
    assert sadad_sim.call("PUT", "/_sim/config", {"backoff_ms": "fast"}, expect=400)
    assert sadad_sim.call("POST", "/_sim/generate-file", {"date": "2026-12-04", "lines": -1}, expect=400)
    assert sadad_sim.call("GET", "/_sim/nothing", expect=404)
    status, _, _ = sadad_sim.request("POST", "/_sim/pay", body=b"{not json", headers={})
    assert status == 400


def test_forced_payments_simulate_the_banks_race(sadad_sim):
    """``force``: the bank took money for a bill SADAD would refuse (unknown, cancelled): Ardh must hold it."""
    payment = sadad_sim.pay(account_number="000000000125", amount="50.00", force=True)
    assert payment["amount"] == "50.00" and payment["payment_ref"].startswith("SDD-")


def test_the_simulator_imports_only_the_standard_library():
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top == "__future__", f"{path.name} imports {name}"
