"""REST API of integrity analytics: the same rules as the pages. Only the integrity officers of a
run's administration see it (anyone else gets 404, and an empty list); an upload goes through the
page's form and the same analysis; looking at one entity's indicators is audited as on its page.
Texts meant for a reader (problems, explanations, errors) are in the request's language.

No `from __future__ import annotations` here: Django Ninja reads the annotations at import time.
"""

import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.throttling import AuthRateThrottle
from pydantic import Field

from arusha.analytics import AnalyticsError
from arusha.core import audit
from arusha.core.api_errors import ErrorOut, InvalidOut
from arusha.core.invalid import Invalid
from arusha.core.models import Organisation, User
from arusha.core.paging import paginate
from arusha.integrity import access, background, drilldown, reviews, wording
from arusha.integrity.forms import SAVED, UploadForm
from arusha.integrity.models import (
    AnalysisRun,
    ColumnLayout,
    EntityScore,
    IndicatorValue,
    LeadReview,
    PairCell,
)
from arusha.integrity.views import FIELD_OF_ERROR, analyse_upload

router = Router(tags=["integrity analytics"])
logger = logging.getLogger(__name__)


class AnalysisRunOut(Schema):
    code: UUID
    administration: str
    source_name: str
    mapping: str = Field(description="kcs or bacuda for a shipped layout; empty otherwise")
    mapping_text: str = Field(
        description="the YAML of the administration's own layout the file was read with "
        "(a mapping file given with the file); empty for the canonical schema or a shipped layout"
    )
    layout_name: str = Field(
        description="the name of the saved layout it was read with or saved as; empty otherwise"
    )
    status: str
    rows: int
    created_at: datetime
    uploaded_by: str | None
    is_demo: bool

    @staticmethod
    def resolve_administration(run: AnalysisRun) -> str:
        return run.organisation.label

    @staticmethod
    def resolve_uploaded_by(run: AnalysisRun) -> str | None:
        return run.uploaded_by.get_username() if run.uploaded_by else None


class ValidationProblemOut(Schema):
    column: str
    kind: str = Field(description="the library's code, e.g. unparsable or duplicate_key")
    label: str = Field(description="the kind in the request's language")
    count: int = Field(description="rows affected")
    rows: list[int] = Field(description="the first rows affected, numbered from 1 after the header")
    detail: str = Field(description="what is wrong, in the request's language")


class AnalysisRunDetailOut(AnalysisRunOut):
    notice: str = Field(description="what the results are and are not")
    problems: list[ValidationProblemOut] = Field(
        description="why the file failed validation; else empty"
    )
    read_as: dict[str, str] = Field(
        description="how a CSV file was read, detected or given: encoding, delimiter, decimal, "
        "date_order (ymd, dmy, mdy; format when every date was read with the mapping's formats)"
    )
    summary: dict[str, Any] = Field(description="counts of the data and of each indicator")
    step: int = Field(description="a background analysis: the step it is at (0 before the first)")
    steps: int = Field(description="a background analysis: its number of steps (0 until known)")
    step_label: str = Field(description="the step in the request's language")
    error: str = Field(description="status `failed`: why, in the request's language")

    @staticmethod
    def resolve_step_label(run: AnalysisRun) -> str:
        return wording.step_label(run.step_label) if run.step_label else ""

    @staticmethod
    def resolve_error(run: AnalysisRun) -> str:
        return wording.run_error(run.error) if run.status == AnalysisRun.Status.FAILED else ""

    @staticmethod
    def resolve_notice(run: AnalysisRun) -> str:
        return str(wording.NOTICE)  # the reader's; the summary's is English

    @staticmethod
    def resolve_problems(run: AnalysisRun) -> list[dict[str, object]]:
        return [_problem_out(problem) for problem in run.problems]

    @staticmethod
    def resolve_read_as(run: AnalysisRun) -> dict[str, str]:
        return {str(k): str(v) for k, v in (run.summary.get("read_as") or {}).items()}

    @staticmethod
    def resolve_summary(run: AnalysisRun) -> dict[str, Any]:
        return {k: v for k, v in run.summary.items() if k not in ("read_as", "notice")}


