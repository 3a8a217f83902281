"""Side effects of role changes: admin-site access follows the platform administrator role."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from arusha.core import audit
from arusha.core.models import Membership, Role, User


def _sync_staff(user: User) -> None:
    is_admin = user.memberships.filter(role=Role.PLATFORM_ADMIN).exists()
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        User.objects.filter(pk=user.pk).update(is_staff=is_admin, is_superuser=is_admin)


@receiver(post_save, sender=Membership)
def membership_saved(sender: type, instance: Membership, created: bool, **kwargs: Any) -> None:
    if created:
        audit.record(
            None,
            "membership.granted",
            instance.user,
            organisation=instance.organisation,
            details={"role": instance.role, "organisation": str(instance.organisation.code)},
        )
    _sync_staff(instance.user)


@receiver(post_delete, sender=Membership)
def membership_deleted(sender: type, instance: Membership, **kwargs: Any) -> None:
    audit.record(
        None,
        "membership.revoked",
        instance.user,
        organisation=instance.organisation_id,
        details={"role": instance.role},
    )
    _sync_staff(instance.user)
