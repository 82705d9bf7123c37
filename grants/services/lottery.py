"""The lottery: commit (publish the seed's hash and the hashes of the ordered applicant and plot lists), then draw
once (reveal the seed, mix in the salt announced in public, assign with ``grants.lottery_core``) — the same code
anyone can run on the published bundle. The draw writes the allocations in batches of 260 for the ministry; each
drawn applicant is told by a job (timeline entry and SMS), batch by batch."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from audit.models import ChangeRecord
from audit.services import change_record
from cases.numbering import register_number
from common.errors import RegisterError
from grants import lottery_core as core
from grants.models import (
    Allocation,
    GrantApplication,
    GrantStatus,
    Lottery,
    LotteryBatch,
    LotteryStatus,
    Programme,
)
from grants.selectors import band_of_area, plot_pool, queue
from runtime.jobs import defer_after_commit


def published_lists(*, programme: Programme) -> tuple[list[dict], list[dict]]:
    """The applicant list in rank order and the plot list by parcel id, as published (no personal data: the
    application number, its band and entitlement; the plot's parcel id, plan, number, area and band)."""
    bands = list(programme.bands.order_by("family_min"))
    codes = {b.pk: b.code for b in bands}
    applicants = [{"rank": i, "number": number, "band": codes[band_id], "entitled_m2": entitled}
                  for i, (number, band_id, entitled) in enumerate(
                      queue(programme=programme).values_list("number", "band_id", "entitled_m2"), start=1)]
    plots = []
    for pk, plan, number, area in (plot_pool(programme=programme).order_by("pk")
                                   .values_list("pk", "plan__number", "number", "area_m2")):
        band = band_of_area(bands, area)
        plots.append({"parcel": pk, "plan": plan, "plot": number, "area_m2": f"{area:.2f}", "band": band.code})
    return applicants, plots


@transaction.atomic
def lottery_commit(*, programme: Programme, actor) -> Lottery:
    """Freeze the programme's queue and pool into a lottery and publish its commitment. One lottery waits for
    its draw at a time (a database constraint)."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if Lottery.objects.filter(programme=programme, status=LotteryStatus.COMMITTED).exists():
        raise RegisterError(_("A lottery of this programme is already committed and waits for its draw."),
                            code="pending_lottery")
    applicants, plots = published_lists(programme=programme)
    if not applicants or not plots:
        raise RegisterError(_("Nothing to draw: %(a)s applicants in the queue, %(p)s plots in the pool.")
                            % {"a": len(applicants), "p": len(plots)}, code="empty_lottery")
    seed = secrets.token_hex(32)
    applicants_text, plots_text = core.canonical_lines(applicants), core.canonical_lines(plots)
    municipality = Municipality.objects.get(pk=programme.municipality_id)
    now = timezone.now()
    lottery = Lottery.objects.create(
        municipality=municipality, programme=programme, status=LotteryStatus.COMMITTED,
        number=register_number(model=Lottery, municipality=municipality, code="LOT", day=timezone.localdate()),
        seed=seed, seed_commitment=core.seed_commitment(seed), applicants=applicants_text, plots=plots_text,
        applicants_hash=core.sha256_hex(applicants_text), plots_hash=core.sha256_hex(plots_text), committed_at=now)
    change_record(instance=lottery, action=ChangeRecord.Action.CREATE, actor=actor,
                  changes={"seed_commitment": [None, lottery.seed_commitment],
                           "applicants": [None, len(applicants)], "plots": [None, len(plots)]})
    return lottery


@transaction.atomic
def lottery_draw(*, lottery: Lottery, public_salt: str, actor) -> Lottery:
    """Draw a committed lottery, once: the result follows from the published inputs, the seed and the salt."""
    locked = Lottery.objects.select_for_update().get(pk=lottery.pk)
    if locked.status != LotteryStatus.COMMITTED:
        raise RegisterError(_("Lottery %(n)s was drawn on %(d)s: a lottery is drawn once, never again.")
                            % {"n": locked.number, "d": timezone.localtime(locked.drawn_at).date().isoformat()},
                            code="already_drawn")
    public_salt = str(public_salt or "").strip()
    if not 1 <= len(public_salt) <= 64:
        raise RegisterError(_("Enter the salt announced at the draw (1 to 64 characters)."), code="salt")
    applicants, plots = core.parse_lines(locked.applicants), core.parse_lines(locked.plots)
    result = core.draw(applicants, plots, locked.seed, public_salt)
    by_number = {row["number"]: row for row in applicants}
    apps = {a.number: a for a in GrantApplication.objects.filter(
        programme_id=locked.programme_id, number__in=[r["number"] for r in result]).only(
        "pk", "number", "entitled_m2", "status")}
    plot_rows = {p["parcel"]: p for p in plots}
    from parcels.models import Parcel
    geoms = dict(Parcel.objects.filter(pk__in=[r["parcel"] for r in result]).values_list("pk", "geom"))
    batches = {n: LotteryBatch.objects.create(municipality_id=locked.municipality_id, lottery=locked, number=n)
               for n in sorted({r["batch"] for r in result})}
    allocations = []
    for row in result:
        application = apps[row["number"]]
        area = Decimal(plot_rows[row["parcel"]]["area_m2"])
        entitled = Decimal(by_number[row["number"]]["entitled_m2"])
        allocations.append(Allocation(
            municipality_id=locked.municipality_id, lottery=locked, batch=batches[row["batch"]],
            application=application, parcel_id=row["parcel"], area_m2=area, excess_m2=max(area - entitled, 0),
            geom=geoms[row["parcel"]]))
    Allocation.objects.bulk_create(allocations, batch_size=1000)
    GrantApplication.objects.filter(pk__in=[a.pk for a in apps.values()], status=GrantStatus.QUEUED).update(
        status=GrantStatus.DRAWN, updated_at=timezone.now())
    locked.status, locked.public_salt, locked.drawn_at = LotteryStatus.DRAWN, public_salt, timezone.now()
    locked.result_hash = core.sha256_hex(core.canonical_lines(result))
    locked.save(update_fields=["status", "public_salt", "drawn_at", "result_hash", "updated_at"])
    change_record(instance=locked, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"status": [LotteryStatus.COMMITTED, LotteryStatus.DRAWN], "public_salt": [None, public_salt],
                           "allocated": [None, len(result)], "result_hash": [None, locked.result_hash]})
    for batch in batches.values():
        defer_after_commit("grants.batch_announce", queueing_lock=f"grants.batch_announce:{batch.pk}",
                           batch_id=batch.pk)
    return locked


def lottery_bundle(lottery: Lottery) -> dict:
    """What anyone may download: before the draw the commitment and inputs, after it also the seed, the salt and
    the result (``lottery_core.py bundle.json`` verifies it)."""
    bundle = {"lottery": lottery.number, "status": lottery.status, "committed_at": lottery.committed_at.isoformat(),
              "seed_commitment": lottery.seed_commitment, "applicants_hash": lottery.applicants_hash,
              "plots_hash": lottery.plots_hash, "applicants": lottery.applicants, "plots": lottery.plots}
    if lottery.status == LotteryStatus.DRAWN:
        result = list(lottery.allocations.order_by("id")
                      .values_list("application__number", "parcel_id", "batch__number"))
        bundle.update({"seed": lottery.seed, "public_salt": lottery.public_salt,
                       "drawn_at": lottery.drawn_at.isoformat(), "result_hash": lottery.result_hash,
                       "result": [{"number": n, "parcel": p, "batch": b} for n, p, b in result]})
    return bundle
