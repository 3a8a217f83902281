"""URL map of the public agreement pages, under /public/agreements/ (no sign-in)."""

from __future__ import annotations

from django.urls import path

from arusha.partnerships import public

app_name = "public_agreements"

urlpatterns = [
    path("", public.public_list, name="list"),
    path("<uuid:code>/", public.public_detail, name="detail"),
    path("<uuid:code>/document/", public.public_document, name="document"),
]
