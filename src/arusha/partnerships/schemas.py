"""The JSON shapes of the partnerships API.

No `from __future__ import annotations` here: Django Ninja reads the annotations at import time.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.db.models import TextChoices
from ninja import Field, Schema

from arusha.core.models import Organisation, WcoRegion
from arusha.partnerships.models import Action, Activity, Agreement, Evidence, Indicator, Side

# The bounds of the model fields, so that a number the database cannot hold is a 422.
CommitmentNumber = Annotated[int, Field(ge=1, le=32767)]
KeyFactorNumber = Annotated[int, Field(ge=1, le=10)]
Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2, allow_inf_nan=False)]


def one_of(
    choices: type[TextChoices], default: Any = ..., *, blank: bool = False, note: str = ""
) -> Any:
    """A text field whose values the OpenAPI document lists; the form still validates it, so a
    wrong value gets the same translated message as on the page."""
    values: list[Any] = [*([""] if blank else []), *choices.values]
    return Field(default, description=note or None, json_schema_extra={"enum": values})


def not_null() -> Any:
    """A field a change may omit (left unchanged) but not set to null: pydantic validates only
    given values, and null is not a valid one, so it is a 422 rather than a stored null."""
    return Field(None, description="Omit to leave unchanged; null is refused.")


class SignatoryOut(Schema):
    code: UUID
    organisation: UUID = Field(..., alias="organisation.code")
    organisation_name: str = Field(..., alias="organisation.name")
    signed_by: str
    capacity: str
    signed_on: date
    is_adherence: bool


class SignatoryIn(Schema):
    organisation: UUID
    signed_by: str = ""
    capacity: str = ""
    signed_on: date


class AgreementOut(Schema):
    code: UUID
    kind: str
    title: str
    summary: str
    scope: str
    wco_region: str
    administration: UUID = Field(..., alias="administration.code")
    status: str
    date_signed: date | None
    date_in_force: date | None
    is_public: bool
    has_signed_text: bool

    @staticmethod
    def resolve_has_signed_text(obj: Agreement) -> bool:
        return bool(obj.signed_text)


class AgreementIn(Schema):
    kind: str = one_of(Agreement.Kind)
    title: str
    summary: str = ""
    scope: str = one_of(Agreement.Scope)
    wco_region: str = one_of(WcoRegion, "", blank=True)
    administration: UUID
    status: str = one_of(Agreement.Status, "draft")
    date_signed: date | None = None
    date_in_force: date | None = None


class AgreementPatch(Schema):
    kind: str | None = one_of(Agreement.Kind, None)
    title: str | None = None
    summary: str | None = None
    scope: str | None = one_of(Agreement.Scope, None)
    wco_region: str | None = one_of(WcoRegion, None, blank=True)
    status: str | None = one_of(Agreement.Status, None)
    date_signed: date | None = None
    date_in_force: date | None = None
    is_public: bool = not_null()


class CommitmentOut(Schema):
    code: UUID
    number: int
    text: str
    binds: str
    key_factors: list[int]


class CommitmentIn(Schema):
    number: CommitmentNumber
    text: str
    binds: str = one_of(Side)
    key_factors: list[KeyFactorNumber]


class CommitmentPatch(Schema):
    number: CommitmentNumber = not_null()
    text: str | None = None
    binds: str | None = one_of(Side, None)
    key_factors: list[KeyFactorNumber] | None = None


class PlanOut(Schema):
    code: UUID
    agreement: UUID = Field(..., alias="agreement.code")
    administration: UUID = Field(..., alias="administration.code")
    administration_name: str = Field(..., alias="administration.name")
    title: str


class PlanIn(Schema):
    administration: UUID
    title: str


class PlanProgressOut(Schema):
    administration: UUID
    administration_name: str
    actions: int
    done: int
    overdue: int
    percent: int | None


class IndicatorOut(Schema):
    code: UUID
    name: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    measured: Decimal | None
    measured_on: date | None


class IndicatorIn(Schema):
    name: str
    unit: str = ""
    baseline: Amount | None = None
    target: Amount | None = None
    measured: Amount | None = None
    measured_on: date | None = None


class MeasurementIn(Schema):
    measured: Amount | None
    measured_on: date | None = None


class ActionOut(Schema):
    code: UUID
    plan: UUID = Field(..., alias="plan.code")
    number: int
    title: str
    description: str
    commitments: list[int]
    customs_owner: str
    private_owner: UUID | None
    private_owner_contact: str
    start_date: date | None
    due_date: date | None
    status: str
    progress: int
    is_overdue: bool
    is_public: bool
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_commitments(obj: Action) -> list[int]:
        return [c.number for c in obj.commitments.all()]

    @staticmethod
    def resolve_private_owner(obj: Action) -> UUID | None:
        return obj.private_owner.code if obj.private_owner else None

    @staticmethod
    def resolve_indicators(obj: Action) -> list[Indicator]:
        return list(obj.indicators.all())


class ActionIn(Schema):
    title: str
    description: str = ""
    commitments: list[CommitmentNumber] = []
    customs_owner: str
    private_owner: UUID | None = None
    private_owner_contact: str = ""
    start_date: date | None = None
    due_date: date | None = None


class ActionPatch(Schema):
    title: str | None = None
    description: str | None = None
    commitments: list[CommitmentNumber] | None = None
    customs_owner: str | None = None
    private_owner: UUID | None = None
    private_owner_contact: str | None = None
    start_date: date | None = None
    due_date: date | None = None
    is_public: bool = not_null()
    status: str | None = one_of(
        Action.Status, None, note="A change of status or progress needs a note."
    )
    progress: int | None = Field(None, ge=0, le=100)
    note: str | None = None


class EvidenceOut(Schema):
    code: UUID
    title: str
    link: str
    has_document: bool
    added_at: Any

    @staticmethod
    def resolve_has_document(obj: Evidence) -> bool:
        return bool(obj.document)


class PlanPatch(Schema):
    title: str


class SignatoryPatch(Schema):
    signed_by: str | None = None
    capacity: str | None = None
    signed_on: date | None = None


class ParticipantsOut(Schema):
    organisation_kind: str
    wco_region: str
    count: int


class ParticipantsIn(Schema):
    organisation_kind: str = one_of(Organisation.Kind)
    wco_region: str = one_of(WcoRegion, "", blank=True)
    count: int = Field(..., ge=0, le=2_147_483_647)


class ActivityOut(Schema):
    code: UUID
    agreement: UUID = Field(..., alias="agreement.code")
    kind: str
    title: str
    held_on: date
    place: str
    mode: str
    organisers: list[UUID]
    commitments: list[int]
    outcomes: str
    participants: list[ParticipantsOut]

    @staticmethod
    def resolve_organisers(obj: Activity) -> list[UUID]:
        return [o.code for o in obj.organisers.all()]

    @staticmethod
    def resolve_commitments(obj: Activity) -> list[int]:
        return [c.number for c in obj.commitments.all()]

    @staticmethod
    def resolve_participants(obj: Activity) -> list[Any]:
        return list(obj.participants.all())


class ActivityIn(Schema):
    kind: str = one_of(Activity.Kind)
    title: str
    held_on: date
    place: str = ""
    mode: str = one_of(Activity.Mode)
    organisers: list[UUID]
    commitments: list[CommitmentNumber] = []
    outcomes: str = ""
    participants: list[ParticipantsIn] = []


class ActivityPatch(Schema):
    kind: str | None = one_of(Activity.Kind, None)
    title: str | None = None
    held_on: date | None = None
    place: str | None = None
    mode: str | None = one_of(Activity.Mode, None)
    organisers: list[UUID] | None = None
    commitments: list[CommitmentNumber] | None = None
    outcomes: str | None = None
    participants: list[ParticipantsIn] | None = Field(
        None, description="When given, replaces every participant count of the activity."
    )


class ProgressRow(Schema):
    label: str
    actions: int
    done: int
    percent: int | None


class AgreementProgressOut(Schema):
    overall: ProgressRow
    commitments: list[ProgressRow]
    key_factors: list[ProgressRow]
    administrations: list[PlanProgressOut]
