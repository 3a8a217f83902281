"""URLs of the respondent surface, mounted under /survey/ (see middleware.py)."""

from __future__ import annotations

from django.urls import path

from arusha.surveys import respond_views as views

app_name = "survey"

urlpatterns = [
    path("language/", views.set_language, name="set_language"),
    path("thanks/", views.thanks, name="thanks"),
    path("i/<str:token>/", views.by_invitation, name="invitation"),
    path("o/<uuid:code>/<str:token>/", views.by_open_link, name="open"),
    path("r/<uuid:code>/<str:token>/", views.resume, name="resume"),
]
