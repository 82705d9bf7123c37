"""The finance officers' pages (``/finance/…``; the reconciliation page is ``web.finance.reconciliation_urls``)."""

from django.urls import path

from web.finance import actions, bills, revenue, unpaid_map

app_name = "finance"
urlpatterns = [
    path("", bills.BillListView.as_view(), name="bills"),
    path("bills/<int:pk>/", bills.BillView.as_view(), name="bill"),
    path("bills/<int:pk>/cancel/", actions.BillCancelView.as_view(), name="bill-cancel"),
    path("payments/<int:pk>/refund/", actions.RefundRequestView.as_view(), name="refund-request"),
    path("refunds/<int:pk>/decide/", actions.RefundDecideView.as_view(), name="refund-decide"),
    path("revenue/", revenue.RevenueView.as_view(), name="revenue"),
    path("map/", unpaid_map.UnpaidMapView.as_view(), name="map"),
]
