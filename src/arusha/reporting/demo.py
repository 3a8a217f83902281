"""Demo data of the reporting channel: SENAE's intake and offices, keys for its handler and
custodian, a few sealed reports with replies, and incidents uploaded by CECE.

Runs after the core demo (users and organisations). Loading twice changes nothing.
"""

from __future__ import annotations

import io
import random
from datetime import date

from django.db import transaction
from openpyxl import load_workbook

from arusha.core.demo import DEMO_PASSWORD
from arusha.core.models import Organisation, User
from arusha.reporting import bulk, consented, keys
from arusha.reporting.models import BulkUpload, Channel, HandlerKey, Message, Office
from arusha.reporting.submission import Submission, submit
from arusha.reporting.threads import post_message

# A fixed receipt, printed by `load_demo` so that the reporter's side can be tried. Demo only:
# a real receipt is random and shown once.
DEMO_RECEIPT = "DEM0-2026-SENA-E7KX-4QPR"

OFFICES = [
    ("GYE-MAR", "Guayaquil maritime port"),
    ("GYE-AIR", "Guayaquil José Joaquín de Olmedo airport"),
    ("UIO-AIR", "Quito Mariscal Sucre airport"),
    ("HUA-TER", "Huaquillas land border (CEBAF)"),
    ("TUL-TER", "Rumichaca land border (Tulcán)"),
    ("MEC-MAR", "Manta port"),
    ("ESM-MAR", "Esmeraldas port"),
    ("PBO-MAR", "Puerto Bolívar port"),
]

# (office, stage, demand, by whom, description, handler's reply)
REPORTS = [
    (
        "GYE-MAR",
        "physical",
        "cash",
        "customs",
        "During the physical inspection of a container the officer said the goods would stay "
        "in the yard for two weeks unless we paid 300 dollars in cash.",
        "Thank you for your report. Can you tell us the day of the week and the shift "
        "(morning or afternoon) when this happened?",
    ),
    (
        "HUA-TER",
        "transit",
        "goods",
        "agency",
        "At the border post, trucks in transit were asked for cartons of cigarettes to be let "
        "through without a second inspection.",
        "We have received your report and opened an inquiry.",
    ),
    (
        "UIO-AIR",
        "valuation",
        "fee",
        "intermediary",
        "A broker told us that the valuation would be accepted only with an extra 'processing "
        "fee' that is not on any official list.",
        "",
    ),
]


def _channel() -> Channel:
    senae = Organisation.objects.get(short_name="SENAE")
    channel, _created = Channel.objects.get_or_create(
        organisation=senae, defaults={"slug": "senae"}
    )
    for code, name in OFFICES:
        Office.objects.update_or_create(organisation=senae, code=code, defaults={"name": name})
    custodian = User.objects.filter(username="integrity").first()
    if custodian is not None:
        channel.custodians.add(custodian)
    return channel


def _handler_keys() -> None:
    """Keys for the demo handler and custodian, locked with the demo password. Their recovery
    keys are not kept: a demo user who needs one uses "Use my recovery key" after a reset."""
    for username in ("handler", "integrity"):
        user = User.objects.get(username=username)
        if not HandlerKey.objects.filter(user=user).exists():
            keys.create_key(user, DEMO_PASSWORD)


def _reports(channel: Channel, handler: User) -> None:
    offices = {o.code: o for o in Office.objects.filter(organisation=channel.organisation)}
    for index, (office, stage, demand, by_whom, text, reply) in enumerate(REPORTS):
        answers = {"stage": stage, "demand": demand, "by_whom": by_whom, "paid": "no"}
        submission = Submission(
            answers=answers,
            office=offices[office],
            month=date(2026, 9 + index, 1),
            description=text,
            consent=True,
        )
        report, _receipt = submit(channel, submission, receipt=DEMO_RECEIPT if index == 0 else None)
        if reply:
            post_message(report, Message.Author.HANDLER, reply, author=handler)
        if index == 0:
            post_message(report, Message.Author.REPORTER, "It was a Tuesday, in the morning shift.")


def _incidents(channel: Channel) -> None:
    cece = Organisation.objects.get(short_name="CECE")
    if BulkUpload.objects.filter(association=cece).exists():
        return
    book = load_workbook(io.BytesIO(bulk.template_workbook(channel, "es")))
    sheet = book.worksheets[0]
    pick = random.Random(2026)  # noqa: S311 - invented demo rows, the same every time
    stages, demands = ["physical", "documentary", "release", "transit"], ["cash", "goods", "fee"]
    for _row in range(40):
        month = date(2026, pick.randint(1, 10), 1)
        sheet.append(
            [
                pick.choice([o[0] for o in OFFICES]),
                month.strftime("%Y-%m"),
                pick.choice(stages),
                pick.choice(demands),
                pick.choice(["customs", "customs", "agency", "intermediary"]),
                pick.choice(["lt50", "50-500", "500-5000"]),
                pick.choice(["delay", "delay", "reinspection", "threat"]),
                pick.choice(["yes", "no"]),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    focal = User.objects.filter(username="focal").first()
    bulk.import_incidents(channel, cece, focal, buffer)


@transaction.atomic
def load() -> list[str]:
    channel = _channel()
    _handler_keys()
    if not channel.reports.exists():
        _reports(channel, User.objects.get(username="handler"))
        consented.release(channel, at_least=1)  # demo data: show every record at once
    _incidents(channel)
    return [
        "  Anonymous intake (no sign-in): /report/  (served alone by arusha.intake_wsgi)",
        f"  demo receipt of a SENAE report with a reply: {DEMO_RECEIPT}",
        "  handler and integrity hold reporting keys, locked with the demo password",
    ]
