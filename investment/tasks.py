"""Investment's daily job (the queue's worker runs it): bid windows closed, awards whose winner did not sign within
a month cancelled, contracts whose term ended expired (their land released). Rent bills are presented by payments'
own daily job on their issue dates."""

from __future__ import annotations

from investment.services.award import awards_lapse_due
from investment.services.contracts import contracts_expire_due
from investment.services.tenders import bids_close_due
from runtime.jobs import periodic


@periodic("investment.daily", cron="25 21 * * *")  # just after midnight in Riyadh
def daily(*, timestamp: int) -> None:
    bids_close_due()
    awards_lapse_due()
    contracts_expire_due()
