"""Reminders: once a day per overdue or nearly due case, without any case content."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command, load_command_class
from django.utils import timezone

from arusha.core.audit import AuditEntry


def test_the_command_has_help_with_an_example():
    command = load_command_class("arusha.cases", "send_case_reminders")
    assert "Example: arusha manage send_case_reminders" in command.help


def test_overdue_cases_are_reminded_once_a_day_without_content(send, helena):
    late = send(description="Secret gate 3 story")
    late.received_on = timezone.localdate() - timedelta(days=9)
    late.save()
    send()  # fresh: neither overdue nor due soon
    out = StringIO()
    call_command("send_case_reminders", stdout=out)
    assert "1 case(s) flagged; 1 person(s) reminded." in out.getvalue()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [helena.email]
    assert (
        "Secret" not in mail.outbox[0].body and "1 of your cases are overdue" in mail.outbox[0].body
    )
    call_command("send_case_reminders", stdout=StringIO())
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="cases.reminders_sent").count() == 2
