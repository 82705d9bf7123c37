"""The investment contract (docs/investment.md): signed by the winner within a month of the award; its term starts
when the site is handed over; its rent schedule (annual or semi-annual, escalating every few years) becomes SADAD
bills at the hand-over, each presented to SADAD a month before it is due (payments' daily job presents a bill on
its issue date). Renewal, extension, assignment and termination are steps of its case: every one in the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality, Party
from accounts.selectors import require_permission
from audit.models import ChangeRecord
from audit.services import change_record
from cases.documents.services import Approver, document_issue
from cases.models import Case, CaseParty, PartyRole
from cases.numbering import register_number, years_after
from cases.services import case_create, case_record, case_transition
from common.errors import RegisterError, TransitionError
from investment.case_types import CONTRACT
from investment.models import (
    Bid,
    Contract,
    ContractStatus,
    Instalment,
    Opportunity,
    OpportunityStatus,
    RentFrequency,
    Site,
    SiteStatus,
)
from investment.services.sites import MANAGE, site_free
from payments.lines import FeeLine, sar
from payments.models import Bill, BillStatus
from payments.services import bill_cancel, bill_issue
from payments.services.bills import _add_months

ISSUE_AHEAD_DAYS = 30  # each instalment's bill is presented a month before it is due


@dataclass(frozen=True)
class Period:
    seq: int
    starts: date
    amount: Decimal


def rent_schedule(*, annual_rent: Decimal, years: int, frequency: str, escalation_pct: Decimal,
                  every_years: int, starts_on: date, first_year: int = 0, first_seq: int = 1) -> list[Period]:
    """The instalments of ``years`` of rent from ``starts_on``, paid in advance at the start of each period: a
    year's rent is ``annual_rent`` raised by ``escalation_pct`` every ``every_years`` years (compounded) and
    halved when paid semi-annually. ``first_year``: the contract year the schedule starts in (an extension)."""
    per_year = 2 if frequency == RentFrequency.SEMI_ANNUAL else 1
    months = 12 // per_year
    rows, seq = [], first_seq
    for year in range(years):
        contract_year = first_year + year
        steps = contract_year // every_years if every_years else 0
        yearly = Decimal(annual_rent) * (1 + Decimal(escalation_pct) / 100) ** steps
        for part in range(per_year):
            rows.append(Period(seq, _add_months(starts_on, 12 * year + months * part), sar(yearly / per_year)))
            seq += 1
    return rows


def _locked(contract: Contract) -> Contract:
    return Contract.objects.select_for_update(of=("self",)).select_related("case", "site").get(pk=contract.pk)


@transaction.atomic
def contract_sign(*, opportunity: Opportunity, actor, frequency: str = RentFrequency.ANNUAL,
                  escalation_pct=Decimal("5"), escalation_every_years: int = 5,
                  signed_on: date | None = None) -> Contract:
    """The awarded bid becomes a contract (a case of its own, the investor its applicant); the winner's guarantee
    is released; the site is leased."""
    require_permission(actor=actor, permission=MANAGE, municipality_id=opportunity.municipality_id)
    opportunity = Opportunity.objects.select_for_update(of=("self",)).get(pk=opportunity.pk)
    if opportunity.status != OpportunityStatus.AWARDED:
        raise TransitionError(_("Only an awarded opportunity is contracted (%(n)s is %(s)s).")
                              % {"n": opportunity.number, "s": opportunity.get_status_display()}, allowed=[])
    if frequency not in RentFrequency.values:
        raise RegisterError(_("Rent is paid annually or semi-annually."), code="frequency")
    escalation = Decimal(str(escalation_pct))
    if not 0 <= escalation <= 100 or not 1 <= int(escalation_every_years) <= 50:
        raise RegisterError(_("The escalation is 0 to 100 per cent every 1 to 50 years."), code="escalation")
    bid = Bid.objects.select_related("booklet").get(pk=opportunity.awarded_bid_id)
    municipality = Municipality.objects.get(pk=opportunity.municipality_id)
    site = Site.objects.select_for_update().get(pk=opportunity.site_id)
    signed_on = signed_on or timezone.localdate()
    number = register_number(model=Contract, municipality=municipality, code="INVC", day=signed_on)
    investor = Party.objects.get(pk=bid.investor_id)
    case = case_create(municipality=municipality, case_type=CONTRACT, actor=actor,
                       data={"contract": number, "opportunity": opportunity.number},
                       parties=[(investor, PartyRole.APPLICANT)], area=site.geom, roles_checked=True)
    contract = Contract.objects.create(
        municipality=municipality, number=number, opportunity=opportunity, site=site, investor=investor, case=case,
        signed_on=signed_on, annual_rent=bid.annual_rent, share_pct=bid.share_pct, frequency=frequency,
        escalation_pct=escalation, escalation_every_years=int(escalation_every_years),
        term_years=opportunity.term_years, geom=site.geom)
    Bid.objects.filter(pk=bid.pk).update(guarantee_released_on=signed_on)
    site.status = SiteStatus.LEASED
    site.save(update_fields=["status", "updated_at"])
    opportunity.status = OpportunityStatus.CONTRACTED
    opportunity.version += 1
    opportunity.save(update_fields=["status", "version", "updated_at"])
    change_record(instance=contract, action=ChangeRecord.Action.CREATE, actor=actor,
                  changes={"number": [None, number], "opportunity": [None, opportunity.number]})
    document_issue(case=case, kind="investment_contract", template="investment/contract.html",
                   context={"contract": contract, "opportunity": opportunity, "site": site},
                   approver=actor if not isinstance(actor, str) else Approver(name=_("Investment department")),
                   actor=actor, title_ar="عقد استثمار موقع بلدي", title_en="Municipal investment contract")
    case_record(case=case, actor=actor, data={"contract": contract.pk},
                body=_("Contract %(n)s signed on %(d)s for %(y)s years (the term starts at the site's hand-over).")
                % {"n": number, "d": signed_on.isoformat(), "y": contract.term_years})
    return contract


def _bill_instalments(contract: Contract, periods: list[Period], actor, *, today: date) -> None:
    for period in periods:
        issue = min(max(period.starts - timedelta(days=ISSUE_AHEAD_DAYS), today), period.starts)
        line = FeeLine(kind="rent", rule=f"{CONTRACT}.rent", quantity=Decimal(1), rate=period.amount,
                       amount=period.amount,
                       explain_ar=f"إيجار العقد {contract.number} — القسط {period.seq} من {period.starts.isoformat()}",
                       explain_en=f"Rent of contract {contract.number} — instalment {period.seq} from "
                                  f"{period.starts.isoformat()}")
        bill = bill_issue(case=contract.case, actor=actor, service_code=CONTRACT, lines=[line],
                          payer=contract.investor, issue_date=issue, due_days=(period.starts - issue).days,
                          instalment_no=period.seq)
        Instalment.objects.create(municipality_id=contract.municipality_id, contract=contract, seq=period.seq,
                                  period_starts=period.starts, due_on=bill.due_date, amount=period.amount, bill=bill)


def _step(contract: Contract, transition: str, actor, note: str = "") -> None:
    case = Case.objects.get(pk=contract.case_id)
    case_transition(case=case, transition=transition, actor=actor, expected_version=None, note=note)


@transaction.atomic
def contract_hand_over(*, contract: Contract, actor, on: date | None = None) -> Contract:
    """The site handed over: the term starts, the rent schedule's bills are issued (each presented a month
    before it is due)."""
    contract = _locked(contract)
    on = on or timezone.localdate()
    _step(contract, "hand_over", actor, note=_("Site handed over on %(d)s.") % {"d": on.isoformat()})
    contract.handover_on = contract.starts_on = on
    contract.ends_on = years_after(on, contract.term_years)
    contract.status = ContractStatus.ACTIVE
    contract.version += 1
    contract.save()
    periods = rent_schedule(annual_rent=contract.annual_rent, years=contract.term_years,
                            frequency=contract.frequency, escalation_pct=contract.escalation_pct,
                            every_years=contract.escalation_every_years, starts_on=on)
    _bill_instalments(contract, periods, actor, today=on)
    return contract


def _lengthen(contract: Contract, years: int, actor, *, annual_rent: Decimal | None = None) -> None:
    if not 1 <= int(years) <= 25:
        raise RegisterError(_("Renew or extend by 1 to 25 years."), code="years")
    last = contract.instalments.order_by("-seq").first()
    elapsed = contract.term_years
    rent = contract.annual_rent if annual_rent is None else sar(annual_rent)
    periods = rent_schedule(annual_rent=rent, years=int(years), frequency=contract.frequency,
                            escalation_pct=contract.escalation_pct, every_years=contract.escalation_every_years,
                            starts_on=contract.ends_on, first_year=0 if annual_rent is not None else elapsed,
                            first_seq=(last.seq if last else 0) + 1)
    contract.term_years += int(years)
    contract.ends_on = years_after(contract.starts_on, contract.term_years)
    contract.version += 1
    contract.save()
    _bill_instalments(contract, periods, actor, today=timezone.localdate())


@transaction.atomic
def contract_extend(*, contract: Contract, actor, years: int) -> Contract:
    """The term lengthened by ``years`` on the same schedule (its escalation continuing)."""
    contract = _locked(contract)
    _step(contract, "extend", actor, note=_("Extended by %(y)s years.") % {"y": years})
    _lengthen(contract, years, actor)
    return contract


@transaction.atomic
def contract_renew(*, contract: Contract, actor, years: int, annual_rent) -> Contract:
    """A new term of ``years`` after the current one at a new annual rent (its escalation starting again)."""
    contract = _locked(contract)
    rent = sar(Decimal(str(annual_rent)))
    if rent <= 0:
        raise RegisterError(_("A renewal needs its annual rent."), code="rent")
    _step(contract, "renew", actor, note=_("Renewed for %(y)s years at SAR %(r)s a year.")
          % {"y": years, "r": f"{rent:,.2f}"})
    _lengthen(contract, years, actor, annual_rent=rent)
    contract.annual_rent = rent
    contract.save(update_fields=["annual_rent", "updated_at"])
    return contract


def _future_bills(contract: Contract, today: date):
    return Bill.objects.filter(case=contract.case_id, status=BillStatus.DRAFT, uploaded_at__isnull=True,
                               issue_date__gt=today)


@transaction.atomic
def contract_assign(*, contract: Contract, actor, to: Party, note: str) -> Contract:
    """The contract assigned to ``to`` (with the municipality's approval: the note): the instalments not yet
    presented are billed to the new investor."""
    contract = _locked(contract)
    if to.pk == contract.investor_id:
        raise RegisterError(_("The contract already belongs to that investor."), code="same_investor")
    _step(contract, "assign", actor, note=note)
    today = timezone.localdate()
    before = contract.investor_id
    contract.investor = to
    contract.version += 1
    contract.save()
    CaseParty.objects.get_or_create(case_id=contract.case_id, party=to, role=PartyRole.APPLICANT)
    CaseParty.objects.filter(case_id=contract.case_id, party_id=before, role=PartyRole.APPLICANT).update(
        role=PartyRole.OTHER)
    for bill in _future_bills(contract, today):
        Bill.objects.filter(pk=bill.pk).update(payer=to, payer_name=to.name_ar[:200])
    change_record(instance=contract, action=ChangeRecord.Action.UPDATE, actor=actor,
                  changes={"investor": [before, to.pk]})
    return contract


def _end(contract: Contract, actor, status: str, reason: str) -> None:
    today = timezone.localdate()
    for bill in _future_bills(contract, today):
        bill_cancel(bill=bill, actor=actor, reason=reason)
        Instalment.objects.filter(bill=bill).update(cancelled=True)
    contract.status = status
    contract.version += 1
    contract.save(update_fields=["status", "version", "updated_at"])
    site = Site.objects.select_for_update(of=("self",)).select_related("reservation").get(pk=contract.site_id)
    site_free(site=site, actor=actor)


@transaction.atomic
def contract_terminate(*, contract: Contract, actor, note: str) -> Contract:
    """Terminated (with the reason, which the investor reads and may object to): the bills not yet presented
    are cancelled and the site's land is released."""
    contract = _locked(contract)
    _step(contract, "terminate", actor, note=note)
    _end(contract, actor, ContractStatus.TERMINATED, f"contract {contract.number} terminated")
    return contract


def contracts_expire_due(*, today: date | None = None) -> int:
    """Contracts whose term has ended: expired, the site's land released."""
    today = today or timezone.localdate()
    count = 0
    for contract in Contract.objects.filter(status=ContractStatus.ACTIVE, ends_on__lte=today):
        with transaction.atomic():
            locked = _locked(contract)
            if locked.status == ContractStatus.ACTIVE:
                _step(locked, "expire", "system:investment")
                _end(locked, "system:investment", ContractStatus.EXPIRED, f"contract {locked.number} expired")
                count += 1
    return count
