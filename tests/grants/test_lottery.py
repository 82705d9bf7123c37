"""The lottery is verifiable by anyone: its commitment is published before the draw; afterwards the published
script recomputes the same allocation from the published bundle, and an independent reimplementation agrees; any
changed input gives another allocation (and the script says so). A lottery is drawn once."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from common.errors import RegisterError
from grants import lottery_core as core
from grants.models import Allocation, GrantApplication, Lottery
from grants.services.lottery import lottery_bundle, lottery_commit, lottery_draw
from tests.grants.conftest import apply, person

SCRIPT = Path(core.__file__)


def independent_draw(bundle: dict) -> list[tuple[str, int]]:
    """The published rule written again, plainly: order each band's plots by SHA-256(seed ‖ "plot:" ‖ id) and
    give them out in rank order."""
    seed = hashlib.sha256(bytes.fromhex(bundle["seed"]) + bundle["public_salt"].encode()).digest()
    plots = [json.loads(line) for line in bundle["plots"].splitlines()]
    applicants = sorted((json.loads(line) for line in bundle["applicants"].splitlines()), key=lambda a: a["rank"])
    order = sorted(plots, key=lambda p: (hashlib.sha256(seed + f"plot:{p['parcel']}".encode()).hexdigest(),
                                         p["parcel"]))
    out, used = [], set()
    for applicant in applicants:
        free = [p for p in order if p["band"] == applicant["band"] and p["parcel"] not in used]
        if free:
            used.add(free[0]["parcel"])
            out.append((applicant["number"], free[0]["parcel"]))
    return out


@pytest.fixture
def drawn(town, programme, officer, pool):
    for serial, family in ((1, 1), (2, 3), (3, 6), (4, 2), (5, 7), (6, 10), (8, 1), (9, 4)):
        apply(town, officer, person(serial=serial), family=family)
    lottery = lottery_commit(programme=programme, actor=officer)
    before = lottery_bundle(lottery)
    lottery = lottery_draw(lottery=lottery, public_salt="الرس 2026-12-04", actor=officer)
    return before, lottery


def run_script(tmp_path, bundle) -> subprocess.CompletedProcess:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    return subprocess.run([sys.executable, "-I", str(SCRIPT), str(path)], capture_output=True, text=True,
                          timeout=60, check=False)


def test_the_commitment_is_published_before_the_draw_without_the_seed(drawn):
    before, lottery = drawn
    assert "seed" not in before and "result" not in before
    assert before["seed_commitment"] == hashlib.sha256(bytes.fromhex(lottery.seed)).hexdigest()
    assert before["applicants_hash"] == hashlib.sha256(before["applicants"].encode()).hexdigest()
    ranks = [json.loads(line)["rank"] for line in before["applicants"].splitlines()]
    assert ranks == list(range(1, 9))
    assert "national_id" not in before["applicants"] and "1250001001" not in before["applicants"]


def test_the_published_script_and_an_independent_reimplementation_recompute_the_draw(drawn, client, tmp_path):
    _before, lottery = drawn
    bundle = client.get(f"/api/v1/grants/lotteries/{lottery.number}/bundle").json()
    stored = list(Allocation.objects.filter(lottery=lottery).order_by("id")
                  .values_list("application__number", "parcel_id"))
    assert len(stored) == 8  # 5 small, 2 medium and 1 large family: each band's plots suffice
    assert independent_draw(bundle) == stored
    done = run_script(tmp_path, bundle)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verified: the draw recomputes exactly" in done.stdout
    # the script served is the one the draw ran
    assert client.get("/api/v1/grants/lottery_core.py").content.decode() == SCRIPT.read_text(encoding="utf-8")


@pytest.mark.parametrize("change", ["salt", "seed", "swap_applicants", "drop_plot"])
def test_a_changed_input_gives_another_allocation_and_fails_verification(drawn, client, tmp_path, change):
    _before, lottery = drawn
    bundle = client.get(f"/api/v1/grants/lotteries/{lottery.number}/bundle").json()
    original = independent_draw(bundle)
    if change == "salt":
        bundle["public_salt"] += "!"
    elif change == "seed":
        bundle["seed"] = "00" + bundle["seed"][2:]
    elif change == "swap_applicants":
        lines = bundle["applicants"].splitlines(keepends=True)  # ranks 2 and 3: both of the medium band
        second, third = json.loads(lines[1]), json.loads(lines[2])
        assert second["band"] == third["band"] == "medium"
        second["rank"], third["rank"] = 3, 2
        lines[1], lines[2] = core.canonical_lines([third]), core.canonical_lines([second])
        bundle["applicants"] = "".join(lines)
    else:
        taken = original[0][1]  # the first applicant's plot leaves the list
        bundle["plots"] = "".join(line for line in bundle["plots"].splitlines(keepends=True)
                                  if json.loads(line)["parcel"] != taken)
    assert sorted(independent_draw(bundle)) != sorted(original)  # who gets which plot, not only the order
    done = run_script(tmp_path, bundle)
    assert done.returncode == 1 and "MISMATCH" in done.stdout


def test_a_lottery_is_drawn_once(drawn, officer):
    _before, lottery = drawn
    with pytest.raises(RegisterError) as again:
        lottery_draw(lottery=lottery, public_salt="another", actor=officer)
    assert again.value.code == "already_drawn"
    assert Allocation.objects.filter(lottery=lottery).count() == 8
    assert Lottery.objects.get(pk=lottery.pk).public_salt == "الرس 2026-12-04"


def test_one_lottery_waits_for_its_draw_at_a_time(town, programme, officer, pool):
    apply(town, officer, person(serial=41))
    lottery_commit(programme=programme, actor=officer)
    with pytest.raises(RegisterError) as pending:
        lottery_commit(programme=programme, actor=officer)
    assert pending.value.code == "pending_lottery"


def test_drawn_applicants_leave_the_queue_and_later_ones_wait_with_a_rank(drawn, town, officer):
    from grants.selectors import rank_of

    assert not GrantApplication.objects.filter(status="queued").exists()
    late = GrantApplication.objects.get(case=apply(town, officer, person(serial=51), family=3))
    later = GrantApplication.objects.get(case=apply(town, officer, person(serial=52), family=1))
    assert (rank_of(late), rank_of(later)) == (1, 2)  # more priority points first


def test_results_go_out_in_batches_of_at_most_260():
    applicants = [{"rank": i, "number": f"A{i}", "band": "b", "entitled_m2": 600} for i in range(1, 701)]
    plots = [{"parcel": p, "band": "b"} for p in range(1, 601)]
    result = core.draw(applicants, plots, "ab" * 32, "salt")
    assert len(result) == 600 and len({r["parcel"] for r in result}) == 600
    sizes = [sum(1 for r in result if r["batch"] == b) for b in (1, 2, 3)]
    assert sizes == [260, 260, 80]
    assert [r["number"] for r in result] == [f"A{i}" for i in range(1, 601)]  # the first 600 by rank
