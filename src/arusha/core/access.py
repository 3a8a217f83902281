"""Object-level access: one helper per object type, each the first line of the views that use it.

The rule of the field: a user sees their own organisation's data; a regional coordinator sees
only aggregates for their region; platform administrators manage the platform. Anything a user
may not see is answered with 404, so an outsider cannot even learn that it exists.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from arusha.core.models import Organisation, Role, User

WRITE_ROLES = {Role.PLATFORM_ADMIN, Role.INTEGRITY_OFFICER}


def is_code(value: str) -> bool:
    """Whether `value` has the form of an object's public code (a UUID), before looking it up."""
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def visible_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations whose internal details (members, roles) the user may see."""
    if user.is_platform_admin:
        return Organisation.objects.all()
    return user.organisations()


def get_organisation_for_user(user: User, code: UUID | str) -> tuple[Organisation, bool]:
    """The organisation with this code and whether the user may change it, or 404."""
    try:
        organisation = visible_organisations(user).get(code=code)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    roles = set(user.memberships.filter(organisation=organisation).values_list("role", flat=True))
    can_write = user.is_platform_admin or bool(roles & {Role.INTEGRITY_OFFICER})
    return organisation, can_write


def visible_users(user: User) -> QuerySet[User]:
    """People the user may see: colleagues in their own organisations, everyone for admins."""
    if user.is_platform_admin:
        return User.objects.filter(is_active=True)
    return User.objects.filter(
        is_active=True, memberships__organisation__in=user.organisations()
    ).distinct()


def get_user_for_user(user: User, code: UUID | str) -> User:
    try:
        return visible_users(user).get(code=code)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def region_for_coordinator(user: User, region: str) -> str:
    """The region if the user coordinates it (or administers the platform), else 404."""
    if user.is_platform_admin or region in user.coordinated_regions():
        return region
    raise Http404
