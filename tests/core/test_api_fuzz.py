"""Every operation of the REST API, fuzzed from its own OpenAPI document: no input is a 5xx.

Schemathesis generates requests from the schema (valid ones and, in the negative pass, invalid
ones); path codes are drawn both at random and from the demo's real objects, so the requests
reach the code behind the 404. The seed is fixed (derandomize), so a run is reproducible.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from arusha.core.models import ApiToken, User

MAX_EXAMPLES = 10  # per operation and mode: about 1,000 requests in all


def _first(model: str, **lookup: Any) -> Callable[[], str | None]:
    def find() -> str | None:
        from django.apps import apps

        app_label, name = model.split(".")
        found = apps.get_model(app_label, name).objects.filter(**lookup).order_by("pk").first()
        return str(found.code) if found is not None else None

    return find


# Which real object a path's {code} names: the first pattern that matches the path wins.
REAL_CODES: list[tuple[str, Callable[[], str | None]]] = [
    (r"^/api/organisations/", _first("core.Organisation", short_name="SENAE")),
    (r"^/api/users/", _first("core.User", username="integrity")),
    (r"^/api/partnerships/agreements/", _first("partnerships.Agreement", plans__isnull=False)),
    (r"^/api/partnerships/signatories/", _first("partnerships.Signatory")),
    (r"^/api/partnerships/commitments/", _first("partnerships.Commitment")),
    (
        r"^/api/partnerships/plans/",
        _first("partnerships.ActionPlan", administration__short_name="SENAE"),
    ),
    (
        r"^/api/partnerships/actions/",
        _first("partnerships.Action", plan__administration__short_name="SENAE"),
    ),
    (
        r"^/api/partnerships/indicators/",
        _first("partnerships.Indicator", action__plan__administration__short_name="SENAE"),
    ),
    (r"^/api/partnerships/activities/", _first("partnerships.Activity")),
    (r"^/api/questionnaires/", _first("questionnaires.QuestionnaireVersion")),
    (r"^/api/assessments/", _first("assessments.Assessment", organisation__short_name="SENAE")),
    (r"^/api/risks/", _first("assessments.Risk", organisation__short_name="SENAE")),
    (r"^/api/surveys/campaigns/", _first("surveys.Campaign", organisation__short_name="SENAE")),
    (r"^/api/cases/", _first("cases.Case")),
    (r"^/api/integrity/runs/", _first("integrity.AnalysisRun", organisation__short_name="SENAE")),
]


def _real_path_parameters(path: str) -> dict[str, str]:
    found: dict[str, str] = {}
    if "{region}" in path:
        found["region"] = "AMS"
    if "{code}" in path:
        for pattern, find in REAL_CODES:
            if re.match(pattern, path) and (code := find()) is not None:
                found["code"] = code
                break
    return found


def _token_for(username: str) -> str:
    _token, raw = ApiToken.issue(User.objects.get(username=username), "fuzz")
    return raw


class Run:
    """What the fuzzing saw: each answer's status by operation, and how to reproduce a 5xx."""

    def __init__(self) -> None:
        self.statuses: dict[str, list[int]] = {}
        self.reproduce: dict[str, str] = {}

    def fuzz(self, operation: Any, headers: dict[str, str], mode: GenerationMode) -> None:
        real = _real_path_parameters(operation.path)
        strategy = operation.as_strategy(generation_mode=mode)
        if real:
            strategy = st.one_of(
                operation.as_strategy(generation_mode=mode, path_parameters=real), strategy
            )

        @given(case=strategy)
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            cache.clear()  # the rate limit is not what is under test
            response = case.call(headers=headers)
            self.statuses.setdefault(operation.label, []).append(response.status_code)
            if response.status_code >= 500:
                self.reproduce.setdefault(operation.label, case.as_curl_command())
            case.validate_response(response, checks=[not_a_server_error], headers=headers)

        run()


@pytest.fixture
def _connection_kept_across_requests() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, as it should in
    production; here that connection holds the test's transaction (on PostgreSQL it would be
    gone after the first request). Django's own test client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("_connection_kept_across_requests")
def test_no_generated_request_makes_the_api_answer_a_server_error(db: None) -> None:
    from arusha.wsgi import application

    call_command("load_demo", verbosity=0)
    tokens = {name: _token_for(name) for name in ("integrity", "handler")}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    fuzzing, failures = Run(), {}
    for operation in operations:
        user = "handler" if operation.path.startswith("/api/cases") else "integrity"
        headers = {"Authorization": f"Bearer {tokens[user]}"}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzzing.fuzz(operation, headers, mode)
            except (
                Exception,
                BaseExceptionGroup,
            ) as error:  # report every operation, not the first
                first_line = str(error).splitlines()[0]
                failures[f"{operation.label} ({mode.value})"] = fuzzing.reproduce.get(
                    operation.label, first_line
                )
    answered = {label for label, codes in fuzzing.statuses.items() if min(codes) < 300}
    requests = sum(len(codes) for codes in fuzzing.statuses.values())
    print(f"{len(operations)} operations, {requests} requests, {len(answered)} with a 2xx")
    assert failures == {}
    assert len(operations) >= 57
    # The real codes take the fuzzing past the 404s into the code that reads and writes.
    assert len(answered) >= 45, sorted(set(fuzzing.statuses) - answered)
