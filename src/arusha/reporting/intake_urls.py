"""URL map of the anonymous intake: its own URLconf, served alone or mounted under /report/."""

from __future__ import annotations

from django.urls import path

from arusha.reporting import intake_views as views

app_name = "intake"

urlpatterns = [
    path("", views.index, name="index"),
    path("language/", views.set_language, name="set_language"),
    path("return/", views.return_with_receipt, name="return"),
    path("thread/", views.thread, name="thread"),
    path("leave/", views.leave, name="leave"),
    path("<slug:slug>/", views.channel_home, name="channel"),
    path("<slug:slug>/new/", views.submit_report, name="submit"),
]
