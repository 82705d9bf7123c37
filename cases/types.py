"""The case-type registry: every process declares its kind of case here, once, in ``AppConfig.ready()``.

A case type says what the applicant must provide (``fields`` and ``documents``, with their validation: the
inbox and the portal render the application form from them) and its workflow, a declared state machine
(``states`` and ``transitions``: who may take each step, the guards that must hold, the side effects run
after commit). ``cases.services`` runs it; nothing in ``cases/`` knows a process by name (decision 013).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

# A guard: (case, actor) -> None when the step may be taken, else the reason why not (a gettext string, so
# it is shown in the reader's language, Arabic or English).
Guard = Callable[..., object]
# A side effect: called with the case's id after the transaction commits (notifications, jobs...).
Effect = Callable[..., None]
# An action: called as action(case=..., actor=...) inside the step's transaction, after the status changed;
# what it writes commits or rolls back with the step (an upheld objection reopens the case objected to).
Action = Callable[..., None]

FIELD_KINDS = ("text", "integer", "decimal", "date", "choice", "boolean")

# Not a staff role: whoever may act for the case's applicant (the applicant's own sign-in, or a person a valid
# representation names as their agent, e.g. an engineering office's employee for the owner who engaged it,
# ``accounts.selectors.acting_parties``). Name it in ``Transition.roles`` (resubmit, withdraw...) and in
# ``CaseType.create_roles`` (people apply for themselves or for whom they represent).
APPLICANT = "applicant"

# Not a person: the backbone itself, taking a step another system's event asks for (``Transition.on_event``:
# a bill paid moves a permit on to issued). Only the backbone's event job acts as it (``cases.events``).
SYSTEM = "system"


@dataclass(frozen=True)
class Field:
    """A value the applicant provides (``Case.data[name]``)."""

    name: str
    label: object  # gettext_lazy
    kind: str = "text"
    required: bool = True
    choices: tuple[tuple[str, object], ...] = ()
    max_length: int = 200
    pattern: str | None = None  # a regular expression a text must match
    min_value: float | None = None
    max_value: float | None = None

    def __post_init__(self):
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"Field {self.name!r}: kind must be one of {FIELD_KINDS}")

    def clean(self, value):
        """The value as stored (JSON), or ``ValueError`` with the reason (translated)."""
        if value is None or value == "":
            if self.required:
                raise ValueError(_("This field is required."))
            return None
        if self.kind == "text":
            if not isinstance(value, str):
                raise ValueError(_("Expected text."))
            value = value.strip()
            if len(value) > self.max_length:
                raise ValueError(_("At most %(n)d characters.") % {"n": self.max_length})
            if self.pattern and not re.fullmatch(self.pattern, value):
                raise ValueError(_("Not in the expected form."))
            return value
        if self.kind in ("integer", "decimal"):
            try:
                number = int(value) if self.kind == "integer" else float(value)
            except (TypeError, ValueError):
                raise ValueError(_("Expected a number.")) from None
            if isinstance(value, bool) or (self.kind == "integer" and isinstance(value, float)):
                raise ValueError(_("Expected a whole number."))
            if (self.min_value is not None and number < self.min_value) or (
                self.max_value is not None and number > self.max_value
            ):
                raise ValueError(_("Out of the allowed range."))
            return number
        if self.kind == "date":
            try:
                return date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise ValueError(_("Expected a date (YYYY-MM-DD).")) from None
        if self.kind == "choice":
            if value not in {c for c, _label in self.choices}:
                raise ValueError(_("Not one of the allowed choices."))
            return value
        if not isinstance(value, bool):
            raise ValueError(_("Expected true or false."))
        return value

    def describe(self) -> dict:
        return {
            "name": self.name, "label": str(self.label), "kind": self.kind, "required": self.required,
            "choices": [{"value": c, "label": str(label)} for c, label in self.choices],
            "max_length": self.max_length if self.kind == "text" else None, "pattern": self.pattern,
            "min_value": self.min_value, "max_value": self.max_value,
        }


@dataclass(frozen=True)
class Document:
    """A document the applicant attaches (the store of files comes with documents; declared now for forms)."""

    code: str
    label: object
    required: bool = True
    content_types: tuple[str, ...] = ("application/pdf", "image/jpeg", "image/png")
    max_bytes: int = 10 * 1024 * 1024

    def describe(self) -> dict:
        return {"code": self.code, "label": str(self.label), "required": self.required,
                "content_types": list(self.content_types), "max_bytes": self.max_bytes}


@dataclass(frozen=True)
class State:
    """A status of the case: ``sla_days`` working days to leave it (None: no deadline), the queue (role code)
    it sits with on entering it, and whether it is final (closed)."""

    code: str
    label: object
    sla_days: int | None = None
    queue_role: str | None = None
    final: bool = False


@dataclass(frozen=True)
class Transition:
    """A step from one of ``sources`` to ``target``, taken by a holder of one of ``roles`` (role codes,
    ``accounts.Role.code``) when every guard returns None; ``effects`` run after commit."""

    name: str
    label: object
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    # A refusing or penalising decision: the applicant may object within ``CaseType.objection_days``.
    objectionable: bool = False
    # Writes that belong to the step itself, run inside its transaction (``Action``).
    actions: tuple[Action, ...] = ()
    # The step needs a note (the reason for returning or refusing), and whether the applicant reads it.
    note_required: bool = False
    note_to_applicant: bool = False
    # The event (``cases.events``, e.g. "payment.paid") on which the backbone takes this step by itself; name
    # ``SYSTEM`` in ``roles``. An event finding no such step from the case's status is recorded and dropped.
    on_event: str | None = None

    def describe(self) -> dict:
        return {"name": self.name, "label": str(self.label), "target": self.target, "roles": list(self.roles),
                "note_required": self.note_required, "note_to_applicant": self.note_to_applicant}


@dataclass(frozen=True)
class CaseType:
    code: str  # URL-safe, e.g. "survey_decision"
    title_ar: str
    title_en: str
    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]
    fields: tuple[Field, ...] = ()
    documents: tuple[Document, ...] = ()
    # Who may open a case of this type for an applicant (role codes); other systems open them with a key.
    create_roles: tuple[str, ...] = ()
    # Whether a case needs at least one parcel (else a drawn point or polygon is enough).
    needs_parcel: bool = False
    # The process's own service that opens a case from an application, when it does more than
    # ``cases.services.case_create`` (a survey decision reads and compares the uploaded survey in the same
    # transaction). Called with keyword arguments: municipality, actor, data, parties, parcels, point, area,
    # files ({document code: uploaded file}); returns the Case. The inbox, the API and later the portal call
    # it through ``cases.services.case_apply``.
    apply: Callable[..., object] | None = None
    # The process's part of a case's page in the inbox: a template (rendered inside the case page) and a
    # function (case, actor) -> its context (e.g. the survey against the register on the map).
    detail_template: str | None = None
    detail_context: Callable[..., dict] | None = None
    # Days after a refusing or penalising step (``Transition.objectionable``) in which the applicant may object
    # (an objection is a linked case: cases.objections). Calendar days from the day of the step; a last day that
    # is no working day moves to the next working day (decision 017).
    objection_days: int = 30
    # Where an upheld objection puts a case back: a state code (None: the status the objected step left).
    reopen_state: str | None = None
    # Opened only by a backbone service (objections: ``cases.objections.objection_file``), never by the
    # generic form, ``POST /api/v1/cases/`` or a key.
    internal: bool = False

    def __post_init__(self):
        codes = [s.code for s in self.states]
        if len(set(codes)) != len(codes):
            raise ValueError(f"Case type {self.code!r}: state codes repeat")
        if self.initial not in codes:
            raise ValueError(f"Case type {self.code!r}: the initial state {self.initial!r} is not declared")
        names = [t.name for t in self.transitions]
        if len(set(names)) != len(names):
            raise ValueError(f"Case type {self.code!r}: transition names repeat")
        for t in self.transitions:
            unknown = {*t.sources, t.target} - set(codes)
            if unknown:
                raise ValueError(f"Case type {self.code!r}: transition {t.name!r} names unknown states {unknown}")
        if self.reopen_state is not None and self.reopen_state not in codes:
            raise ValueError(f"Case type {self.code!r}: the reopen state {self.reopen_state!r} is not declared")
        if self.objection_days < 1:
            raise ValueError(f"Case type {self.code!r}: objection_days must be at least 1")
        fields = [f.name for f in self.fields]
        if len(set(fields)) != len(fields):
            raise ValueError(f"Case type {self.code!r}: field names repeat")

    def state(self, code: str) -> State:
        return next(s for s in self.states if s.code == code)

    def transition(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def transitions_from(self, status: str) -> list[Transition]:
        return [t for t in self.transitions if status in t.sources]

    def clean_data(self, data: dict) -> tuple[dict, dict]:
        """(cleaned values, {field: reason}) of an application's values; unknown names are refused too."""
        cleaned, errors = {}, {}
        for name in sorted(set(data) - {f.name for f in self.fields}):
            errors[name[:60]] = _("Unknown field.")
        for f in self.fields:
            try:
                value = f.clean(data.get(f.name))
            except ValueError as exc:
                errors[f.name] = str(exc)
                continue
            if value is not None:
                cleaned[f.name] = value
        return cleaned, errors

    def describe(self) -> dict:
        return {
            "code": self.code, "title_ar": self.title_ar, "title_en": self.title_en,
            "fields": [f.describe() for f in self.fields],
            "documents": [d.describe() for d in self.documents],
            "states": [{"code": s.code, "label": str(s.label), "sla_days": s.sla_days, "queue_role": s.queue_role,
                        "final": s.final} for s in self.states],
            "initial": self.initial,
            "transitions": [{**t.describe(), "sources": list(t.sources)} for t in self.transitions],
            "needs_parcel": self.needs_parcel,
            "objection_days": self.objection_days,
            "objectionable": [t.name for t in self.transitions if t.objectionable],
            "internal": self.internal,  # not offered as an application form (objections: from their case)
        }


_REGISTRY: dict[str, CaseType] = {}


class UnknownCaseType(LookupError):
    pass


def register_case_type(case_type: CaseType) -> CaseType:
    """Declare a case type (idempotent for the same code: the later declaration replaces the first)."""
    _REGISTRY[case_type.code] = case_type
    return case_type


def unregister_case_type(code: str) -> None:
    """Remove a case type (tests that register one of their own clean up with this)."""
    _REGISTRY.pop(code, None)


def get_case_type(code: str) -> CaseType:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownCaseType(code) from None


def all_case_types() -> list[CaseType]:
    return sorted(_REGISTRY.values(), key=lambda t: t.code)
