"""`make bench-permits` at a tiny size, so the script cannot rot: on a small generated city it seeds the rules,
runs full checks of the demo's villa on vacant parcels (each passing), the what-if over an area of districts
(its draft made once) and the certificate PDF, and prints each figure beside its goal. (Not a timed test.)"""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from permits.models import RuleSet


@pytest.fixture
def bench_city(db):
    call_command("generate_demo", parcels=300, stdout=StringIO())


def test_the_permits_bench_runs_end_to_end_and_prints_its_figures(bench_city, capsys, monkeypatch):
    from bench import permits as bench

    monkeypatch.setattr(bench, "CHECKS", 5)
    monkeypatch.setattr(bench, "WHATIF_PARCELS", 100)
    bench.main()
    out = capsys.readouterr().out
    assert re.search(r"one full check \(5 parcels\): p50 [0-9.]+ ms, p95 [0-9.]+ ms", out), out
    assert re.search(r"what-if over [0-9,]+ parcels .*: [0-9.]+ s", out), out
    assert re.search(r"certificate PDF .*median [0-9.]+ s", out), out
    assert "floor" in out
    assert RuleSet.objects.filter(status="draft", regulation__code="R1").count() == 1
    bench.main()  # a second run reuses the draft and the bench area
    assert RuleSet.objects.filter(status="draft", regulation__code="R1").count() == 1
