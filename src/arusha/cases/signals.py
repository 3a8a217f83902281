"""A handler's message sent from any page (the reporting pages too) stops the feedback clock."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from arusha.cases.models import Case
from arusha.reporting.models import Message


@receiver(post_save, sender=Message, dispatch_uid="cases.feedback_clock")
def stop_feedback_clock(sender: type[Message], instance: Message, created: bool, **kw: Any) -> None:
    if not created or instance.author_kind != Message.Author.HANDLER:
        return
    case = Case.objects.filter(report_id=instance.report_id).first()
    if case is not None:
        case.feedback_given(case.today())
