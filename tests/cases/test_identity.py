"""The reporter's identity stays closed until a second person, a custodian, approves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from arusha.cases import handling
from arusha.cases.models import IdentityRequest
from tests.cases.conftest import actions, handler_client

IDENTITY = "María Torres, broker, +593 99 000 0000"


@pytest.fixture
def case(send, ines):
    return send(identity=IDENTITY)


def _page(client, user, case):
    return handler_client(client, user).get(reverse("cases:detail", args=[case.code]))


def test_the_identity_is_closed_to_the_handler_until_a_custodian_approves(
    client, case, helena, ines
):
    assert IDENTITY not in _page(client, helena, case).content.decode()
    handler_client(client, helena).post(
        reverse("cases:act", args=[case.code, "identity"]), {"reason": "We need a witness."}
    )
    request = IdentityRequest.objects.get()
    assert IDENTITY not in _page(client, helena, case).content.decode()
    custodian = handler_client(client, ines)
    assert (
        "We need a witness." in custodian.get(reverse("cases:identity_requests")).content.decode()
    )
    custodian.post(reverse("cases:identity_decide", args=[request.code]), {"decision": "approve"})
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", ines)
    assert IDENTITY in _page(client, helena, case).content.decode()
    assert "cases.identity_requested" in actions(case)
    assert "cases.identity_approved" in actions(case)


def test_a_request_needs_a_reason(client, case, helena):
    handler_client(client, helena).post(
        reverse("cases:act", args=[case.code, "identity"]), {"reason": " "}
    )
    assert not IdentityRequest.objects.exists()


def test_a_custodian_cannot_approve_their_own_request(case, ines):
    request = IdentityRequest.objects.create(case=case, requester=ines, reason="mine")
    with pytest.raises(handling.NotPermitted):
        handling.approve_identity(request, ines, ines.private_key)


def test_a_refused_request_opens_nothing(client, case, helena, ines):
    request = handling.request_identity(case, helena, "Curious.")
    handler_client(client, ines).post(
        reverse("cases:identity_decide", args=[request.code]), {"decision": "refuse"}
    )
    request.refresh_from_db()
    assert request.status == "refused"
    assert handling.read_identity(case, helena, helena.private_key) is None


def test_a_handler_who_is_not_a_custodian_cannot_see_or_decide_requests(client, case, helena, hugo):
    request = handling.request_identity(case, helena, "Needed.")
    c = handler_client(client, hugo)
    assert c.get(reverse("cases:identity_requests")).status_code == 404
    assert (
        c.post(
            reverse("cases:identity_decide", args=[request.code]), {"decision": "approve"}
        ).status_code
        == 404
    )
