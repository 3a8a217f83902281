"""The customs taxonomy of the intake form and of the coarse statistics, in one versioned place.

Codes are stored; labels are translated. Change a label freely, but add a code rather than
reuse one, and raise ``VERSION`` when the set of codes or their meaning changes: each sealed
report records the version it was answered under.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

VERSION = "customs-2026.1"


class ReporterRole(models.TextChoices):
    TRADER = "trader", _("Trader (importer or exporter)")
    BROKER = "broker", _("Customs broker or freight forwarder")
    CARRIER = "carrier", _("Carrier or driver")
    OFFICER = "officer", _("Customs officer or staff")
    PUBLIC = "public", _("Member of the public or traveller")


class Stage(models.TextChoices):
    LODGING = "lodging", _("Lodging the declaration")
    DOCUMENTARY = "documentary", _("Documentary check")
    PHYSICAL = "physical", _("Physical inspection")
    VALUATION = "valuation", _("Valuation or classification")
    RELEASE = "release", _("Release of the goods")
    TRANSIT = "transit", _("Transit or escort")
    AUDIT = "audit", _("Post-clearance audit")
    OTHER = "other", _("Other")


class DemandKind(models.TextChoices):
    CASH = "cash", _("Cash")
    GOODS = "goods", _("Goods (for example cigarettes or alcohol)")
    FAVOUR = "favour", _("A favour")
    FEE = "fee", _("A fee above the official one")
    OTHER = "other", _("Other")


class AmountBand(models.TextChoices):
    UNDER_50 = "lt50", _("Less than 50 US dollars or equivalent")
    UP_TO_500 = "50-500", _("50 to 500 US dollars")
    UP_TO_5000 = "500-5000", _("500 to 5,000 US dollars")
    OVER_5000 = "gt5000", _("More than 5,000 US dollars")
    UNKNOWN = "unknown", _("Unknown or not money")


class ByWhom(models.TextChoices):
    CUSTOMS = "customs", _("A customs officer")
    OTHER_AGENCY = "agency", _("An officer of another agency")
    INTERMEDIARY = "intermediary", _("A broker or other intermediary")
    UNKNOWN = "unknown", _("Unknown")


class Consequence(models.TextChoices):
    DELAY = "delay", _("Delay")
    REINSPECTION = "reinspection", _("Re-inspection")
    SEIZURE = "seizure", _("Seizure of the goods")
    THREAT = "threat", _("Threat")
    NONE = "none", _("None")


class Paid(models.TextChoices):
    YES = "yes", _("Yes, it was paid")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("I prefer not to say")


# The answers of the intake form, in the order the form asks them: (field, choices).
QUESTIONS: tuple[tuple[str, type[models.TextChoices]], ...] = (
    ("reporter_role", ReporterRole),
    ("stage", Stage),
    ("demand", DemandKind),
    ("amount_band", AmountBand),
    ("by_whom", ByWhom),
    ("consequence", Consequence),
    ("paid", Paid),
)


def label_of(choices: type[models.TextChoices], code: str) -> str:
    """The translated label of a stored code, or the code itself if it is no longer known."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code
