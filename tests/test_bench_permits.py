"""`make bench-permits` at a tiny size, so the script cannot rot: on a 300-parcel city it checks the streets,
times full checks against their floor, builds its district, draft and permits, runs the what-if (the permits built
on the adopted envelope fail the draft's wider side setback) and issues certificates. (Not a timed test: the
figures are the benchmark's.)"""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Municipality
from bench import permits as bench
from permits.models import Permit, RuleSet
from permits.seed import demo_rules_ensure


@pytest.fixture
def bench_city(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("generate_demo", parcels=300, stdout=StringIO())
    muni = Municipality.objects.get(code="al-rass-demo")
    demo_rules_ensure(municipality=muni)
    return muni


def test_the_bench_runs_end_to_end_on_a_tiny_city(bench_city, capsys):
    muni = bench.ensure_fresh_city(bench_city)
    bench.cleanup(muni)
    bench.measure_checks(muni, 8)
    permits = bench.measure_whatif(muni, 150, 4)
    bench.measure_certificates(muni, permits, 1)
    out = capsys.readouterr().out
    print(out)
    share = re.search(r"(\d+) a front edge \((\d+)%\)", out)
    assert share and int(share.group(2)) >= 90, out  # the generator gives every parcel a street
    assert re.search(r"one full check .*p95 [\d.]+ ms", out) and "floor (the same SQL" in out
    assert len(permits) == 4 and Permit.objects.filter(number__startswith=bench.MARK).count() == 4
    failing = re.search(r"of (\d+) permits (\d+) would no longer comply", out)
    assert failing and failing.groups() == ("4", "4"), out  # built on the adopted envelope: the draft fails them
    assert re.search(r"every parcel of the district as if vacant \(1\d\d parcels", out)
    assert re.search(r"certificate PDF .* max [\d.]+ s", out)
    assert Permit.objects.filter(number__startswith=bench.MARK, certificate__isnull=False).count() == 2  # 1 + warm-up
    # a second run starts clean: one bench draft, the same number of bench permits
    bench.cleanup(muni)
    assert not Permit.objects.filter(number__startswith=bench.MARK).exists()
    assert not RuleSet.objects.filter(notes=bench.DRAFT_NOTE).exists()