class EntityScoreOut(Schema):
    entity_kind: str = Field(description="officer, declarant, pair or office")
    entity_id: str
    office_id: str
    rank: int
    score: float
    flags: int = Field(description="indicators flagged")
    top_indicator: str
    top_reason: str = Field(
        description="the top indicator's explanation, in the request's language"
    )
    contributions: dict[str, float] = Field(description="each indicator's part of the score")
    review: str | None = Field(
        None,
        description="the latest conclusion recorded on this lead in this run (follow_up, "
        "explained, data_error, referred), or null when it has none",
    )

    @staticmethod
    def resolve_review(score: EntityScore) -> str | None:
        return getattr(score, "decision", None)

    @staticmethod
    def resolve_top_reason(score: EntityScore) -> str:
        """In the reader's language; runs stored before explanations had a structured form keep
        their English."""
        if wording.has_wording(score.top_wording):
            return wording.explanation(score.top_wording)
        return score.top_reason


class IndicatorValueOut(Schema):
    entity_kind: str
    entity_id: str
    office_id: str
    indicator: str
    title: str = Field(description="the indicator's title in the request's language")
    period: str
    value: float | None
    expected: float | None
    p_value: float | None
    q_value: float | None = Field(description="after Benjamini-Hochberg; flagged when <= alpha")
    flagged: bool
    explanation: str = Field(description="in the request's language")

    @staticmethod
    def resolve_title(value: IndicatorValue) -> str:
        return wording.indicator_title(value.indicator)

    @staticmethod
    def resolve_explanation(value: IndicatorValue) -> str:
        if wording.has_wording(value.wording):
            return wording.explanation(value.wording)
        return value.explanation


class LeadReviewOut(Schema):
    id: int
    administration: str
    run: UUID | None = Field(description="the run it was recorded on; null once that is deleted")
    entity_kind: str
    entity_id: str
    office_id: str
    decision: str
    decision_label: str = Field(description="the conclusion in the request's language")
    note: str
    reviewed_by: str | None
    created_at: datetime

    @staticmethod
    def resolve_administration(review: LeadReview) -> str:
        return review.organisation.label

    @staticmethod
    def resolve_run(review: LeadReview) -> UUID | None:
        return review.run.code if review.run else None

    @staticmethod
    def resolve_decision_label(review: LeadReview) -> str:
        return reviews.decision_label(review.decision)

    @staticmethod
    def resolve_reviewed_by(review: LeadReview) -> str | None:
        return review.reviewed_by.get_username() if review.reviewed_by else None


class LeadReviewIn(Schema):
    entity_kind: str = Field(description="officer, declarant, pair or office")
    entity_id: str = Field(description="as the run lists it (a pair: officer|declarant)")
    office_id: str = Field("", description="the lead's office, when it has more than one")
    decision: str = Field(description="follow_up, explained, data_error or referred")
    note: str = Field(description="the reasons and what was checked (required)")


class EntityScoreDetailOut(EntityScoreOut):
    indicators: list[IndicatorValueOut]
    reviews: list[LeadReviewOut] = Field(
        description="every review of the lead in its administration, the latest first"
    )


class PairCellOut(Schema):
    office_id: str
    period: str
    officer_id: str
    declarant_id: str
    n: int = Field(description="declarations of the pair at the office in the period")
    n_officer: int
    n_declarant: int
    n_office: int
    expected: float = Field(description="the count expected from the pair's shared exposure")
    p_value: float | None
    q_value: float | None
    flagged: bool


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _done(run: AnalysisRun) -> AnalysisRun:
    """The run, if it is done; else 409 saying why it has no results yet, or none at all. A run
    being analysed may be writing them (see storing.store_result); an empty list would read as
    a run that found nothing."""
    if run.is_pending:
        raise HttpError(409, str(wording.NOT_YET))
    if not run.is_done:
        raise HttpError(409, str(wording.NO_RESULTS))
    return run


def _problem_out(problem: dict[str, Any]) -> dict[str, object]:
    kind = str(problem.get("kind") or "")
    return {
        "column": str(problem.get("column") or ""),
        "kind": kind,
        "label": wording.problem_kind(kind),
        "count": int(problem.get("count") or 0),
        "rows": [int(row) for row in problem.get("rows") or []],
        "detail": wording.problem_detail(problem),  # the library's English for older runs
    }


