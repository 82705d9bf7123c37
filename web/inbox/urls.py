from django.urls import path

from web.inbox import apply, case_page, lists

urlpatterns = [
    path("inbox/", lists.InboxView.as_view(), name="inbox"),
    path("inbox/cases/<int:pk>/", case_page.CaseView.as_view(), name="inbox-case"),
    path("inbox/cases/<int:pk>/act/", case_page.ActView.as_view(), name="inbox-act"),
    path("inbox/new/<slug:case_type>/", apply.ApplyView.as_view(), name="inbox-new"),
]
