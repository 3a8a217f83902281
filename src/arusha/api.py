"""The REST API root: one NinjaAPI that each app adds its router to, documented by OpenAPI."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from arusha import __version__
from arusha.assessments.api import router as assessments_router
from arusha.cases.api import router as cases_router
from arusha.core import api_errors
from arusha.core.api import router as core_router
from arusha.core.invalid import Invalid
from arusha.core.models import ApiToken
from arusha.integrity.api import router as integrity_router
from arusha.partnerships.api import router as partnerships_router
from arusha.questionnaires.api import router as questionnaires_router
from arusha.surveys.api import router as surveys_router


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ar_…` with a personal token from the account page."""

    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        user = ApiToken.authenticate(token)
        if user is None:
            # A token was given and is wrong (or revoked): say so, rather than fall back to the
            # browser session, whose CSRF check would answer a script "CSRF check Failed".
            raise AuthenticationError(message="The token is not valid: it may have been revoked.")
        request.user = user
        return user


class ArushaAPI(NinjaAPI):
    """The API, whose OpenAPI document also describes the error answers of every operation."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return api_errors.document(super().get_openapi_schema(**kwargs))


api = ArushaAPI(
    title="Arusha API",
    version=__version__,
    description=(
        "The integrity platform's REST API. Authenticate with a personal token "
        "(Authorization: Bearer …) created on your account page, or with your browser session."
    ),
    auth=[TokenAuth(), django_auth],
    throttle=[AnonRateThrottle(settings.API_RATE_ANON), AuthRateThrottle(settings.API_RATE_USER)],
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/partnerships", partnerships_router)
api.add_router("/questionnaires", questionnaires_router)
api.add_router("/", assessments_router)
api.add_router("/surveys", surveys_router)
api.add_router("/cases", cases_router)
api.add_router("/integrity", integrity_router)


@api.exception_handler(Invalid)
def invalid_form(request: HttpRequest, error: Invalid) -> HttpResponse:
    """A form's messages as a 422, in the shape of Ninja's own validation errors."""
    detail = [
        {"loc": ["body", field], "msg": " ".join(messages), "type": "invalid"}
        for field, messages in error.errors.items()
    ]
    return api.create_response(request, {"detail": detail}, status=422)
