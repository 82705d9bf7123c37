"""The cases' API under /api/v1/ (included by ``api.urls`` through ``CasesConfig.api_urls``)."""

from django.urls import path

from cases import apis, applicant_apis, staff_apis
from cases.documents import apis as documents

urlpatterns = [
    path("case-types/", apis.CaseTypeListApi.as_view(), name="case-types"),
    path("cases/", apis.CaseListApi.as_view(), name="cases-list"),
    path("cases/reports/overdue/", staff_apis.OverdueReportApi.as_view(), name="cases-report-overdue"),
    path("cases/delegations/", staff_apis.DelegationApi.as_view(), name="cases-delegations"),
    path("cases/<int:pk>/", apis.CaseDetailApi.as_view(), name="cases-detail"),
    path("cases/<int:pk>/transitions/", apis.CaseTransitionApi.as_view(), name="cases-transition"),
    path("cases/<int:pk>/assign/", apis.CaseAssignApi.as_view(), name="cases-assign"),
    path("cases/<int:pk>/hold/", apis.CaseHoldApi.as_view(), name="cases-hold"),
    path("cases/<int:pk>/resume/", apis.CaseResumeApi.as_view(), name="cases-resume"),
    path("cases/<int:pk>/comments/", apis.CaseCommentApi.as_view(), name="cases-comment"),
    path("cases/<int:pk>/documents/", documents.CaseDocumentListApi.as_view(), name="cases-documents"),
    path("cases/<int:pk>/documents/<int:doc_pk>/file", documents.CaseDocumentFileApi.as_view(),
         name="cases-document-file"),
    path("cases/<int:pk>/issued/", documents.IssuedListApi.as_view(), name="cases-issued"),
    path("cases/<int:pk>/issued/<int:doc_pk>/file", documents.IssuedFileApi.as_view(), name="cases-issued-file"),
    path("cases/<int:pk>/objections/", staff_apis.CaseObjectionApi.as_view(), name="cases-objection"),
    path("cases/<int:pk>/parties/", staff_apis.CasePartiesApi.as_view(), name="cases-parties"),
    # The applicant's side: a signed-in person, no staff membership (api.base.PersonApiBase).
    path("my/cases/", applicant_apis.MyCaseListApi.as_view(), name="my-cases"),
    path("my/cases/<int:pk>/", applicant_apis.MyCaseDetailApi.as_view(), name="my-cases-detail"),
    path("my/cases/<int:pk>/transitions/", applicant_apis.MyCaseTransitionApi.as_view(), name="my-cases-transition"),
    path("my/cases/<int:pk>/objections/", applicant_apis.MyCaseObjectionApi.as_view(), name="my-cases-objection"),
    path("my/cases/<int:pk>/documents/", applicant_apis.MyCaseDocumentListApi.as_view(), name="my-cases-documents"),
    path("my/cases/<int:pk>/documents/<int:doc_pk>/file", applicant_apis.MyCaseDocumentFileApi.as_view(),
         name="my-cases-document-file"),
    path("my/cases/<int:pk>/issued/<int:doc_pk>/file", applicant_apis.MyCaseIssuedFileApi.as_view(),
         name="my-cases-issued-file"),
]
