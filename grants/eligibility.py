"""Whether an applicant may join a programme: every rule of the programme, in order, with its result and its
reason in Arabic and English, and the fact each rests on with its source (Ardh's records, the applicant's
declaration, or a national system through ``grants.facts``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from common.bilingual import in_both, in_language
from grants.facts import Answer, backend
from grants.models import AllocationStatus, EntitlementBand, Programme, RuleKind

ARDH = "ardh-grant-records"
DECLARED = "declared-by-applicant"


@dataclass
class RuleResult:
    rule: str
    value: str
    passed: bool
    why_ar: str
    why_en: str
    source: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "value": self.value, "passed": self.passed, "why_ar": self.why_ar,
                "why_en": self.why_en, "source": self.source}

    @property
    def why(self) -> str:
        return in_language(self.why_ar, self.why_en)


@dataclass
class Decision:
    rules: list[RuleResult]
    answers: list[Answer] = field(default_factory=list)
    family_size: int = 1
    band: EntitlementBand | None = None
    points: int = 0

    @property
    def eligible(self) -> bool:
        return all(r.passed for r in self.rules)

    def failing(self) -> list[RuleResult]:
        return [r for r in self.rules if not r.passed]


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _result(rule: str, value: str, passed: bool, source: str, text) -> RuleResult:
    ar, en = in_both(text)
    return RuleResult(rule, value, passed, ar, en, source)


def earlier_grant(national_id: str) -> str | None:
    """The application number of a live or deeded grant this person already holds, in any municipality (a read
    of Ardh's own records by national ID; no key crosses municipalities)."""
    from grants.models import Allocation

    found = (Allocation.objects.filter(application__applicant__national_id=national_id)
             .exclude(status__in=[AllocationStatus.REPLACED, AllocationStatus.CANCELLED])
             .values_list("application__number", flat=True).first())
    return found


def eligibility_decide(*, programme: Programme, national_id: str, family_ids: list[str],
                       residence_since: dt.date | None, special: bool = False, on: dt.date) -> Decision:
    """Check every rule of ``programme`` for this applicant on the day ``on``."""
    facts = backend()
    identity = {a.fact: a for a in facts.identity(national_id)}
    family = facts.family(national_id, family_ids)
    answers = [*identity.values(), family]
    born = dt.date.fromisoformat(identity["birth_date"].value)
    age = _age(born, on)
    married = identity["marital_status"].value == "married"
    results: list[RuleResult] = []
    for rule in programme.rules.order_by("position"):
        v = rule.value
        if rule.kind == RuleKind.NATIONALITY:
            got = identity["nationality"]
            ok = str(got.value) == v
            results.append(_result(rule.kind, v, ok, got.source, lambda ok=ok, got=got, v=v: (
                _("Nationality %(n)s, as the programme requires.") if ok else
                _("The programme requires nationality %(r)s; the identity record says %(n)s.")) % {
                    "n": got.value, "r": v}))
        elif rule.kind == RuleKind.MIN_AGE:
            ok = age >= int(v)
            results.append(_result(rule.kind, v, ok, identity["birth_date"].source, lambda ok=ok, v=v: (
                _("Aged %(a)s: at least %(m)s.") if ok else _("Aged %(a)s: the programme requires at least %(m)s."))
                % {"a": age, "m": v}))
        elif rule.kind == RuleKind.MARRIED_OR_AGE:
            ok = married or age >= int(v)
            results.append(_result(rule.kind, v, ok, identity["marital_status"].source, lambda ok=ok, v=v: (
                (_("Married.") if married else _("Aged %(a)s: at least %(m)s, so marriage is not required.")) if ok
                else _("Not married and aged %(a)s: the programme requires marriage or an age of at least %(m)s."))
                % {"a": age, "m": v}))
        elif rule.kind == RuleKind.NO_EARLIER_GRANT:
            earlier = earlier_grant(national_id)
            ok = earlier is None
            results.append(_result(rule.kind, v, ok, ARDH, lambda ok=ok, earlier=earlier: (
                _("No earlier land grant in Ardh's records.") if ok else
                _("Already granted land under application %(a)s.") % {"a": earlier})))
        elif rule.kind == RuleKind.NO_PROPERTY:
            owned = facts.property_owned(national_id)
            answers.append(owned)
            ok = not owned.value
            results.append(_result(rule.kind, v, ok, owned.source, lambda ok=ok: (
                _("Owns no property, as the Ministry of Justice's deeds show.") if ok else
                _("The Ministry of Justice's deeds show a property in the applicant's name."))))
        elif rule.kind == RuleKind.RESIDENCE_YEARS:
            years = _age(residence_since, on) if residence_since else 0
            ok = residence_since is not None and years >= int(v)
            results.append(_result(rule.kind, v, ok, DECLARED, lambda ok=ok, v=v, years=years: (
                _("Resident in the municipality for %(y)s years: at least %(m)s.") if ok else
                _("Resident in the municipality for %(y)s years: the programme requires at least %(m)s."))
                % {"y": years, "m": v}))
    size = 1 + len(family.value)
    band = programme.bands.filter(family_min__lte=size, family_max__gte=size).first()
    results.append(_result("entitlement", str(size), band is not None, family.source, lambda: (
        _("A family of %(n)s is entitled to %(m)s m².") % {"n": size, "m": band.entitled_m2} if band else
        _("No entitlement band of the programme covers a family of %(n)s.") % {"n": size})))
    points = (size - 1) * programme.points_per_dependant + (programme.special_points if special else 0)
    return Decision(rules=results, answers=answers, family_size=size, band=band, points=points)
