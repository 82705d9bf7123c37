"""Investment on the backbone (docs/investment.md): the tender booklet an investor buys (its fee a SADAD bill;
the documents of the bid are uploaded to it) and the investment contract, whose renewal, extension, assignment
and termination are transactions of its case — every step in its timeline.

investment_booklet:  awaiting_payment → paid | lapsed (the bill expired unpaid)
investment_contract: signed → active (the site handed over: the term starts)
                     active → active (renew, extend, assign) | terminated | expired (the term ended)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.types import APPLICANT, SYSTEM, CaseType, Document, Field, State, Transition, register_case_type
from investment import notify
from investment.services import workflow

OFFICER = "investment_officer"
COMMITTEE = "tender_committee_member"
BOOKLET = "investment_booklet"
CONTRACT = "investment_contract"
BID_DOCUMENTS = ("commercial_registration", "zakat_certificate", "technical_offer")

INVESTMENT_BOOKLET = CaseType(
    code=BOOKLET,
    title_ar="شراء كراسة شروط فرصة استثمارية",
    title_en="Tender booklet of an investment opportunity",
    states=(
        State("awaiting_payment", _("awaiting payment of the booklet")),
        State("paid", _("booklet paid: the investor may bid"), final=True),
        State("lapsed", _("lapsed: the fee was not paid"), final=True),
    ),
    initial="awaiting_payment",
    transitions=(
        Transition("pay", _("booklet paid"), ("awaiting_payment",), "paid", roles=(SYSTEM,),
                   on_event="payment.paid", actions=(workflow.booklet_paid,), effects=(notify.booklet_paid,)),
        Transition("lapse", _("the bill expired unpaid"), ("awaiting_payment",), "lapsed", roles=(SYSTEM,),
                   on_event="payment.expired"),
    ),
    fields=(Field("opportunity", _("opportunity number"), max_length=32),),
    documents=(
        Document("commercial_registration", _("commercial registration")),
        Document("zakat_certificate", _("zakat and tax certificate")),
        Document("technical_offer", _("technical offer")),
    ),
    create_roles=(APPLICANT, OFFICER),
    internal=True,
)

INVESTMENT_CONTRACT = CaseType(
    code=CONTRACT,
    title_ar="عقد استثمار موقع بلدي",
    title_en="Municipal investment contract",
    states=(
        State("signed", _("signed, awaiting the site's hand-over"), sla_days=10, queue_role=OFFICER),
        State("active", _("in force")),
        State("terminated", _("terminated"), final=True),
        State("expired", _("expired (the term ended)"), final=True),
    ),
    initial="signed",
    transitions=(
        Transition("hand_over", _("hand the site over (the term starts)"), ("signed",), "active", roles=(OFFICER,)),
        Transition("renew", _("renew for a new term"), ("active",), "active", roles=(OFFICER,)),
        Transition("extend", _("extend the term"), ("active",), "active", roles=(OFFICER,)),
        Transition("assign", _("assign to another investor"), ("active",), "active", roles=(OFFICER,),
                   note_required=True),
        Transition("terminate", _("terminate"), ("signed", "active"), "terminated", roles=(OFFICER,),
                   objectionable=True, note_required=True, note_to_applicant=True,
                   effects=(notify.contract_terminated,)),
        Transition("expire", _("the term ended"), ("active",), "expired", roles=(SYSTEM,),
                   on_event="investment.expired"),
    ),
    fields=(Field("contract", _("contract number"), max_length=32),
            Field("opportunity", _("opportunity number"), max_length=32)),
    create_roles=(OFFICER,),
    internal=True,
    objection_days=60,
)


def register() -> None:
    for case_type in (INVESTMENT_BOOKLET, INVESTMENT_CONTRACT):
        register_case_type(case_type)