def _kind(kind: str) -> str:
    if kind and kind not in wording.KINDS:
        known = ", ".join(wording.KINDS)
        message = _("Unknown kind %(kind)s: use one of %(known)s.")
        raise HttpError(422, message % {"kind": kind, "known": known})
    return kind


class LayoutOut(Schema):
    mapping: str = Field(description="the value to send as `mapping` to read a file with it")
    name: str
    administration: str
    text: str = Field(description="the mapping file (YAML)")
    saved_by: str | None
    updated_at: datetime

    @staticmethod
    def resolve_mapping(layout: ColumnLayout) -> str:
        return f"{SAVED}{layout.pk}"

    @staticmethod
    def resolve_administration(layout: ColumnLayout) -> str:
        return layout.organisation.label

    @staticmethod
    def resolve_saved_by(layout: ColumnLayout) -> str | None:
        return layout.saved_by.get_username() if layout.saved_by else None


@router.get(
    "/layouts",
    response=list[LayoutOut],
    summary="Saved layouts (mapping files) of your administrations",
)
def list_layouts(request: HttpRequest) -> QuerySet[ColumnLayout]:
    return access.visible_layouts(_user(request))


@router.get("/runs", response=list[AnalysisRunOut], summary="Analysis runs you may see")
@paginate
def list_runs(request: HttpRequest, status: str = "") -> QuerySet[AnalysisRun]:
    runs = access.visible_runs(_user(request))
    background.revive_stale(runs)  # a stopped server's runs go on here
    return runs.filter(status=status) if status else runs


@router.post(
    "/runs",
    response={201: AnalysisRunDetailOut, 202: AnalysisRunDetailOut, 403: ErrorOut, 422: InvalidOut},
    summary="Analyse a declarations file (multipart)",
    throttle=[AuthRateThrottle(settings.API_RATE_ANALYSIS)],
    description=(
        "The file as on the upload page: .csv, .csv.gz, .xlsx or .parquet. Up to 50 MB (by "
        "default; 5 MB for a workbook) it is analysed at once (201); a larger one, up to "
        "1,000 MB, in the background (202, status `queued`): ask for the run until its status "
        "is `done`, `failed_validation` or `failed`. "
        "`organisation` is the code of a customs administration where you are an integrity "
        "officer; it may be left out when there is only one. `mapping` is the file's layout "
        "(empty: the canonical schema, `kcs`, `bacuda`, or a saved layout's `saved:N` from "
        "`GET /layouts`); `mapping_file`, instead, a mapping file of the administration's own "
        "(YAML, UTF-8, up to 64 KB), kept with the run as `mapping_text`, and `save_as` a name "
        "to save it under as a layout of the administration. The CSV settings left empty are "
        "detected: `encoding` (utf-8, cp1252), `delimiter` (`,` `;` `tab` `|`), `decimal` "
        "(`.` `,`), `date_order` (ymd, dmy, mdy); `sheet`, an Excel workbook's sheet by name "
        "(left empty: the first visible sheet with the required columns). A file that fails "
        "validation still makes a "
        "run, with status `failed_validation` and its problems. A file that cannot be read makes "
        "none when analysed at once (422, naming the setting to change); in the background its "
        "run ends `failed`, with the reason in `error`. Each file is a full analysis on the "
        "server: a user may send 30 an hour (`ARUSHA_API_RATE_ANALYSIS`), then 429."
    ),
)
def create_run(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008 - how Ninja declares a file part
    mapping_file: UploadedFile | None = File(None),  # noqa: B008
    organisation: Form[str] = "",
    mapping: Form[str] = "",
    save_as: Form[str] = "",
    encoding: Form[str] = "",
    delimiter: Form[str] = "",
    decimal: Form[str] = "",
    date_order: Form[str] = "",
    sheet: Form[str] = "",
) -> Status[AnalysisRun]:
    user = _user(request)
    administrations = access.officer_administrations(user)
    if not administrations.exists():
        raise HttpError(
            403, _("Only the integrity officers of a customs administration analyse files.")
        )
    data = {
        "organisation": _organisation(administrations, organisation),
        "mapping": mapping,
        "save_as": save_as,
        "encoding": encoding,
        "delimiter": delimiter,
        "decimal": decimal,
        "date_order": date_order,
        "sheet": sheet,
    }
    files = {"file": file} | ({"mapping_file": mapping_file} if mapping_file else {})
    form = UploadForm(data, files, organisations=administrations)
    if not form.is_valid():
        if "organisation" in form.errors:
            form.errors["organisation"] = form.error_class(
                [_("Give the code of an administration where you are an integrity officer.")]
            )
        raise Invalid(form)
    try:
        run = analyse_upload(user, form.cleaned_data, form.csv_format(), via="api")
    except AnalyticsError as exc:
        # Worded from the error's kind, row and column, never the engine's text or a path; put
        # on the setting that resolves it, if one does.
        field = FIELD_OF_ERROR.get(str(getattr(exc, "kind", "")), "file")
        form.add_error(field, wording.source_error(exc))
        raise Invalid(form) from None
    except Exception:  # a fault no check caught: the engine's text goes to the log only
        logger.exception("Analysis of a file sent to the API stopped on an unexpected error")
        form.add_error("file", str(wording.UNEXPECTED))
        raise Invalid(form) from None
    return Status(202 if run.is_pending else 201, run)


