"""Root URLconf of the stand-alone intake host: the intake at the root, nothing else at all."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("", include("arusha.reporting.intake_urls"))]
handler404 = "arusha.reporting.intake_views.not_found"
handler500 = "arusha.reporting.intake_views.server_error"
