"""The audit trail is append-only and any tampering is detected and named."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from arusha.core import audit
from arusha.core.audit import AuditEntry, AuditLogIsAppendOnly, verify_chain


@pytest.fixture
def chain(alice: Any) -> list[AuditEntry]:
    return [audit.record(alice, f"test.step_{n}", alice, details={"n": n}) for n in range(5)]


def _drop_guards() -> None:
    """Act as an intruder with direct database access: remove the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute("DROP TRIGGER audit_entry_no_delete")
        else:
            cursor.execute("DROP TRIGGER audit_entry_append_only ON core_auditentry")


def _raw(sql: str, *params: object) -> None:
    _drop_guards()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_untouched_chain_verifies(chain: list[AuditEntry]) -> None:
    assert verify_chain() == []
    call_command("verify_audit")


def test_each_entry_links_to_the_one_before(chain: list[AuditEntry]) -> None:
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.entry_hash
        assert after.seq == before.seq + 1


def test_the_orm_refuses_to_change_or_delete_entries(chain: list[AuditEntry]) -> None:
    entry = chain[0]
    entry.action = "forged"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_entries(alice: Any) -> None:
    entry = audit.record(alice, "test.guarded")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])


def test_an_edited_entry_is_detected_and_named(chain: list[AuditEntry]) -> None:
    _raw("UPDATE core_auditentry SET details = %s WHERE seq = 3", '{"n": 99}')
    problems = verify_chain()
    assert [p.seq for p in problems] == [3]
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_an_edited_actor_is_detected(chain: list[AuditEntry]) -> None:
    _raw("UPDATE core_auditentry SET actor_label = 'mallory' WHERE seq = 2")
    assert [p.seq for p in verify_chain()] == [2]


def test_a_deleted_entry_is_detected(chain: list[AuditEntry]) -> None:
    _raw("DELETE FROM core_auditentry WHERE seq = 2")
    problems = verify_chain()
    assert problems
    assert problems[0].seq == 3
    assert "missing" in problems[0].message


def test_a_deleted_last_entry_is_detected(chain: list[AuditEntry]) -> None:
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    _raw("DELETE FROM core_auditentry WHERE seq = %s", last.seq)
    problems = verify_chain()
    assert [p.seq for p in problems] == [last.seq]


def test_reordered_entries_are_detected(chain: list[AuditEntry]) -> None:
    _raw("UPDATE core_auditentry SET seq = 100 WHERE seq = 2")
    _raw_no_drop("UPDATE core_auditentry SET seq = 2 WHERE seq = 4")
    _raw_no_drop("UPDATE core_auditentry SET seq = 4 WHERE seq = 100")
    problems = verify_chain()
    assert {p.seq for p in problems} >= {2, 4}


def test_a_rehashed_forgery_fails_without_the_chain_key(
    chain: list[AuditEntry], settings: Any
) -> None:
    forged = AuditEntry.objects.get(seq=3)
    forged.action = "forged"
    settings.AUDIT_CHAIN_KEY = "an intruder's guess"
    forged_hash = forged.compute_hash()
    settings.AUDIT_CHAIN_KEY = "audit-chain:" + settings.SECRET_KEY
    _raw("UPDATE core_auditentry SET action = 'forged', entry_hash = %s WHERE seq = 3", forged_hash)
    assert 3 in {p.seq for p in verify_chain()}


def test_the_command_names_the_tampered_entry(chain: list[AuditEntry], capsys: Any) -> None:
    _raw("UPDATE core_auditentry SET action = 'forged' WHERE seq = 4")
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert "entry #4" in capsys.readouterr().err


def _raw_no_drop(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)