def _organisation(administrations: QuerySet[Organisation], code: str) -> str:
    """The form's value (a primary key) for the administration the code names; the only one
    when none is given."""
    if not code:
        only = list(administrations.values_list("pk", flat=True)[:2])
        return str(only[0]) if len(only) == 1 else ""
    try:
        found = administrations.filter(code=UUID(code)).values_list("pk", flat=True).first()
    except ValueError:
        found = None
    return "" if found is None else str(found)


@router.get(
    "/runs/{code}", response=AnalysisRunDetailOut, summary="One run: its summary or its problems"
)
def get_run(request: HttpRequest, code: UUID) -> AnalysisRun:
    run = access.get_run_for_user(_user(request), code)
    if background.revive(run):  # its server stopped: queued again, and analysed here
        run.refresh_from_db()
    return run


@router.delete(
    "/runs/{code}",
    response={204: None, 409: ErrorOut},
    summary="Delete a run and everything it found (audited)",
    description="Refused (409) while the run is being analysed. The audit trail keeps that the "
    "run existed, who deleted it and when, but none of its results.",
)
def delete_run(request: HttpRequest, code: UUID) -> Status[None]:
    user = _user(request)
    run = access.get_run_for_user(user, code)
    try:
        background.delete(run, user)
    except background.StillRunning:
        raise HttpError(409, str(wording.STILL_RUNNING)) from None
    return Status(204, None)


@router.get(
    "/runs/{code}/entities",
    response={200: list[EntityScoreOut], 409: ErrorOut},
    summary="Ranked leads of a run",
    description="Officers, declarants, pairs or offices in the order of their score, as on the "
    "run's page. A lead is a reason to look at the declarations, never a finding. `unreviewed`: "
    "only the flagged leads with no review recorded on this run.",
)
@paginate
def list_entities(
    request: HttpRequest,
    code: UUID,
    kind: str = "officer",
    office: str = "",
    flagged: bool = False,
    unreviewed: bool = False,
) -> QuerySet[EntityScore]:
    run = _done(access.get_run_for_user(_user(request), code))
    return reviews.ranked(run, _kind(kind) or "officer", office, flagged, unreviewed)


@router.get(
    "/runs/{code}/entity",
    response={200: EntityScoreDetailOut, 409: ErrorOut},
    summary="One entity's score and indicators (audited)",
    description="`id` is the entity's identifier as the run lists it (a pair: officer|declarant); "
    "`office` picks an officer's or a pair's office when it has more than one.",
)
def get_entity(
    request: HttpRequest, code: UUID, kind: str, id: str, office: str = ""
) -> EntityScore:
    user = _user(request)
    run = _done(access.get_run_for_user(user, code))
    score = drilldown.entity_of(run, _kind(kind), id, office)
    score.indicators = list(drilldown.indicators_of(run, score))  # type: ignore[attr-defined]
    history = list(reviews.history(run, score))
    score.reviews = history  # type: ignore[attr-defined]
    here = [r for r in history if r.run_id == run.pk]
    score.decision = here[0].decision if here else None  # type: ignore[attr-defined]
    drilldown.record_view(user, run, score, via="api")
    return score


