"""The append-only audit trail: who did what to which object, when, in a keyed hash chain.

Each entry's hash is an HMAC over its own fields and the previous entry's hash, so editing,
deleting or reordering any stored entry breaks the chain at that entry. A single head row holds
the newest sequence number and hash, so removing entries from the end is detected too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arusha.core.audit_labels import label_for

if TYPE_CHECKING:
    from collections.abc import Iterator

GENESIS = "0" * 64


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or remove a recorded audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")

    def for_object(self, obj: models.Model) -> AuditEntryQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=_object_id(obj))


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(_("when"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Deleting a user must not rewrite the entries that name them.
        models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("who"), max_length=150, editable=False)
    action = models.CharField(_("action"), max_length=80, editable=False)
    object_type = models.CharField(max_length=100, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    organisation_id = models.BigIntegerField(null=True, blank=True, editable=False)
    details = models.JSONField(default=dict, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")

    @property
    def action_label(self) -> str:
        """What was done, in the reader's language (the stored code when it has no label)."""
        return label_for(self.action)

    def payload(self) -> dict[str, Any]:
        """The fields the hash covers, in a form that survives a database round trip."""
        return {
            "seq": self.seq,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "organisation": self.organisation_id,
            "details": self.details,
            "prev": self.prev_hash,
        }

    def compute_hash(self) -> str:
        message = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"))
        key = settings.AUDIT_CHAIN_KEY.encode()
        return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


class AuditHead(models.Model):
    """The one row that remembers where the chain ends; locked while an entry is appended."""

    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head at #{self.seq}"


def _object_id(obj: models.Model) -> str:
    return str(getattr(obj, "code", None) or obj.pk)


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    organisation: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail. `actor` is a user, or None for the system."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor if is_user else None,
            actor_label=actor.get_username() if is_user else "system",
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=_object_id(obj) if obj is not None else "",
            organisation_id=getattr(organisation, "pk", organisation),
            details=json.loads(json.dumps(details or {}, default=str)),
            prev_hash=head.entry_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, entry_hash=entry.entry_hash)
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str

    def __str__(self) -> str:
        return f"entry #{self.seq}: {self.message}"


def _walk(entries: Iterator[AuditEntry]) -> Iterator[ChainProblem]:
    expected_seq, prev = 1, GENESIS
    for entry in entries:
        if entry.seq != expected_seq:
            yield ChainProblem(entry.seq, f"expected entry #{expected_seq} here (missing or moved)")
        if entry.prev_hash != prev:
            yield ChainProblem(entry.seq, "does not follow the entry before it")
        if not hmac.compare_digest(entry.compute_hash(), entry.entry_hash):
            yield ChainProblem(entry.seq, f"was altered ({entry.action} by {entry.actor_label})")
        expected_seq, prev = entry.seq + 1, entry.entry_hash


def verify_chain() -> list[ChainProblem]:
    """Walk the whole chain; return every problem found, in order (empty when intact)."""
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    problems = list(_walk(entries))
    head = AuditHead.objects.filter(pk=1).first()
    last = AuditEntry.objects.order_by("-seq").first()
    head_seq = head.seq if head else 0
    last_seq = last.seq if last else 0
    if head_seq != last_seq:
        problems.append(
            ChainProblem(head_seq, f"the chain should end at #{head_seq} but ends at #{last_seq}")
        )
    elif head and last and head.entry_hash != last.entry_hash:
        problems.append(ChainProblem(last.seq, "the last entry differs from the recorded head"))
    return problems
