"""The roles every municipality starts with (national reference data: the same codes everywhere).

Apps that arrive add theirs here or in their own migration. ``reader``, ``register_editor`` and
``lineage_editor`` are exactly what the API-key scopes read, write and lineage were for people before roles
(api/migrations/0003): a person holds ``reader`` with the others. Permission codes: accounts/permissions.py.
"""

from __future__ import annotations

READ, WRITE, LINEAGE = "registers.read", "registers.write", "parcels.lineage"

ROLES = [
    ("reader", "قارئ السجلات", "Register reader", [READ]),
    ("register_editor", "محرر السجلات", "Register editor", [WRITE]),  # held with reader, as the scopes were
    ("lineage_editor", "محرر الفرز والدمج", "Split and merge editor", [LINEAGE]),
    ("planner", "مخطط عمراني", "Planner", [READ, WRITE]),
    ("gis_editor", "محرر نظم المعلومات الجغرافية", "GIS editor", [READ, WRITE, LINEAGE]),
    ("survey_reviewer", "مراجع القرارات المساحية", "Survey reviewer", [READ, "surveys.review"]),
    ("permit_reviewer", "مراجع الرخص الفنية", "Permit reviewer", [READ, "permits.review"]),
    ("permit_approver", "معتمد الرخص الفنية", "Permit approver", [READ, "permits.review", "permits.approve"]),
    ("building_inspector", "مراقب البناء", "Building inspector", [READ, "permits.inspect"]),
    ("licensing_officer", "موظف الرخص التجارية", "Licensing officer", [READ, "licensing.manage"]),
    ("health_inspector", "مراقب صحي", "Health inspector", [READ, "inspections.perform"]),
    ("inspection_supervisor", "مشرف الرقابة", "Inspection supervisor",
     [READ, "inspections.perform", "inspections.supervise"]),
    ("grants_officer", "موظف المنح", "Grants officer", [READ, "grants.manage"]),
    ("investment_officer", "موظف الاستثمار", "Investment officer", [READ, "investment.manage"]),
    ("tender_committee_member", "عضو لجنة فحص العروض", "Tender committee member", [READ, "investment.evaluate_bids"]),
    ("finance_officer", "موظف المالية", "Finance officer", [READ, "payments.manage"]),
    ("finance_manager", "مدير المالية", "Finance manager", [READ, "payments.manage", "payments.approve"]),
    ("complaints_handler", "موظف البلاغات", "Complaints handler", [READ, "complaints.handle"]),
    ("council_secretary", "أمين المجلس البلدي", "Council secretary", [READ, "council.manage"]),
    ("department_supervisor", "مدير الإدارة", "Department supervisor", [READ, "cases.supervise"]),
    ("municipality_admin", "مدير النظام في البلدية", "Municipality administrator",
     [READ, WRITE, LINEAGE, "accounts.manage_members", "cases.supervise"]),
]


def roles_sync(role_model=None) -> int:
    """Create or update the catalogue's roles (by code); roles added in the admin are left alone. Returns how
    many there are. ``role_model``: the historical model in a migration, the current one otherwise."""
    if role_model is None:
        from accounts.models import Role as role_model
    for code, name_ar, name_en, permissions in ROLES:
        role_model.objects.update_or_create(
            code=code, defaults={"name_ar": name_ar, "name_en": name_en, "permissions": permissions}
        )
    return len(ROLES)
