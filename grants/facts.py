"""Facts Ardh does not hold, asked of the national systems through a pluggable backend
(``settings.ARDH_GRANTS_FACTS_BACKEND``): a person's identity, marital status and family (Yaqeen, the national
information centre's identity service) and whether they own property (the Ministry of Justice's deeds). Each
answer names its source, and the application records it (``ExternalCheck``).

The demo backend is a **simulator**, labelled as such in every answer: its facts follow from the ID number's
digits so the tour and the tests can choose a person who passes or fails each rule. A real backend implements
the same three methods over the government service bus.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Answer:
    source: str  # e.g. "yaqeen-simulator"
    fact: str
    value: object
    reference: str = ""


class Simulator:
    """SIMULATOR — not Yaqeen, not the Ministry of Justice. For an ID ``d0 d1 … d9``:

    - nationality: Saudi (SA) when it starts with 1, else a resident (an iqama starts with 2);
    - birth date: year 1960 + (d1d2 mod 45), month d3 mod 12 + 1, day d4d5 mod 28 + 1;
    - married unless d6 is 0, 3 or 6; family members are the IDs the applicant lists, each confirmed when it is
      a well-formed ID other than the applicant's;
    - owns property when the last digit is 7.
    """

    IDENTITY = "yaqeen-simulator"
    PROPERTY = "moj-simulator"

    def identity(self, national_id: str) -> list[Answer]:
        d = [int(c) for c in national_id]
        born = dt.date(1960 + (d[1] * 10 + d[2]) % 45, d[3] % 12 + 1, (d[4] * 10 + d[5]) % 28 + 1)
        ref = f"SIM-Y-{national_id[-4:]}"
        return [Answer(self.IDENTITY, "nationality", "SA" if national_id.startswith("1") else "resident", ref),
                Answer(self.IDENTITY, "birth_date", born.isoformat(), ref),
                Answer(self.IDENTITY, "marital_status", "single" if d[6] in (0, 3, 6) else "married", ref)]

    def family(self, national_id: str, members: list[str]) -> Answer:
        confirmed = [m for m in members if len(m) == 10 and m.isdigit() and m[0] in "12" and m != national_id]
        return Answer(self.IDENTITY, "family", sorted(set(confirmed)), f"SIM-F-{national_id[-4:]}")

    def property_owned(self, national_id: str) -> Answer:
        return Answer(self.PROPERTY, "property_owned", national_id.endswith("7"), f"SIM-J-{national_id[-4:]}")


@lru_cache(maxsize=1)
def backend():
    return import_string(settings.ARDH_GRANTS_FACTS_BACKEND)()
