"""REST API of case handling: the same access rules as the pages (a handler sees the cases whose
report key they hold). Report content is returned only when the handler's key is unlocked in
this browser session; a personal token alone gives metadata, status changes and messages."""

from datetime import date
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from arusha.cases import access, handling
from arusha.cases.models import Case, CaseError
from arusha.core import audit
from arusha.core.api_errors import ErrorOut
from arusha.core.models import User
from arusha.reporting import crypto, keys
from arusha.reporting.threads import NoGrant, read_content, read_thread, report_key_for

router = Router(tags=["case handling"])


class CaseOut(Schema):
    code: UUID
    administration: str
    status: str
    outcome: str
    nature: str
    purpose: str
    received_on: date
    acknowledged_on: date | None
    feedback_on: date | None
    closed_on: date | None
    acknowledge_by: date
    feedback_by: date
    assignee: str | None
    labels: list[str]


class MessageOut(Schema):
    author_kind: str
    text: str
    created_on: date


class CaseDetailOut(CaseOut):
    content_available: bool
    description: str | None = None
    answers: dict[str, str] | None = None
    messages: list[MessageOut] | None = None


class StatusIn(Schema):
    action: str  # acknowledge, under_assessment, under_investigation, close, reopen
    outcome: str = ""
    reason: str = ""
    message: str = ""


class MessageIn(Schema):
    text: str


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _out(case: Case) -> dict[str, object]:
    ack, feedback = case.clocks()
    return {
        "code": case.code,
        "administration": case.report.channel.organisation.label,
        "status": case.status,
        "outcome": case.outcome,
        "nature": case.nature,
        "purpose": case.purpose,
        "received_on": case.received_on,
        "acknowledged_on": case.acknowledged_on,
        "feedback_on": case.feedback_on,
        "closed_on": case.closed_on,
        "acknowledge_by": ack.due,
        "feedback_by": feedback.due,
        "assignee": case.assignee.get_username() if case.assignee else None,
        "labels": [label.name for label in case.labels.all()],
    }


@router.get("/", response=list[CaseOut], summary="Cases you may handle")
def list_cases(request: HttpRequest, status: str = "") -> list[dict[str, object]]:
    cases = access.visible_cases(_user(request)).prefetch_related("labels")
    if status:
        cases = cases.filter(status=status)
    return [_out(c) for c in cases]


@router.get("/{code}", response=CaseDetailOut, summary="One case; content if your key is open")
def get_case(request: HttpRequest, code: UUID) -> dict[str, object]:
    case = access.get_case_for_handler(_user(request), code)
    data = _out(case) | {"content_available": False}
    try:
        report_key = report_key_for(case.report, _user(request), keys.unlocked_key(request))
    except (keys.HandlerKeyLocked, NoGrant, crypto.DecryptionFailed):
        return data
    content = read_content(case.report, report_key)
    audit.record(request.user, "cases.case_opened", case, details={"via": "api"})
    return data | {
        "content_available": True,
        "description": content.get("description", ""),
        "answers": content.get("answers", {}),
        "messages": [
            {"author_kind": m.author_kind, "text": m.text, "created_on": m.created_on}
            for m in read_thread(case.report, report_key)
        ],
    }


@router.post(
    "/{code}/status",
    response={200: CaseOut, 409: ErrorOut},
    summary="Move a case through its workflow",
)
def change_status(request: HttpRequest, code: UUID, payload: StatusIn) -> dict[str, object]:
    case = access.get_case_for_handler(_user(request), code)
    user = _user(request)
    try:
        if payload.action == "acknowledge":
            handling.acknowledge(case, user, payload.message)
        elif payload.action == "close":
            handling.close(case, user, payload.outcome, payload.message)
        elif payload.action == "reopen":
            handling.reopen(case, user, payload.reason)
        else:
            handling.move(case, user, payload.action)
    except CaseError as error:
        message = f"Not allowed from status {case.status}: {type(error).__name__}"
        raise HttpError(409, message) from None
    return _out(case)


@router.post("/{code}/messages", response={201: None}, summary="Send the reporter a message")
def send_message(request: HttpRequest, code: UUID, payload: MessageIn) -> Status:
    case = access.get_case_for_handler(_user(request), code)
    text = payload.text.strip()
    if not text or len(text) > 20000:
        raise HttpError(422, "A message has 1 to 20000 characters.")
    handling.reply(case, _user(request), text)
    return Status(201, None)
