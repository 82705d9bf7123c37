"""Payment notifications: signed, the contract's body, retried with the same webhook-id on non-2xx, refused
connections and timeouts, given up after 6 attempts, every attempt in /_sim/deliveries."""

import socket

from .conftest import bill, upload_ok


def test_a_payment_is_notified_signed_with_the_contract_body(sadad_sim, receiver):
    upload_ok(sadad_sim, bill(12))
    payment = sadad_sim.pay("091 0000 0000 0125", bank_code="SNB", channel="MOBILE")
    (got,) = receiver.wait(1)
    assert got["problem"] is None and got["path"] == "/api/v1/payments/sadad/notifications"
    assert got["body"] == {"type": "payment", "payment_ref": payment["payment_ref"], "biller_code": "091",
                           "account_number": "000000000125", "amount": "350.00", "currency": "SAR",
                           "paid_at": payment["paid_at"], "bank_code": "SNB", "channel": "MOBILE"}
    assert got["id"] == payment["webhook_id"]
    assert sadad_sim.bill("000000000125")["status"] == "paid"
    sadad_sim.wait_idle()
    (attempt,) = sadad_sim.deliveries()
    assert (attempt["status"], attempt["ok"], attempt["payment_ref"]) == (200, True, payment["payment_ref"])


def test_payment_refs_are_unique_and_dated(sadad_sim):
    upload_ok(sadad_sim, *(bill(n) for n in range(12, 17)))
    refs = [sadad_sim.pay(account_number=b["account_number"])["payment_ref"] for b in map(bill, range(12, 17))]
    assert len(set(refs)) == 5
    day = sadad_sim.payments()[0]["paid_at"][:10].replace("-", "")
    assert refs == [f"SDD-{day}-{n:06d}" for n in range(1, 6)]


def test_retried_with_the_same_id_after_server_errors(sadad_sim, receiver):
    receiver.script = [500, 503]
    upload_ok(sadad_sim, bill(12))
    sadad_sim.pay("091000000000125")
    receiver.wait(1)
    assert [r["status"] for r in receiver.received] == [500, 503, 200]
    assert len({r["id"] for r in receiver.received}) == 1
    assert len({str(r["body"]) for r in receiver.received}) == 1
    sadad_sim.wait_idle()
    assert [(d["attempt"], d["status"], d["ok"]) for d in sadad_sim.deliveries()] == [
        (1, 500, False), (2, 503, False), (3, 200, True)]


def test_gives_up_after_six_attempts(sadad_sim, receiver):
    receiver.script = [500] * 10
    upload_ok(sadad_sim, bill(12))
    sadad_sim.pay("091000000000125")
    sadad_sim.wait_until(lambda s: s.outbox()["dead"], what="the dead letter")
    assert len(receiver.received) == 6
    assert [d["attempt"] for d in sadad_sim.deliveries()] == [1, 2, 3, 4, 5, 6]


def test_refused_connections_and_timeouts_are_retried(sadad_sim, receiver):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    sadad_sim.config(notify_url=f"http://127.0.0.1:{port}/x")
    upload_ok(sadad_sim, bill(12), bill(13))
    sadad_sim.pay("091000000000125")
    sadad_sim.wait_until(lambda s: len(s.deliveries()) >= 2, what="two refused attempts")
    assert "ConnectionRefused" in sadad_sim.deliveries()[0]["error"]
    sadad_sim.config(notify_url=receiver.url, timeout_s=0.3)
    receiver.wait(1)
    sadad_sim.wait_idle()
    receiver.sleep_s = 0.6  # slower than the simulator waits: a timeout, retried
    sadad_sim.pay(account_number=bill(13)["account_number"])
    sadad_sim.wait_until(lambda s: any("timed out" in (d["error"] or "") for d in s.deliveries()), what="a timeout")
    receiver.sleep_s = 0
    sadad_sim.wait_idle()
    last = [d for d in sadad_sim.deliveries() if d["payment_ref"].endswith("000002")]
    assert last[0]["ok"] is False and last[-1]["ok"] is True
