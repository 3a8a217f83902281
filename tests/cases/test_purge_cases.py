"""Purging removes every trace of an expired case but the record that one was deleted."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command, load_command_class
from django.utils import timezone

from arusha.cases import handling
from arusha.cases.models import Case, DeletionRecord, InternalNote, Referral, ReferralGrant
from arusha.core.audit import AuditEntry
from arusha.reporting.models import Attachment, Message, Report, ReportKeyGrant
from arusha.reporting.threads import CleanUpload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _closed(send, helena, months_ago: int, outcome: str = "outside_scope", **kw) -> Case:
    case = send(
        uploads=(CleanUpload("a.txt", "text/plain", b"secret file"),),
        description="Purge me",
        **kw,
    )
    handling.acknowledge(case, helena)
    handling.add_note(case, helena, "note")
    handling.reply(case, helena, "reply")
    handling.close(case, helena, outcome)
    closed = timezone.localdate() - timedelta(days=31 * months_ago)
    Case.objects.filter(pk=case.pk).update(closed_on=closed)
    case.refresh_from_db()
    return case


def _purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_cases", *args, stdout=out)
    return out.getvalue()


def test_the_command_has_help_with_an_example():
    assert (
        "Example: arusha manage purge_cases"
        in load_command_class("arusha.cases", "purge_cases").help
    )


def test_a_dry_run_deletes_nothing(send, helena):
    case = _closed(send, helena, months_ago=5)
    output = _purge("--dry-run")
    assert str(case.code) in output and "would be deleted" in output
    assert Report.objects.filter(pk=case.report_id).exists()
    assert not DeletionRecord.objects.exists()


def test_purge_removes_every_trace_but_the_deletion_record(send, helena, hugo, ines):
    case = _closed(send, helena, months_ago=5, identity="Someone")
    report = case.report
    path = Attachment.objects.get(report=report).path
    assert path.exists()
    _purge()
    assert not Report.objects.filter(pk=report.pk).exists()
    assert not Case.objects.exists()
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert not ReportKeyGrant.objects.exists()  # the keys that could open it
    assert not InternalNote.objects.exists()
    assert not Referral.objects.exists() and not ReferralGrant.objects.exists()
    assert not path.exists()
    record = DeletionRecord.objects.get()
    assert (record.outcome, record.deleted_on) == ("outside_scope", timezone.localdate())
    entry = AuditEntry.objects.get(action="cases.case_purged")
    assert entry.object_id == "" and "Purge me" not in str(entry.details)


def test_unexpired_and_held_cases_are_kept(send, helena):
    recent = _closed(send, helena, months_ago=1)  # outside scope keeps 3 months
    substantiated = _closed(send, helena, months_ago=5, outcome="substantiated")  # 60 months
    held = _closed(send, helena, months_ago=5)
    held.legal_hold = True
    held.save()
    open_case = send()
    open_case.received_on = date(2020, 1, 1)
    open_case.save()
    _purge()
    assert set(Case.objects.all()) == {recent, substantiated, held, open_case}
    assert not DeletionRecord.objects.exists()


def test_a_handler_puts_a_case_on_legal_hold_and_it_survives_the_purge(client, send, helena):
    from django.urls import reverse

    from tests.cases.conftest import actions, handler_client

    case = _closed(send, helena, months_ago=5)
    handler_client(client, helena).post(
        reverse("cases:act", args=[case.code, "hold"]), {"hold": "on"}
    )
    _purge()
    case.refresh_from_db()
    assert case.legal_hold and "cases.legal_hold_set" in actions(case)
