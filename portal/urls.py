from django.urls import include, path

from portal import apply, objections, services_pages, transactions, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("transactions/", transactions.transactions, name="transactions"),
    path("transactions/<int:pk>/", transactions.transaction_detail, name="transaction"),
    path("transactions/<int:pk>/step/", transactions.transaction_step, name="transaction-step"),
    path("transactions/<int:pk>/objection/", objections.objection_new, name="transaction-objection"),
    path("inquiry/", transactions.inquiry, name="inquiry"),
    path("services/", apply.service_list, name="services"),
    path("apply/<slug:case_type>/", apply.apply, name="apply"),
    path("grant/", services_pages.grant, name="grant"),
    path("investment/", services_pages.investment, name="investment"),
    path("verify/", services_pages.verify, name="verify"),
    path("", include("portal.identity.urls")),
    path("", include("portal.complaint_pages.urls")),
]
