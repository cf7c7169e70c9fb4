from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from spona.api import people, planning, plans, statistics, views

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", views.api_docs, name="api_docs"),
    path("v1/me/", views.CurrentUser.as_view(), name="api_me"),
    path("v1/municipalities/", views.MunicipalityList.as_view(), name="api_municipality_list"),
    path(
        "v1/municipalities/<str:code>/",
        views.MunicipalityDetail.as_view(),
        name="api_municipality_detail",
    ),
    path("v1/institutions/", views.InstitutionList.as_view(), name="api_institution_list"),
    path(
        "v1/institutions/<int:pk>/",
        views.InstitutionDetail.as_view(),
        name="api_institution_detail",
    ),
    path("v1/providers/", views.ProviderList.as_view(), name="api_provider_list"),
    path("v1/providers/<int:pk>/", views.ProviderDetail.as_view(), name="api_provider_detail"),
    path("v1/offers/", views.OfferList.as_view(), name="api_offer_list"),
    path("v1/signals/", views.SignalList.as_view(), name="api_signal_list"),
    path("v1/signals/<str:code>/", views.SignalDetail.as_view(), name="api_signal_detail"),
    path("v1/surveys/waves/", views.WaveList.as_view(), name="api_wave_list"),
    path("v1/planning/readiness/", views.ReadinessList.as_view(), name="api_readiness_list"),
    path("v1/planning/activities/", views.ActivityList.as_view(), name="api_activity_list"),
    path(
        "v1/planning/activities/<int:pk>/indicators/",
        planning.ActivityIndicators.as_view(),
        name="api_activity_indicators",
    ),
    path(
        "v1/planning/activities/<int:pk>/progress/",
        planning.ActivityProgress.as_view(),
        name="api_activity_progress",
    ),
    path("v1/planning/comparison/", planning.Comparison.as_view(), name="api_plan_comparison"),
    path(
        "v1/surveys/waves/<int:pk>/estimates/",
        views.WaveEstimates.as_view(),
        name="api_wave_estimates",
    ),
    path("v1/prevention/risk-map/", views.RiskMap.as_view(), name="api_risk_map"),
    path("v1/screenings/", views.ScreeningList.as_view(), name="api_screening_list"),
    path("v1/screenings/<int:pk>/", views.ScreeningDetail.as_view(), name="api_screening_detail"),
    path(
        "v1/screenings/<int:pk>/rescreen/",
        views.ScreeningRescreen.as_view(),
        name="api_screening_rescreen",
    ),
    path(
        "v1/statistics/dashboard/",
        views.StatisticsDashboard.as_view(),
        name="api_statistics_dashboard",
    ),
    path(
        "v1/statistics/privacy-budget/",
        statistics.StatisticsPrivacyBudget.as_view(),
        name="api_statistics_privacy_budget",
    ),
    path(
        "v1/statistics/dp-releases/",
        statistics.StatisticsDpRelease.as_view(),
        name="api_statistics_dp_release",
    ),
    path("v1/people/duplicates/", people.DuplicateList.as_view(), name="api_duplicate_list"),
    path("v1/people/duplicates/scan/", people.DuplicateScan.as_view(), name="api_duplicate_scan"),
    path(
        "v1/people/duplicates/<int:pk>/confirm/",
        people.DuplicateConfirm.as_view(),
        name="api_duplicate_confirm",
    ),
    path(
        "v1/people/duplicates/<int:pk>/reject/",
        people.DuplicateReject.as_view(),
        name="api_duplicate_reject",
    ),
    path("v1/plans/", plans.PlanList.as_view(), name="api_plan_list"),
    path("v1/plans/<str:code>/", plans.PlanDetail.as_view(), name="api_plan_detail"),
    path("v1/plans/<str:code>/goals/", plans.PlanGoals.as_view(), name="api_plan_goals"),
    path("v1/plans/<str:code>/reviews/", plans.PlanReviews.as_view(), name="api_plan_reviews"),
    path("v1/plans/<str:code>/move/", plans.PlanMove.as_view(), name="api_plan_move"),
]
