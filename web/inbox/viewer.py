"""Who is looking at the inbox: a member of a municipality's staff, or an applicant user (an owner, or an
engineering office's employee) who acts for parties, or neither."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.selectors import StaffAccess, acting_parties, staff_access


@dataclass(frozen=True)
class Viewer:
    user: object
    access: StaffAccess | None  # the membership (municipality, permissions) of staff
    parties: frozenset[int]  # the parties an applicant user acts for

    @property
    def is_staff(self) -> bool:
        return self.access is not None

    @property
    def is_applicant(self) -> bool:
        return self.access is None and bool(self.parties)

    @property
    def municipality(self):
        return self.access.municipality if self.access else None

    @property
    def supervises(self) -> bool:
        return self.access is not None and self.access.can("cases.supervise")

    @property
    def is_finance(self) -> bool:
        """Holds ``payments.manage``: the finance pages (/finance/) are theirs."""
        return self.access is not None and self.access.can("payments.manage")


    @property
    def inspects(self) -> bool:
        """Carries out inspections (/inspect/: the offline app; supervisors also /inspect/supervisor/)."""
        return self.access is not None and self.access.can("inspections.perform")

    @property
    def plans_rules(self) -> bool:
        """May compare draft building rules with those in force (/permits/whatif/): planners, permit reviewers."""
        return self.access is not None and (self.access.can("registers.write") or self.access.can("permits.review"))


def viewer_of(request) -> Viewer:
    access = staff_access(request.user, with_boundary=False)
    return Viewer(user=request.user, access=access,
                  parties=frozenset() if access is not None else acting_parties(request.user))
