"""Demo data of the partnerships app: the AMS regional letter of intent on integrity, two bilateral
MoUs, action plans in various states, a hybrid regional workshop and a panel at a trade summit.

The letter of intent and the Guayaquil workshop follow public WCO news; commitments, actions and
figures are invented for the demonstration. Running it twice changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from arusha.core.key_factors import KeyFactor as F
from arusha.core.models import Organisation, User
from arusha.partnerships.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Activity,
    Agreement,
    Commitment,
    Indicator,
    ParticipantCount,
    Side,
    Signatory,
)

LOI_TITLE = "Letter of Intent on integrity in the Americas and Caribbean region"
S = Action.Status

LOI_SIGNATORIES = [
    ("SENAE", "2022-06-24"),
    ("SUNAT", "2022-06-24"),
    ("DIAN", "2022-06-24"),
    ("ANAM", "2022-06-24"),
    ("SNA Chile", "2022-06-24"),
    ("RFB", "2022-06-24"),
    ("CBSA", "2022-06-24"),
    ("JCA", "2022-06-24"),
    ("SAT Guatemala", "2022-06-24"),
    ("AMS PSG", "2022-06-24"),
    ("DNA Uruguay", "2023-04-20"),
    ("CAAAREM", "2023-09-12"),
    ("GRA", "2024-03-05"),
]
LOI_COMMITMENTS = [
    (
        1,
        "Lead integrity from the top: each head of Customs and each private-sector partner names "
        "an integrity champion and reports on progress once a year.",
        Side.JOINT,
        [F.LEADERSHIP],
    ),
    (
        2,
        "Publish clearance procedures, fees and service standards, and give traders a simple "
        "way to appeal decisions.",
        Side.CUSTOMS,
        [F.TRANSPARENCY, F.REGULATORY_FRAMEWORK],
    ),
    (
        3,
        "Reduce face-to-face contact and cash payments through electronic clearance and payment.",
        Side.CUSTOMS,
        [F.AUTOMATION, F.REFORM],
    ),
    (
        4,
        "Adopt a code of conduct for brokers, forwarders and carriers, based on ISO 37001, "
        "and train members on it.",
        Side.PRIVATE,
        [F.CODE_OF_CONDUCT, F.PRIVATE_SECTOR],
    ),
    (
        5,
        "Offer a confidential channel where traders and officials can report demands for "
        "bribes, and follow each report up.",
        Side.JOINT,
        [F.AUDIT, F.PRIVATE_SECTOR],
    ),
]

# (title, commitments, customs owner, private owner, start, due, status, progress, indicator)
SENAE_ACTIONS = [
    (
        "Name an integrity champion in each district",
        [1],
        "Dirección de Integridad",
        None,
        "2022-09-01",
        "2023-03-31",
        S.DONE,
        100,
        ("Districts with a champion", "districts", 0, 10, 10),
    ),
    (
        "Publish service standards for release times",
        [2],
        "Dirección de Operaciones",
        "CECE",
        "2023-01-15",
        "2024-06-30",
        S.IN_PROGRESS,
        60,
        ("Procedures published", "%", 20, 100, 70),
    ),
    (
        "Move the remaining cash payments to electronic payment",
        [3],
        "Dirección Financiera",
        None,
        "2023-03-01",
        "2025-12-31",
        S.IN_PROGRESS,
        45,
        ("Payments made in cash", "%", 18, 0, 6),
    ),
    (
        "Open a joint confidential reporting line with the chamber",
        [5],
        "Asuntos Internos",
        "CECE",
        "2024-01-10",
        "2025-06-30",
        S.BLOCKED,
        30,
        None,
    ),
    (
        "Run integrity sessions for brokers in Guayaquil",
        [4],
        "Dirección de Integridad",
        "CECE",
        "2023-05-01",
        "2024-02-28",
        S.PLANNED,
        0,
        ("Brokers trained", "people", 0, 300, None),
    ),
    (
        "Commission a paper survey of traders",
        [1],
        "Dirección de Integridad",
        None,
        "2022-10-01",
        "2023-06-30",
        S.DROPPED,
        10,
        None,
    ),
    (
        "Report yearly to the Regional Conference on integrity",
        [1],
        "Dirección General",
        "AMS PSG",
        "2026-01-01",
        "2027-06-30",
        S.IN_PROGRESS,
        40,
        None,
    ),
]
SUNAT_ACTIONS = [
    (
        "Publish clearance fees on the web portal",
        [2],
        "Intendencia de Aduanas",
        None,
        "2022-10-01",
        "2023-06-30",
        S.DONE,
        100,
        None,
    ),
    (
        "Extend electronic release to all border posts",
        [3],
        "Gerencia de Sistemas",
        None,
        "2023-01-01",
        "2027-12-31",
        S.IN_PROGRESS,
        55,
        ("Border posts with e-release", "posts", 4, 12, 8),
    ),
    (
        "Brief freight forwarders on the reporting channel",
        [5],
        "Oficina de Integridad",
        "AFL",
        "2024-02-01",
        "2024-11-30",
        S.PLANNED,
        0,
        None,
    ),
]


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _orgs() -> dict[str, Organisation]:
    return {o.short_name: o for o in Organisation.objects.exclude(short_name="")}


def _plan(
    agreement: Agreement, org: Organisation, title: str, rows: list, orgs: dict, author: User | None
) -> ActionPlan:
    plan = ActionPlan.objects.create(agreement=agreement, administration=org, title=title)
    commitments = {c.number: c for c in agreement.commitments.all()}
    for number, (title_, numbers, owner, private, start, due, status, pct, indicator) in enumerate(
        rows, 1
    ):
        action = Action.objects.create(
            plan=plan,
            number=number,
            title=title_,
            customs_owner=owner,
            private_owner=orgs.get(private) if private else None,
            start_date=_d(start),
            due_date=_d(due),
            status=status,
            progress=pct,
            is_public=status in (S.DONE, S.IN_PROGRESS),
        )
        action.commitments.set([commitments[n] for n in numbers if n in commitments])
        if status != S.PLANNED:
            ActionUpdate.objects.create(
                action=action,
                author=author,
                from_status=S.PLANNED,
                to_status=status,
                progress=pct,
                note="Status recorded when the plan was brought onto the platform.",
            )
        if indicator:
            name, unit, baseline, target, measured = indicator
            Indicator.objects.create(
                action=action,
                name=name,
                unit=unit,
                baseline=Decimal(baseline),
                target=Decimal(target),
                measured=None if measured is None else Decimal(measured),
            )
    return plan


def _letter_of_intent(orgs: dict[str, Organisation], author: User | None) -> Agreement:
    loi = Agreement.objects.create(
        kind=Agreement.Kind.LETTER_OF_INTENT,
        title=LOI_TITLE,
        scope=Agreement.Scope.REGIONAL,
        wco_region="AMS",
        administration=orgs["SENAE"],
        status=Agreement.Status.IN_FORCE,
        date_signed=date(2022, 6, 24),
        date_in_force=date(2022, 6, 24),
        is_public=True,
        summary="Signed by the region's Customs Directors General at their Regional Conference "
        "and by the Regional Private Sector Group: common lines of action on ethics and "
        "transparency in Customs and in the trade it serves.",
    )
    for short, day in LOI_SIGNATORIES:
        org = orgs[short]
        by, capacity = (
            ("Chair of the group", "Regional Private Sector Group")
            if short == "AMS PSG"
            else (
                ("Director General", "Head of Customs")
                if org.kind == "customs"
                else ("President", "Member body")
            )
        )
        Signatory.objects.create(
            agreement=loi,
            organisation=org,
            signed_on=date.fromisoformat(day),
            signed_by=by,
            capacity=capacity,
        )
    for number, text, binds, factors in LOI_COMMITMENTS:
        Commitment.objects.create(
            agreement=loi,
            number=number,
            text=text,
            binds=binds,
            key_factors=[int(f) for f in factors],
        )
    _plan(
        loi,
        orgs["SENAE"],
        "SENAE joint integrity action plan 2022–2027",
        SENAE_ACTIONS,
        orgs,
        author,
    )
    _plan(
        loi,
        orgs["SUNAT"],
        "SUNAT integrity action plan under the regional letter",
        SUNAT_ACTIONS,
        orgs,
        None,
    )
    return loi


def _mou(
    orgs: dict,
    admin: str,
    partner: str,
    title: str,
    signed: str,
    commitments: list,
    actions: list,
    author: User | None,
) -> Agreement:
    mou = Agreement.objects.create(
        kind=Agreement.Kind.MOU,
        title=title,
        scope=Agreement.Scope.NATIONAL,
        administration=orgs[admin],
        status=Agreement.Status.IN_FORCE,
        date_signed=_d(signed),
        date_in_force=_d(signed),
    )
    Signatory.objects.create(
        agreement=mou,
        organisation=orgs[admin],
        signed_on=date.fromisoformat(signed),
        signed_by="Director General",
        capacity="Head of Customs",
    )
    Signatory.objects.create(
        agreement=mou,
        organisation=orgs[partner],
        signed_on=date.fromisoformat(signed),
        signed_by="President",
        capacity="For the association",
    )
    for number, (text, binds, factors) in enumerate(commitments, 1):
        Commitment.objects.create(
            agreement=mou,
            number=number,
            text=text,
            binds=binds,
            key_factors=[int(f) for f in factors],
        )
    _plan(
        mou,
        orgs[admin],
        f"Joint action plan: {orgs[admin].label} and {orgs[partner].label}",
        actions,
        orgs,
        author,
    )
    return mou


def _activities(loi: Agreement, orgs: dict[str, Organisation]) -> None:
    workshop = Activity.objects.create(
        agreement=loi,
        kind=Activity.Kind.WORKSHOP,
        mode=Activity.Mode.HYBRID,
        title="Regional workshop: from the letter of intent to joint action",
        held_on=date(2023, 4, 18),
        place="Guayaquil, Ecuador",
        outcomes="Administrations and private-sector groups of the region compared their first "
        "steps, agreed to draft joint action plans, and asked the broker federations to propose a "
        "common code of conduct for the logistics chain.",
    )
    workshop.organisers.set([orgs["SENAE"], orgs["ROCB A/C"], orgs["WCO"]])
    workshop.commitments.set(loi.commitments.filter(number__in=[1, 4, 5]))
    for kind, region, count in [
        ("customs", "AMS", 64),
        ("private", "AMS", 27),
        ("international", "AMS", 6),
        ("international", "", 5),
    ]:
        ParticipantCount.objects.create(
            activity=workshop, organisation_kind=kind, wco_region=region, count=count
        )
    follow_ups = Action.objects.filter(
        plan__agreement=loi, plan__administration=orgs["SENAE"], number__in=[4, 5]
    )
    follow_ups.update(source_activity=workshop)
    panel = Activity.objects.create(
        agreement=loi,
        kind=Activity.Kind.PANEL,
        mode=Activity.Mode.IN_PERSON,
        title="Panel on integrity in the logistics chain at a regional trade summit (demo)",
        held_on=date(2024, 10, 9),
        place="Ciudad de México, México",
        outcomes="Brokers, carriers and Customs discussed how a shared code of conduct and a "
        "confidential reporting line would work together.",
    )
    panel.organisers.set([orgs["CAAAREM"], orgs["AMS PSG"]])
    panel.commitments.set(loi.commitments.filter(number__in=[4, 5]))
    for kind, region, count in [
        ("customs", "AMS", 9),
        ("private", "AMS", 41),
        ("international", "", 2),
    ]:
        ParticipantCount.objects.create(
            activity=panel, organisation_kind=kind, wco_region=region, count=count
        )


@transaction.atomic
def load() -> list[str]:
    """Create the demo agreements once; return lines that say where to look."""
    if Agreement.objects.filter(title=LOI_TITLE).exists():
        return []
    orgs = _orgs()
    author = User.objects.filter(username="integrity").first()
    loi = _letter_of_intent(orgs, author)
    _mou(
        orgs,
        "SENAE",
        "CECE",
        "Memorandum of understanding on integrity in foreign trade: SENAE and CECE",
        "2023-05-10",
        [
            (
                "Meet every quarter to review integrity risks in clearance.",
                Side.JOINT,
                [F.PRIVATE_SECTOR],
            ),
            (
                "Train the chamber's members on the code of conduct and the reporting line.",
                Side.PRIVATE,
                [F.CODE_OF_CONDUCT],
            ),
            (
                "Answer trader complaints about officials within 30 days.",
                Side.CUSTOMS,
                [F.TRANSPARENCY, F.AUDIT],
            ),
        ],
        [
            (
                "Hold the quarterly integrity round table",
                [1],
                "Dirección de Integridad",
                "CECE",
                "2023-06-01",
                "2027-05-31",
                S.IN_PROGRESS,
                50,
                ("Round tables held", "meetings", 0, 16, 9),
            ),
            (
                "Train chamber members on the code of conduct",
                [2],
                "Dirección de Integridad",
                "CECE",
                "2023-09-01",
                "2024-12-31",
                S.IN_PROGRESS,
                70,
                ("Members trained", "people", 0, 400, 260),
            ),
            (
                "Track complaint response times on a dashboard",
                [3],
                "Asuntos Internos",
                None,
                "2024-01-01",
                "2024-09-30",
                S.PLANNED,
                0,
                None,
            ),
        ],
        author,
    )
    _mou(
        orgs,
        "ANAM",
        "CAAAREM",
        "Memorandum of understanding on a code of conduct for customs brokers: ANAM and CAAAREM",
        "2023-11-22",
        [
            (
                "Draft and adopt a code of conduct for all actors of the logistics chain, "
                "based on ISO 37001.",
                Side.PRIVATE,
                [F.CODE_OF_CONDUCT, F.PRIVATE_SECTOR],
            ),
            (
                "Give brokers a confidential way to report demands for payments.",
                Side.CUSTOMS,
                [F.AUDIT],
            ),
        ],
        [
            (
                "Publish the joint code of conduct",
                [1],
                "Unidad de Integridad",
                "CAAAREM",
                "2024-01-15",
                "2024-10-31",
                S.DONE,
                100,
                None,
            ),
            (
                "Certify the first brokerage firms against ISO 37001",
                [1],
                "Unidad de Integridad",
                "CAAAREM",
                "2024-06-01",
                "2026-12-31",
                S.IN_PROGRESS,
                35,
                ("Firms certified", "firms", 0, 50, 12),
            ),
        ],
        None,
    )
    _activities(loi, orgs)
    return [
        "  partnerships: the AMS letter of intent, two MoUs and their action plans",
        "               (public page: /public/agreements/)",
    ]
