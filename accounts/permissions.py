"""What a person may do: permissions are codes declared in code; roles (data) grant them.

An app declares its permissions once (``register_permission`` in its ``AppConfig.ready()`` or here for the
first catalogue) and checks them through ``accounts.selectors`` in its services and selectors, never only in
a view. A permission may stand for an API-key scope (``Scope``): a person whose roles grant
``registers.read`` reads what a key with the ``read`` scope reads, so the serving code asks one question of
both kinds of caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Permission:
    code: str
    title: str
    scope: str | None = None  # the API-key scope this permission is for a person, if any


_PERMISSIONS: dict[str, Permission] = {}


def register_permission(code: str, title, *, scope: str | None = None) -> Permission:
    """Declare a permission (idempotent: the same code declared again replaces the first)."""
    perm = Permission(code=code, title=title, scope=scope)
    _PERMISSIONS[code] = perm
    return perm


def get_permission(code: str) -> Permission | None:
    return _PERMISSIONS.get(code)


def all_permissions() -> list[Permission]:
    return sorted(_PERMISSIONS.values(), key=lambda p: p.code)


def scopes_of(codes) -> set[str]:
    """The API-key scopes that these permission codes amount to (for code that serves both kinds of caller)."""
    return {p.scope for c in codes if (p := _PERMISSIONS.get(c)) and p.scope}


REGISTERS_READ = register_permission("registers.read", _("read registers and ask spatial questions"), scope="read")
REGISTERS_WRITE = register_permission("registers.write", _("create and edit register records"), scope="write")
PARCELS_LINEAGE = register_permission("parcels.lineage", _("split and merge parcels"), scope="lineage")
MEMBERS_MANAGE = register_permission("accounts.manage_members", _("manage the municipality's staff and roles"))

# The first catalogue of the processes to come: declared now so roles can hold them; each app that arrives
# checks them (and may add its own).
for _code, _title in [
    ("surveys.review", _("review survey decisions")),
    ("permits.review", _("review building permit applications")),
    ("permits.approve", _("approve or refuse building permits")),
    ("permits.inspect", _("inspect construction sites and record building violations")),
    ("licensing.manage", _("issue, renew and suspend commercial licenses")),
    ("inspections.perform", _("carry out inspections and record findings")),
    ("inspections.supervise", _("plan inspection rounds and confirm penalties")),
    ("grants.manage", _("manage land grant programmes, applications and draws")),
    ("investment.manage", _("manage investment sites, tenders and contracts")),
    ("investment.evaluate_bids", _("open and evaluate sealed bids")),
    ("payments.manage", _("manage fees, bills and reconciliation")),
    ("payments.approve", _("approve refunds")),
    ("complaints.handle", _("handle complaints and suggestions")),
    ("council.manage", _("prepare the municipal council's agenda and decisions")),
    ("cases.supervise", _("reassign transactions and see the department's queues")),
]:
    register_permission(_code, _title)
