"""Fixtures of the case tests: Ecuador's channel and handler Helena from the reporting tests, a
second handler Hugo, custodian Inés, Peru's handler Pedro, and a helper that submits a report."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reporting import conftest as reporting

# Fixtures shared with the reporting tests.
_reporting_settings = reporting._reporting_settings
channel = reporting.channel
helena = reporting.helena


def _handler(make_user: Any, username: str, organisation: Any, role: str = "case_handler") -> Any:
    from arusha.reporting import keys
    from tests.conftest import PASSWORD

    user = make_user(username, organisation, role)
    _key, _recovery, user.private_key = keys.create_key(user, PASSWORD)
    return user


@pytest.fixture
def hugo(make_user: Any, ecuador: Any) -> Any:
    return _handler(make_user, "hugo", ecuador)


@pytest.fixture
def ines(make_user: Any, ecuador: Any, channel: Any) -> Any:
    """Ecuador's integrity officer and the channel's identity custodian, with a key."""
    user = make_user("ines", ecuador, "integrity_officer")
    channel.custodians.add(user)
    from arusha.reporting import keys
    from tests.conftest import PASSWORD

    _key, _recovery, user.private_key = keys.create_key(user, PASSWORD)
    return user


@pytest.fixture
def pedro(make_user: Any, peru: Any) -> Any:
    """Peru's case handler, on Peru's own channel."""
    from arusha.reporting.models import Channel

    Channel.objects.create(organisation=peru, slug="sunat")
    return _handler(make_user, "pedro", peru)


@pytest.fixture
def send(channel: Any, helena: Any) -> Any:
    """Submit a report to Ecuador's channel; returns its case."""
    from arusha.cases.models import Case
    from arusha.reporting.models import Office
    from arusha.reporting.submission import Submission, submit

    def make(
        office: str = "GYE", description: str = "Money was asked at gate 3.", **kw: Any
    ) -> Any:
        submission = Submission(
            answers={"stage": "physical", "demand": "cash", "by_whom": "customs"},
            office=Office.objects.get(code=office) if office else None,
            month=None,
            description=description,
            **kw,
        )
        report, _receipt = submit(channel, submission)
        return Case.for_report(report)

    return make


def handler_client(client: Any, user: Any) -> Any:
    from tests.reporting.conftest import handler_client as unlocked

    return unlocked(client, user)


def actions(case: Any) -> list[str]:
    from arusha.core.audit import AuditEntry

    return list(
        AuditEntry.objects.for_object(case).order_by("seq").values_list("action", flat=True)
    )
