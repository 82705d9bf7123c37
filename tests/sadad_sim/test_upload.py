"""Bill upload (POST /billers/{code}/bills): signed by Ardh, each bill validated with a field and a reason."""

import json

import pytest

from sadad_sim.numbers import account_number

from .conftest import TODAY, bill, upload_ok


def test_a_valid_upload_is_accepted_and_kept(sadad_sim):
    assert upload_ok(sadad_sim, bill(12), bill(13, amount="10.50")) == ["000000000125", account_number(13)]
    kept = sadad_sim.bill("000000000125")
    assert kept["amount"] == "350.00" and kept["status"] == "open" and kept["payer_id"] == "1012345678"


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"account_number": "000000000124"}, "account_number", "check_digit"),
    ({"account_number": "12345"}, "account_number", "format"),
    ({"amount": "0.00"}, "amount", "not_positive"),
    ({"amount": "350"}, "amount", "format"),
    ({"amount": 350.0}, "amount", "format"),
    ({"amount": "350.5"}, "amount", "format"),
    ({"currency": "USD"}, "currency", "currency"),
    ({"due_date": (TODAY.replace(year=TODAY.year - 1)).isoformat()}, "due_date", "order"),
    ({"expiry_date": TODAY.isoformat(), "due_date": TODAY.replace(year=TODAY.year + 1).isoformat()},
     "expiry_date", "order"),
    ({"issue_date": "2026-02-30"}, "issue_date", "format"),
    ({"payer_id": "3012345678"}, "payer_id", "format"),
    ({"payer_id": "101234567"}, "payer_id", "format"),
    ({"action": "replace"}, "action", "format"),
    ({"min_partial": "400.00"}, "min_partial", "format"),
])
def test_each_rule_rejects_with_field_and_reason(sadad_sim, change, field, code):
    status, answer = sadad_sim.upload([bill(14), bill(12, **change)])
    assert status == 200
    assert answer["accepted"] == [account_number(14)]
    (rejected,) = answer["rejected"]
    assert (rejected["field"], rejected["code"]) == (field, code)
    assert rejected["reason"] and rejected["reason_ar"]
    if field != "account_number":
        assert rejected["account_number"] == "000000000125"
        assert sadad_sim.bill("000000000125", expect=404)


def test_a_paid_bill_cannot_change_or_be_cancelled_but_may_be_repeated(sadad_sim):
    upload_ok(sadad_sim, bill(12))
    sadad_sim.pay("091 0000 0000 0125")
    assert upload_ok(sadad_sim, bill(12)) == ["000000000125"]  # the same content again changes nothing
    _, answer = sadad_sim.upload([bill(12, amount="300.00"), {"action": "cancel",
                                                                    "account_number": "000000000125"}])
    assert [(r["field"], r["code"]) for r in answer["rejected"]] == [("account_number", "paid"), ("action", "paid")]
    assert sadad_sim.bill("000000000125")["amount"] == "350.00"


def test_cancel_withdraws_the_bill(sadad_sim):
    upload_ok(sadad_sim, bill(12))
    assert upload_ok(sadad_sim, {"action": "cancel", "account_number": "000000000125"}) == ["000000000125"]
    assert sadad_sim.bill("000000000125")["status"] == "cancelled"
    refused = sadad_sim.pay("091000000000125", expect=409)
    assert refused["error"] == "cancelled"
    _, answer = sadad_sim.upload([{"action": "cancel", "account_number": account_number(999)}])
    assert answer["rejected"][0]["code"] == "unknown"


def test_a_repeated_upload_id_gets_the_same_answer(sadad_sim):
    first = sadad_sim.upload([bill(12)], upload_id="u-1")
    again = sadad_sim.upload([bill(12, amount="1.00")], upload_id="u-1")
    assert first == again
    assert sadad_sim.bill("000000000125")["amount"] == "350.00"


def test_signature_and_timestamp_are_required(sadad_sim):
    import time

    assert sadad_sim.upload([bill(12)], secret="whsec_b3RoZXIta2V5")[0] == 401
    assert sadad_sim.upload([bill(12)], timestamp=int(time.time()) - 600)[0] == 401
    body = json.dumps({"upload_id": "x", "bills": [bill(12)]}).encode()
    status, raw, _ = sadad_sim.request("POST", "/billers/091/bills", body=body)
    assert status == 401 and json.loads(raw)["error"] == "signature"
    assert sadad_sim.bill("000000000125", expect=404)


def test_malformed_bodies_and_other_billers(sadad_sim):
    from tests.sadad import sign

    for body in (b"not json", b'{"bills": "x", "upload_id": "a"}', b'{"bills": []}'):
        status, raw, _ = sadad_sim.request("POST", "/billers/091/bills", body=body,
                                           headers=sign(sadad_sim.secret, body))
        assert status == 400, raw
    body = json.dumps({"upload_id": "x", "bills": [bill(12)]}).encode()
    status, _, _ = sadad_sim.request("POST", "/billers/092/bills", body=body, headers=sign(sadad_sim.secret, body))
    assert status == 404