@router.post(
    "/runs/{code}/reviews",
    response={201: LeadReviewOut, 409: ErrorOut},
    summary="Record a review of a lead (audited)",
    description="What the unit concluded on one lead of the run and why. Reviews are added, "
    "never changed; the lead's page and `entity` list them all. The audit trail records the "
    "conclusion, not the note.",
)
def create_review(request: HttpRequest, code: UUID, payload: LeadReviewIn) -> Status[LeadReview]:
    user = _user(request)
    run = _done(access.get_run_for_user(user, code))
    score = drilldown.entity_of(
        run, _kind(payload.entity_kind) or "officer", payload.entity_id, payload.office_id
    )
    data = {"decision": payload.decision, "note": payload.note}
    return Status(201, reviews.record(user, run, score, data))


@router.get(
    "/reviews",
    response=list[LeadReviewOut],
    summary="Reviews of leads",
    description="Every review recorded in the administrations where you are an integrity "
    "officer, the latest first; filter by kind, entity or conclusion.",
)
@paginate
def list_reviews(
    request: HttpRequest, kind: str = "", entity: str = "", decision: str = ""
) -> QuerySet[LeadReview]:
    found = LeadReview.objects.filter(
        organisation__in=access.officer_administrations(_user(request))
    ).select_related("organisation", "run", "reviewed_by")
    if _kind(kind):
        found = found.filter(entity_kind=kind)
    if entity:
        found = found.filter(entity_id=entity)
    if decision:
        if decision not in LeadReview.Decision.values:
            known = ", ".join(LeadReview.Decision.values)
            message = _("Unknown conclusion %(decision)s: use one of %(known)s.")
            raise HttpError(422, message % {"decision": decision, "known": known})
        found = found.filter(decision=decision)
    return found


@router.get(
    "/runs/{code}/indicators",
    response={200: list[IndicatorValueOut], 409: ErrorOut},
    summary="Indicator values of a run",
    description="Every value the run computed, as in the page's CSV export, most significant "
    "first; filter by entity kind, entity, indicator name or flagged. Audited, as the export is.",
)
@paginate
def list_indicators(
    request: HttpRequest,
    code: UUID,
    kind: str = "",
    entity: str = "",
    indicator: str = "",
    flagged: bool = False,
) -> QuerySet[IndicatorValue]:
    run = _done(access.get_run_for_user(_user(request), code))
    values = run.indicators.all()
    if _kind(kind):
        values = values.filter(entity_kind=kind)
    if entity:
        values = values.filter(entity_id=entity)
    if indicator:
        values = values.filter(indicator=indicator)
    if flagged:
        values = values.filter(flagged=True)
    filters = {"kind": kind, "entity": entity, "indicator": indicator, "flagged": flagged}
    audit.record(
        _user(request),
        "integrity.indicators_exported",
        run,
        organisation=run.organisation,
        details={"via": "api", **{k: v for k, v in filters.items() if v}},
    )
    return values.order_by(F("q_value").asc(nulls_last=True), "entity_kind", "entity_id", "pk")


@router.get(
    "/runs/{code}/pair-cells",
    response={200: list[PairCellOut], 409: ErrorOut},
    summary="Officer-declarant counts tested for pair excess",
    description="One row per pair, office and quarter, with its margins and the expected count; "
    "filter by officer, declarant, office or flagged.",
)
@paginate
def list_pair_cells(
    request: HttpRequest,
    code: UUID,
    officer: str = "",
    declarant: str = "",
    office: str = "",
    flagged: bool = False,
) -> QuerySet[PairCell]:
    run = _done(access.get_run_for_user(_user(request), code))
    cells = run.pair_cells.all()
    for name, value in (
        ("officer_id", officer),
        ("declarant_id", declarant),
        ("office_id", office),
    ):
        if value:
            cells = cells.filter(**{name: value})
    if flagged:
        cells = cells.filter(flagged=True)
    return cells.order_by(F("q_value").asc(nulls_last=True), "office_id", "period", "pk")
