"""Investment's API under /api/v1/ (api/urls.py includes it: InvestmentConfig.api_urls)."""

from django.urls import path

from investment import apis

urlpatterns = [
    path("investment/opportunities", apis.OpportunitiesApi.as_view(), name="investment-opportunities"),
    path("investment/opportunities/<int:pk>", apis.PublicOpportunityApi.as_view(), name="investment-opportunity"),
    path("investment/sites", apis.SitesApi.as_view(), name="investment-sites"),
    path("investment/opportunities/<int:pk>/publish", apis.PublishApi.as_view(), name="investment-publish"),
    path("investment/opportunities/<int:pk>/bids", apis.BidsApi.as_view(), name="investment-bids"),
    path("investment/opportunities/<int:pk>/booklet", apis.BookletApi.as_view(), name="investment-booklet"),
    path("investment/opportunities/<int:pk>/bid", apis.BidApi.as_view(), name="investment-bid"),
    path("investment/opportunities/<int:pk>/shares", apis.SharesApi.as_view(), name="investment-shares"),
    path("investment/opportunities/<int:pk>/votes", apis.VotesApi.as_view(), name="investment-votes"),
    path("investment/opportunities/<int:pk>/award", apis.AwardApi.as_view(), name="investment-award"),
    path("investment/opportunities/<int:pk>/cancel", apis.CancelApi.as_view(), name="investment-cancel"),
    path("investment/opportunities/<int:pk>/contract", apis.ContractApi.as_view(), name="investment-contract"),
    path("investment/contracts/<int:pk>/<str:step>", apis.ContractStepApi.as_view(), name="investment-contract-step"),
    path("investment/overdue", apis.OverdueApi.as_view(), name="investment-overdue"),
]
