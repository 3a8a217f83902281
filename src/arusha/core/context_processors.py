"""Values every page template needs."""

from __future__ import annotations

from django.http import HttpRequest

from arusha.core.models import Role


def navigation(request: HttpRequest) -> dict[str, object]:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return {"nav_roles": set()}
    roles = user.roles()  # type: ignore[union-attr]
    return {
        "nav_roles": roles,
        "nav_is_admin": Role.PLATFORM_ADMIN in roles,
        "nav_regions": sorted(user.coordinated_regions()),  # type: ignore[union-attr]
    }
