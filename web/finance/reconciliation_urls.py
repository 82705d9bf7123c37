"""/finance/reconciliation/ (config/urls.py includes it before the site's own pages)."""

from django.urls import path, re_path

from web.finance import reconciliation as views

app_name = "reconciliation"
DAY = r"(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})"
urlpatterns = [
    path("", views.DaysView.as_view(), name="days"),
    re_path(rf"^{DAY}/$", views.DayView.as_view(), name="day"),
    re_path(rf"^{DAY}/reconcile/$", views.ReconcileNowView.as_view(), name="reconcile"),
    re_path(rf"^{DAY}/export\.(?P<fmt>csv|xlsx)$", views.ExportView.as_view(), name="export"),
    path("discrepancies/<int:pk>/take/", views.TakeView.as_view(), name="take"),
    path("discrepancies/<int:pk>/resolve/", views.ResolveView.as_view(), name="resolve"),
]
