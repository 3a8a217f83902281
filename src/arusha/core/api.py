"""API for organisations and people, with the same access rules as the pages.

No `from __future__ import annotations` here: Django Ninja reads the annotations at import time.
"""

from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema

from arusha.core import access
from arusha.core.models import Membership, Organisation, User
from arusha.core.paging import paginate

router = Router(tags=["organisations and people"])


class OrganisationOut(Schema):
    code: UUID
    name: str
    short_name: str
    kind: str
    country: str = Field(..., alias="country.code")
    wco_region: str
    private_kind: str
    pscg_member: bool
    international_kind: str
    website: str


class MembershipOut(Schema):
    organisation: UUID = Field(..., alias="organisation.code")
    organisation_name: str = Field(..., alias="organisation.name")
    role: str


class UserOut(Schema):
    code: UUID
    username: str
    first_name: str
    last_name: str
    email: str
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        return list(obj.memberships.select_related("organisation"))


class OrganisationFilter(FilterSchema):
    kind: str | None = None
    wco_region: str | None = None
    q: Annotated[str | None, FilterLookup(["name__icontains", "short_name__icontains"])] = None


@router.get("/me", response=UserOut, summary="The user behind this request")
def me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    summary="The directory of organisations on the platform",
)
@paginate
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilter]) -> object:
    return filters.filter(Organisation.objects.all())


@router.get("/organisations/{code}", response=OrganisationOut, summary="One organisation")
def get_organisation(request: HttpRequest, code: UUID) -> Organisation:
    return get_object_or_404(Organisation, code=code)


@router.get(
    "/organisations/{code}/members",
    response=list[UserOut],
    summary="People of an organisation (members and platform administrators only)",
)
def organisation_members(request: HttpRequest, code: UUID) -> list[User]:
    organisation, _can_write = access.get_organisation_for_user(request.user, code)  # type: ignore[arg-type]
    return list(
        User.objects.filter(memberships__organisation=organisation, is_active=True)
        .distinct()
        .prefetch_related("memberships__organisation")
    )


@router.get("/users", response=list[UserOut], summary="People you may see")
@paginate
def list_users(request: HttpRequest) -> object:
    return access.visible_users(request.user).order_by("username")  # type: ignore[arg-type]


@router.get("/users/{code}", response=UserOut, summary="One person you may see")
def get_user(request: HttpRequest, code: UUID) -> User:
    return access.get_user_for_user(request.user, code)  # type: ignore[arg-type]
