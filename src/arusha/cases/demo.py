"""Demo data of case handling: SENAE's and SUNAT's channels with cases in every state, a few
overdue, one referred from SENAE to SUNAT. Runs after the reporting demo; loading twice changes
nothing (cases are created only for a channel that has no closed case yet)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from arusha.cases import handling
from arusha.cases.models import Case, CasePolicy
from arusha.core.demo import DEMO_PASSWORD
from arusha.core.models import Membership, Organisation, Role, User
from arusha.reporting import keys
from arusha.reporting.models import Channel, HandlerKey, Office, Report
from arusha.reporting.submission import Submission, submit
from arusha.reporting.threads import report_key_for

SUNAT_OFFICES = [
    ("CAL-MAR", "Callao maritime port"),
    ("LIM-AIR", "Lima Jorge Chávez airport"),
    ("TAC-TER", "Tacna land border (Santa Rosa)"),
    ("PAI-MAR", "Paita port"),
]

# (days ago received, state, office code, stage, demand, text)
SENAE_CASES = [
    (3, "received", "GYE-MAR", "physical", "cash", "The officer at the scanner asked for cash."),
    (5, "received", "UIO-AIR", "release", "fee", "A release fee not on any list was demanded."),
    (11, "received", "HUA-TER", "transit", "goods", "Cigarettes were asked for at the barrier."),
    (20, "acknowledged", "GYE-AIR", "documentary", "cash", "Papers 'lost' until paid."),
    (40, "under_assessment", "GYE-MAR", "physical", "cash", "Inspection delayed for money."),
    (105, "acknowledged", "MEC-MAR", "valuation", "fee", "Valuation accepted for a fee."),
    (70, "under_investigation", "ESM-MAR", "physical", "cash", "Container held for a bribe."),
    (
        50,
        "referred",
        "TUL-TER",
        "transit",
        "cash",
        "Payment asked at Rumichaca for a Peruvian truck.",
    ),
    (130, "closed:substantiated", "GYE-MAR", "physical", "cash", "Cash asked at gate 3."),
    (160, "closed:not_substantiated", "PBO-MAR", "release", "fee", "Fee asked at release."),
    (190, "closed:outside_scope", "UIO-AIR", "other", "other", "A complaint about parking."),
    (200, "closed:insufficient_information", "GYE-MAR", "physical", "goods", "Goods asked."),
]

SUNAT_CASES = [
    (2, "received", "CAL-MAR", "physical", "cash", "Se pidió dinero en la inspección."),
    (9, "received", "LIM-AIR", "release", "fee", "Cobro indebido para liberar la carga."),
    (30, "acknowledged", "TAC-TER", "transit", "goods", "Pidieron mercancía en la frontera."),
    (45, "under_assessment", "CAL-MAR", "documentary", "cash", "Documentos retenidos."),
    (120, "closed:substantiated", "PAI-MAR", "physical", "cash", "Pago exigido en Paita."),
]


def _sunat_channel() -> Channel:
    sunat = Organisation.objects.get(short_name="SUNAT")
    channel, _created = Channel.objects.get_or_create(
        organisation=sunat, defaults={"slug": "sunat"}
    )
    for code, name in SUNAT_OFFICES:
        Office.objects.update_or_create(organisation=sunat, code=code, defaults={"name": name})
    peru = User.objects.get(username="peru")
    Membership.objects.get_or_create(user=peru, organisation=sunat, role=Role.CASE_HANDLER)
    if not HandlerKey.objects.filter(user=peru).exists():
        keys.create_key(peru, DEMO_PASSWORD)
    CasePolicy.objects.get_or_create(channel=channel, defaults={"time_zone": "America/Lima"})
    return channel


def _back_date(case: Case, received_on: date) -> None:
    Report.objects.filter(pk=case.report_id).update(received_on=received_on)
    case.received_on = received_on
    case.save(update_fields=["received_on"])


def _drive(case: Case, state: str, handler: User, days: int, sunat: Channel) -> None:
    """Move a fresh case to ``state`` with plausible dates in the past."""
    if state == "received":
        return
    handling.acknowledge(case, handler, "We have received your report.")
    Case.objects.filter(pk=case.pk).update(acknowledged_on=case.received_on + timedelta(days=4))
    case.refresh_from_db()
    if days < 100 and state != "acknowledged":
        handling.reply(case, handler, "Thank you. We are assessing what you told us.")
        Case.objects.filter(pk=case.pk).update(feedback_on=case.received_on + timedelta(days=30))
        case.refresh_from_db()
    if state == "referred":
        private = keys.unlock_key(HandlerKey.objects.get(user=handler), DEMO_PASSWORD)
        handling.refer(
            case,
            handler,
            report_key_for(case.report, handler, private),
            ["answers", "description"],
            to_organisation=sunat.organisation,
            tell_reporter="Your report was passed on to the competent administration.",
        )
    elif state in ("under_assessment", "under_investigation"):
        handling.move(case, handler, Case.Status.ASSESSMENT)
        if state == "under_investigation":
            handling.move(case, handler, Case.Status.INVESTIGATION)
    elif state.startswith("closed:"):
        handling.close(case, handler, state.split(":")[1], "The case is closed. Thank you.")
        Case.objects.filter(pk=case.pk).update(closed_on=case.received_on + timedelta(days=60))


def _cases(
    channel: Channel, rows: list[tuple[int, str, str, str, str, str]], handler: User, sunat: Channel
) -> None:
    offices = {o.code: o for o in Office.objects.filter(organisation=channel.organisation)}
    today = timezone.localdate()
    for days, state, office, stage, demand, text in rows:
        received = today - timedelta(days=days)
        report, _receipt = submit(
            channel,
            Submission(
                answers={"stage": stage, "demand": demand, "by_whom": "customs", "paid": "no"},
                office=offices[office],
                month=received.replace(day=1),
                description=text,
                consent=True,
            ),
        )
        case = Case.for_report(report)
        _back_date(case, received)
        _drive(case, state, handler, days, sunat)


@transaction.atomic
def load() -> list[str]:
    sunat = _sunat_channel()
    senae = Channel.objects.get(slug="senae")
    for channel, rows, username in (
        (senae, SENAE_CASES, "handler"),
        (sunat, SUNAT_CASES, "peru"),
    ):
        if Case.objects.for_channel(channel).filter(status=Case.Status.CLOSED).exists():
            continue
        _cases(channel, rows, User.objects.get(username=username), sunat)
    return [
        "  Case handling: /cases/ (handler for SENAE, peru for SUNAT; both need a second factor)",
        "  cases in every state, some overdue; one SENAE case referred to SUNAT",
    ]
