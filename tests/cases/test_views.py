"""The case pages: who sees what, and every step recorded in the audit trail."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from arusha.cases.models import Case, InternalNote
from arusha.reporting.models import Message
from tests.cases.conftest import actions, handler_client
from tests.conftest import verified_client


def test_the_inbox_lists_open_cases_with_overdue_flags(client, send, helena):
    late = send()
    late.received_on = timezone.localdate() - timedelta(days=10)
    late.save()
    send()
    response = handler_client(client, helena).get(reverse("cases:inbox"))
    assert response.status_code == 200
    assert response.context["overdue"] == 1
    assert len(response.context["rows"]) == 2
    only_late = handler_client(client, helena).get(reverse("cases:inbox"), {"due": "overdue"})
    assert [r["case"] for r in only_late.context["rows"]] == [late]


def test_the_inbox_is_not_for_people_who_are_not_case_handlers(client, bob):
    assert verified_client(client, bob).get(reverse("cases:inbox")).status_code == 404


def test_charlie_cannot_open_ecuadors_case(client, send, charlie):
    case = send()
    response = verified_client(client, charlie).get(reverse("cases:detail", args=[case.code]))
    assert response.status_code == 404
    post = client.post(reverse("cases:act", args=[case.code, "acknowledge"]))
    assert post.status_code == 404
    case.refresh_from_db()
    assert case.status == "received"


def test_a_handler_reads_the_report_and_works_the_case_with_every_step_audited(
    client, send, helena, hugo
):
    case = send(description="The officer at gate 3 wanted 300 dollars.")
    c = handler_client(client, helena)
    page = c.get(reverse("cases:detail", args=[case.code]))
    assert "300 dollars" in page.content.decode()
    url = lambda act: reverse("cases:act", args=[case.code, act])  # noqa: E731
    c.post(url("acknowledge"), {"message": "Received, thank you."})
    c.post(url("classify"), {"nature": "coercive", "purpose": "speed_up", "office": ""})
    c.post(url("assign"), {"assignee": hugo.pk})
    c.post(url("labels"), {"labels": "port, urgent"})
    c.post(url("note"), {"note": "Check the gate 3 roster."})
    c.post(url("reply"), {"text": "Which day was it?"})
    c.post(url("status"), {"status": "under_assessment"})
    c.post(url("close"), {"outcome": "substantiated", "message": ""})
    c.post(url("reopen"), {"reason": "New evidence arrived."})
    case.refresh_from_db()
    assert case.status == "under_assessment"
    assert (case.nature, case.purpose, case.assignee) == ("coercive", "speed_up", hugo)
    assert sorted(label.name for label in case.labels.all()) == ["port", "urgent"]
    assert case.acknowledged_on and case.feedback_on
    assert Message.objects.filter(report=case.report, author_kind="handler").count() == 2
    assert actions(case) == [
        "cases.case_opened",
        "cases.acknowledged",
        "cases.classified",
        "cases.assigned",
        "cases.labelled",
        "cases.note_added",
        "cases.message_sent",
        "cases.status_changed",
        "cases.closed",
        "cases.reopened",
    ]
    page = c.get(reverse("cases:detail", args=[case.code])).content.decode()
    assert "Check the gate 3 roster." in page


def test_an_internal_note_is_sealed(client, send, helena):
    case = send()
    handler_client(client, helena).post(
        reverse("cases:act", args=[case.code, "note"]), {"note": "Roster of gate 3"}
    )
    assert b"Roster" not in bytes(InternalNote.objects.get().body)


def test_an_illegal_step_is_refused_with_a_message(client, send, helena):
    case = send()
    response = handler_client(client, helena).post(
        reverse("cases:act", args=[case.code, "close"]), {"outcome": "substantiated"}, follow=True
    )
    assert "cannot be done" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "received"


def test_a_case_cannot_be_assigned_to_someone_without_the_key(
    client, send, helena, make_user, ecuador
):
    case = send()
    newcomer = make_user("nora", ecuador, "case_handler")  # joined later: no grant for this report
    handler_client(client, helena).post(
        reverse("cases:act", args=[case.code, "assign"]), {"assignee": newcomer.pk}
    )
    case.refresh_from_db()
    assert case.assignee is None


def test_the_pages_need_the_second_factor(client, send, helena):
    case = send()
    client.force_login(helena)
    response = client.get(reverse("cases:detail", args=[case.code]))
    assert response.status_code == 302
    assert "/account/2fa/" in response["Location"]
