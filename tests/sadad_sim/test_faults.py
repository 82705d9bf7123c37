"""Each fault mode, through real HTTP: what Ardh has to survive."""

from datetime import timedelta

import pytest

from tests.sadad import SadadError

from .conftest import TODAY, bill, upload_ok


def accounts(n):
    return [bill(12 + i)["account_number"] for i in range(n)]


@pytest.fixture
def bills(sadad_sim):
    upload_ok(sadad_sim, *(bill(12 + i) for i in range(5)))
    return accounts(5)


def test_faults_read_set_validated_and_kept_until_reset(sadad_sim):
    assert sadad_sim.faults()["duplicates"] == 0
    assert sadad_sim.faults(duplicates=2, skip_notify=True)["duplicates"] == 2
    assert sadad_sim.faults()["skip_notify"] is True
    for wrong in ({"nonsense": 1}, {"duplicates": -1}, {"wrong_amount": 5.0}, {"skip_notify": "yes"}):
        with pytest.raises(SadadError) as err:
            sadad_sim.faults(**wrong)
        assert err.value.status == 400
    sadad_sim.reset()
    assert sadad_sim.faults()["skip_notify"] is False


def test_duplicates(sadad_sim, receiver, bills):
    sadad_sim.faults(duplicates=2)
    sadad_sim.pay(account_number=bills[0])
    got = receiver.wait(3)
    assert len({r["id"] for r in got}) == 1 and len({str(r["body"]) for r in got}) == 1
    sadad_sim.wait_idle()
    assert len(receiver.received) == 3


def test_out_of_order_until_flush(sadad_sim, receiver, bills):
    sadad_sim.faults(out_of_order=True)
    refs = [sadad_sim.pay(account_number=a)["payment_ref"] for a in bills[:3]]
    assert len(sadad_sim.outbox()["held"]) == 3 and receiver.received == []
    assert sadad_sim.flush() == 3
    got = receiver.wait(3)
    assert [r["body"]["payment_ref"] for r in got] == refs[::-1]


def test_out_of_order_after_k(sadad_sim, receiver, bills):
    sadad_sim.faults(out_of_order=2)
    refs = [sadad_sim.pay(account_number=a)["payment_ref"] for a in bills[:3]]
    got = receiver.wait(2)
    assert [r["body"]["payment_ref"] for r in got] == [refs[1], refs[0]]
    assert [m["payment_ref"] for m in sadad_sim.outbox()["held"]] == [refs[2]]


def test_delay(sadad_sim, receiver, bills):
    sadad_sim.faults(delay_ms=400)
    sadad_sim.pay(account_number=bills[0])
    import time

    start = time.monotonic()
    receiver.wait(1)
    assert time.monotonic() - start >= 0.3


def test_drop_ack_first(sadad_sim, receiver, bills):
    """The receiver answered 200 twice but the simulator never read it: the same message comes three times."""
    sadad_sim.faults(drop_ack_first=2)
    sadad_sim.pay(account_number=bills[0])
    got = receiver.wait(3)
    assert len({r["id"] for r in got}) == 1
    sadad_sim.wait_idle()
    attempts = sadad_sim.deliveries()
    assert [d["ok"] for d in attempts] == [False, False, True]
    assert "dropped" in attempts[0]["error"]
    assert sadad_sim.faults()["drop_ack_first"] == 0


def test_wrong_amount_in_notification_and_file(sadad_sim, receiver, bills):
    sadad_sim.faults(wrong_amount="-10.00")
    payment = sadad_sim.pay(account_number=bills[0])
    assert receiver.wait(1)[0]["body"]["amount"] == "340.00"
    day = payment["paid_at"][:10]
    sadad_sim.close_day(day)
    assert f"{payment['payment_ref']},091,{bills[0]},340.00,SAR" in sadad_sim.reconciliation(day)[1]


def test_skip_notify_and_omit_from_file(sadad_sim, receiver, bills):
    sadad_sim.faults(skip_notify=True)
    silent = sadad_sim.pay(account_number=bills[0])
    sadad_sim.faults(skip_notify=False, omit_from_file=True)
    unfiled = sadad_sim.pay(account_number=bills[1])
    sadad_sim.faults(omit_from_file=False)
    normal = sadad_sim.pay(account_number=bills[2])
    receiver.wait(2)
    sadad_sim.wait_idle()
    notified = [r["body"]["payment_ref"] for r in receiver.received]
    assert notified == [unfiled["payment_ref"], normal["payment_ref"]]
    day = normal["paid_at"][:10]
    sadad_sim.close_day(day)
    text = sadad_sim.reconciliation(day)[1]
    assert silent["payment_ref"] in text and normal["payment_ref"] in text and unfiled["payment_ref"] not in text


def test_pay_expired(sadad_sim, receiver):
    expired = bill(12, issue_date=(TODAY - timedelta(days=40)).isoformat(),
                   due_date=(TODAY - timedelta(days=20)).isoformat(),
                   expiry_date=(TODAY - timedelta(days=1)).isoformat())
    upload_ok(sadad_sim, expired)
    assert sadad_sim.pay("091000000000125", expect=409)["error"] == "expired"
    sadad_sim.faults(pay_expired=True)
    late = sadad_sim.pay("091000000000125")
    assert receiver.wait(1)[0]["body"]["payment_ref"] == late["payment_ref"]


@pytest.mark.parametrize("mode", ["stale_timestamp", "bad_signature"])
def test_signatures_the_receiver_refuses(sadad_sim, receiver, bills, mode):
    """Two refused attempts (401: stale or bad), then the fault runs out and the third is accepted."""
    sadad_sim.faults(**{mode: 2})
    sadad_sim.pay(account_number=bills[0])
    receiver.wait(1)
    expected = "stale" if mode == "stale_timestamp" else "bad signature"
    assert [r["problem"] for r in receiver.received] == [expected, expected, None]
    assert [r["status"] for r in receiver.received] == [401, 401, 200]


def test_bad_signature_for_good(sadad_sim, receiver, bills):
    sadad_sim.faults(bad_signature=True)
    sadad_sim.pay(account_number=bills[0])
    sadad_sim.wait_until(lambda s: s.outbox()["dead"], what="the dead letter")
    assert [r["status"] for r in receiver.received] == [401] * 6
