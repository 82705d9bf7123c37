from licensing.models.inspections import (
    InspectionRoute,
    SubmissionStatus,
    Violation,
    ViolationStatus,
    Visit,
    VisitKind,
    VisitPhoto,
    VisitResult,
    VisitStatus,
    VisitSubmission,
)
from licensing.models.premises import (
    ChildPermit,
    ChildPermitKind,
    Establishment,
    HealthCertificate,
    InspectorArea,
    License,
    LicenseStatus,
    Premises,
    SizeClass,
)
from licensing.models.reference import Activity, ChecklistItem, Penalty, Requirement, RiskLevel, Severity

__all__ = ["Activity", "ChecklistItem", "ChildPermit", "ChildPermitKind", "Establishment", "HealthCertificate",
           "InspectionRoute", "InspectorArea", "License", "LicenseStatus", "Penalty", "Premises", "Requirement",
           "RiskLevel", "Severity", "SizeClass", "SubmissionStatus", "Violation", "ViolationStatus", "Visit",
           "VisitKind", "VisitPhoto", "VisitResult", "VisitStatus", "VisitSubmission"]
