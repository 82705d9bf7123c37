"""The cases' API under /api/v1/ (included by ``api.urls`` through ``CasesConfig.api_urls``)."""

from django.urls import path

from cases import apis
from cases.documents import apis as documents

urlpatterns = [
    path("case-types/", apis.CaseTypeListApi.as_view(), name="case-types"),
    path("cases/", apis.CaseListApi.as_view(), name="cases-list"),
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
]
