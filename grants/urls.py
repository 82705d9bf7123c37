"""Land grants' API under /api/v1/ (api/urls.py includes it: GrantsConfig.api_urls)."""

from django.urls import path

from grants import apis

urlpatterns = [
    path("grants/inquiry", apis.InquiryApi.as_view(), name="grants-inquiry"),
    path("grants/lotteries", apis.LotteriesApi.as_view(), name="grants-lotteries"),
    path("grants/lotteries/<str:number>/bundle", apis.BundleApi.as_view(), name="grants-bundle"),
    path("grants/lottery_core.py", apis.lottery_script, name="grants-script"),
    path("grants/programmes", apis.ProgrammesApi.as_view(), name="grants-programmes"),
    path("grants/programmes/<slug:code>/eligibility", apis.EligibilityApi.as_view(), name="grants-eligibility"),
    path("grants/programmes/<slug:code>/pool", apis.PoolApi.as_view(), name="grants-pool"),
    path("grants/programmes/<slug:code>/lotteries", apis.CommitApi.as_view(), name="grants-commit"),
    path("grants/lotteries/<str:number>/draw", apis.DrawApi.as_view(), name="grants-draw"),
    path("grants/lotteries/<str:number>/batches/<int:n>", apis.BatchApi.as_view(), name="grants-batch"),
    path("grants/lotteries/<str:number>/batches/<int:n>/verify", apis.BatchVerifyApi.as_view(),
         name="grants-batch-verify"),
    path("grants/applications/<str:number>/deed", apis.DeedApi.as_view(), name="grants-deed"),
    path("grants/applications/<str:number>/transfer", apis.TransferApi.as_view(), name="grants-transfer"),
]
