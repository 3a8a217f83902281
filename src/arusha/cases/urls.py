"""URL map of case handling, mounted under /cases/."""

from __future__ import annotations

from django.urls import path

from arusha.cases import stats_views, views

app_name = "cases"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("conflicts/", views.conflict_list, name="conflicts"),
    path("identity/", views.identity_requests, name="identity_requests"),
    path("identity/<uuid:code>/", views.identity_decide, name="identity_decide"),
    path("referrals/<uuid:code>/", views.referral_download, name="referral_download"),
    path("dashboard/", stats_views.dashboard, name="dashboard"),
    path("statistics/", stats_views.statistics_page, name="statistics"),
    path(
        "statistics/export.<str:fmt>",
        stats_views.statistics_export,
        name="statistics_export",
    ),
    path("statistics/region/<str:region>/", stats_views.region_statistics, name="region"),
    path("<uuid:code>/", views.case_detail, name="detail"),
    path("<uuid:code>/refer/", views.case_refer, name="refer"),
    path("<uuid:code>/<slug:act>/", views.case_act, name="act"),
]
