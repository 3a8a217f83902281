"""The case API: the same access rules as the pages; content only with the handler's key."""

from __future__ import annotations

from arusha.cases.models import Case
from arusha.core.models import ApiToken
from arusha.reporting.models import Message
from tests.cases.conftest import handler_client


def _token(user):
    _t, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_handler_lists_cases_with_a_token_but_gets_no_content(client, send, helena):
    case = send()
    listed = client.get("/api/cases/", **_token(helena)).json()
    assert [c["code"] for c in listed] == [str(case.code)]
    one = client.get(f"/api/cases/{case.code}", **_token(helena)).json()
    assert one["content_available"] is False and one["description"] is None


def test_with_the_key_unlocked_the_content_comes_too(client, send, helena):
    case = send(description="Gate 3, 300 dollars.")
    one = handler_client(client, helena).get(f"/api/cases/{case.code}").json()
    assert one["content_available"] is True and one["description"] == "Gate 3, 300 dollars."


def test_a_handler_changes_status_and_sends_a_message(client, send, helena):
    case = send()
    auth = _token(helena)
    ok = client.post(
        f"/api/cases/{case.code}/status", {"action": "acknowledge"}, "application/json", **auth
    )
    assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"
    bad = client.post(
        f"/api/cases/{case.code}/status", {"action": "referred"}, "application/json", **auth
    )
    assert bad.status_code == 409
    sent = client.post(
        f"/api/cases/{case.code}/messages", {"text": "Which day?"}, "application/json", **auth
    )
    assert sent.status_code == 201
    assert Message.objects.filter(report=case.report, author_kind="handler").count() == 1
    assert Case.objects.get(pk=case.pk).feedback_on is not None


def test_charlie_and_a_conflicted_handler_get_404(client, send, charlie):
    case = send()
    assert client.get("/api/cases/", **_token(charlie)).json() == []
    assert client.get(f"/api/cases/{case.code}", **_token(charlie)).status_code == 404
    assert (
        client.post(
            f"/api/cases/{case.code}/messages", {"text": "x"}, "application/json", **_token(charlie)
        ).status_code
        == 404
    )
