"""Land grants' part of the demo (``GrantsConfig.demo_part``): a programme with its rules and bands, applicants
who pass them (their facts from the labelled simulator), a lottery committed and drawn over the grants plans'
pool, the first batch verified by the ministry (plots reserved and granted, areas beyond the entitlement billed,
some paid, a few deeds handed over), and later applicants waiting in the queue with their rank. Everything
through the services. Idempotent: a programme with a drawn lottery is left as it is."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import Person
from cases.models import PartyRole
from cases.services import case_apply
from grants.models import EntitlementBand, Lottery, LotteryStatus, Programme, ProgrammeRule
from grants.selectors import plot_pool
from grants.services.allocations import batch_verify, deed_record
from grants.services.lottery import lottery_commit, lottery_draw
from grants.tasks import batch_announce
from payments.demo import pay_case

CODE = "residential-1448"
DRAWN, WAITING = 60, 15
FIRST = ["محمد", "أحمد", "سلطان", "ناصر", "عبدالرحمن", "فيصل", "سعود", "يوسف", "إبراهيم", "عمر", "مشاري", "تركي"]
LAST = ["الدوسري", "الحربي", "العتيبي", "القحطاني", "الشمري", "المطيري", "الزهراني", "الغامدي", "السبيعي", "العنزي"]
RULES = [("nationality", "SA"), ("min_age", "21"), ("married_or_age", "25"), ("no_earlier_grant", ""),
         ("no_property", ""), ("residence_years", "3")]
BANDS = [("small", 1, 4, 575, 550, 700), ("medium", 5, 8, 700, 700, 780), ("large", 9, 20, 800, 780, 900)]


def programme_ensure(municipality) -> Programme:
    programme, created = Programme.objects.get_or_create(
        municipality=municipality, code=CODE,
        defaults={"name_ar": "منح الأراضي السكنية 1448", "name_en": "Residential land grants 1448",
                  "excess_rate": 150})
    if created:
        for i, (kind, value) in enumerate(RULES, start=1):
            ProgrammeRule.objects.create(programme=programme, municipality=municipality, position=i, kind=kind,
                                         value=value)
        for code, fmin, fmax, entitled, pmin, pmax in BANDS:
            EntitlementBand.objects.create(programme=programme, municipality=municipality, code=code, family_min=fmin,
                                           family_max=fmax, entitled_m2=entitled, plot_min_m2=pmin, plot_max_m2=pmax)
    return programme


def eligible_id(n: int) -> str:
    """A Saudi ID the facts simulator answers as eligible: born 1980-1999 (d1d2 = 20..39), married (d6 = 1), no
    property (the last digit is never 7: the n-th such number)."""
    k = n + n // 9 + (1 if n % 9 >= 7 else 0)  # skip every k ending in 7
    return f"1{20 + k % 20:02d}0001{k:03d}"


def _family(n: int) -> str:
    size = (1, 2, 3, 4, 4, 5, 6, 9)[n % 8]  # the applicant's family → bands small (most) / medium / large
    return ",".join(f"2{n:05d}{k:04d}" for k in range(size - 1))


def _applicant(n: int) -> Person:
    national_id = eligible_id(n)
    person, _created = Person.objects.get_or_create(national_id=national_id, defaults={
        "name_ar": f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]}",
        "name_en": f"Grant applicant {n}", "mobile": f"+96655{n:07d}"})
    return person


def _apply(ctx, programme, n: int):
    person = _applicant(n)
    data = {"programme": programme.code, "residence_since": f"{2005 + n % 12}-03-01", "family_ids": _family(n),
            "special_circumstance": n % 11 == 0}
    return case_apply(municipality=ctx.municipality, case_type="land_grant", actor=ctx.users["grants"], data=data,
                      parties=[(person, PartyRole.APPLICANT)])


@transaction.atomic
def generate(ctx) -> None:
    programme = programme_ensure(ctx.municipality)
    if Lottery.objects.filter(programme=programme, status=LotteryStatus.DRAWN).exists():
        ctx.log("grants: the demo programme is drawn already")
        return
    officer = ctx.users["grants"]
    for n in range(DRAWN):
        if not programme.applications.filter(applicant__national_id=eligible_id(n)).exists():
            _apply(ctx, programme, n)
    if not plot_pool(programme=programme).exists():  # a small city may have no grants plan
        ctx.log("grants: no plot in the pool (no grants plan in this city): the applicants wait in the queue")
        return
    lottery = Lottery.objects.filter(programme=programme, status=LotteryStatus.COMMITTED).first() or \
        lottery_commit(programme=programme, actor=officer)
    lottery = lottery_draw(lottery=lottery, public_salt="1448-05-14 الرس", actor=officer)
    for batch in lottery.batches.order_by("number"):
        batch_announce(batch_id=batch.pk)
    first = lottery.batches.order_by("number").first()
    counts = batch_verify(batch=first, reference="MOMAH-1448-0091", actor=officer)
    for i, application in enumerate(programme.applications.filter(case__status__in=["awaiting_payment", "allocated"])
                                    .select_related("case").order_by("id")):
        if application.case.status == "awaiting_payment" and i % 2 == 0:
            pay_case(ctx, application.case)
            application.case.refresh_from_db()
        if application.case.status == "allocated" and i % 4 == 0:
            deed_record(application=application, deed_number=f"4{application.pk:011d}",
                        deed_date=dt.date(2026, 11, 20), actor=officer)
    for n in range(DRAWN, DRAWN + WAITING):  # after the draw: in the queue for the next one
        if not programme.applications.filter(applicant__national_id=eligible_id(n)).exists():
            _apply(ctx, programme, n)
    ctx.log(f"grants: lottery {lottery.number} drew {lottery.allocations.count()} plots; batch 1 verified {counts}")
