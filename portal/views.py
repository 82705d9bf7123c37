"""The portal's home: its services as large tiles, for a thumb on a phone; a signed-in citizen also sees how many
of their transactions wait for them."""

from cases import applicant
from portal.pages import citizen_of, page


def home(request):
    waiting = None
    if citizen_of(request) is not None:
        from payments.models import Bill, BillStatus

        mine = applicant.my_cases(user=request.user).filter(closed_at__isnull=True)
        to_pay = Bill.objects.filter(case__in=mine.values("pk"), status=BillStatus.ACTIVE).count()
        waiting = {"open": mine.count(), "to_pay": to_pay}
    return page(request, "portal/home.html", {"waiting": waiting})
