"""A restart keeps bills, payments, faults, closed days and the undelivered notifications (delivered after it)."""

import json

from .conftest import Receiver, bill, upload_ok


def test_a_restart_keeps_the_state_and_delivers_the_outbox(sadad_sim):
    upload_ok(sadad_sim, bill(12), bill(13))
    sadad_sim.faults(duplicates=1)
    payment = sadad_sim.pay("091000000000125")  # notify URL goes nowhere: the notification waits in the outbox
    sadad_sim.wait_until(lambda s: s.deliveries(), what="a failed attempt")
    pid_before = (sadad_sim.data_dir / "sim.pid").read_text()
    sadad_sim.stop()
    assert not (sadad_sim.data_dir / "sim.pid").exists()
    state = json.loads((sadad_sim.data_dir / "state.json").read_text())
    assert [m["payment_ref"] for m in state["outbox"]] == [payment["payment_ref"]]

    receiver = Receiver(sadad_sim.secret)
    try:
        sadad_sim.args[sadad_sim.args.index("--notify-url") + 1] = receiver.url  # as scripts/sadad.sh restarts it
        sadad_sim.restart()
        assert (sadad_sim.data_dir / "sim.pid").read_text() != pid_before
        assert sadad_sim.bill("000000000125")["status"] == "paid"
        assert sadad_sim.bill(bill(13)["account_number"])["status"] == "open"
        assert sadad_sim.faults()["duplicates"] == 1
        got = receiver.wait(2)  # the kept message with its duplicate
        assert {r["id"] for r in got} == {payment["webhook_id"]}
        assert sadad_sim.pay("091000000000125", expect=409)["error"] == "paid"
        second = sadad_sim.pay(account_number=bill(13)["account_number"])
        assert second["payment_ref"].endswith("000002")  # the day's sequence survived too
    finally:
        receiver.close()


def test_the_state_file_is_replaced_whole(sadad_sim):
    upload_ok(sadad_sim, bill(12))
    leftovers = [p.name for p in sadad_sim.data_dir.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    assert json.loads((sadad_sim.data_dir / "state.json").read_text())["bills"]["091"]["000000000125"]
