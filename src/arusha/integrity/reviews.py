"""Reviewing the leads of an analysis: the unit records what it concluded on each lead and why,
and sees a lead's earlier conclusions and its results in the administration's other analyses.

A review belongs to the analysis it was made on; the same lead (kind, name and office) in a later
analysis shows it as an earlier review, and needs a review of its own there."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery

from arusha.core import audit
from arusha.core.invalid import Invalid
from arusha.core.models import User
from arusha.integrity.forms import ReviewForm
from arusha.integrity.models import AnalysisRun, EntityScore, LeadReview

ELSEWHERE_MAX = 12  # other analyses listed on a lead's page


def record(user: User, run: AnalysisRun, score: EntityScore, data: Any) -> LeadReview:
    """Add a review of the lead `score` on `run` (raises Invalid with the form's messages);
    audited with the conclusion, not the note, which may name people."""
    form = ReviewForm(data)
    if not form.is_valid():
        raise Invalid(form)
    review = LeadReview.objects.create(
        organisation=run.organisation,
        run=run,
        **score.lead,
        decision=form.cleaned_data["decision"],
        note=form.cleaned_data["note"].strip(),
        reviewed_by=user,
    )
    details = {**score.lead, "decision": review.decision, "run": str(run.code)}
    audit.record(
        user, "integrity.lead_reviewed", review, organisation=run.organisation, details=details
    )
    return review


def history(run: AnalysisRun, score: EntityScore) -> QuerySet[LeadReview]:
    """Every review of the lead in the run's administration, the latest first."""
    return LeadReview.objects.filter(organisation=run.organisation, **score.lead).select_related(
        "run", "reviewed_by"
    )


def elsewhere(run: AnalysisRun, score: EntityScore) -> QuerySet[EntityScore]:
    """The lead's scores in the administration's other analyses (any office), the latest first."""
    return (
        EntityScore.objects.filter(
            run__organisation=run.organisation,
            run__status=AnalysisRun.Status.DONE,
            entity_kind=score.entity_kind,
            entity_id=score.entity_id,
        )
        .exclude(run=run)
        .select_related("run")
        .order_by("-run__created_at", "office_id")[:ELSEWHERE_MAX]
    )


def _reviews_of_row(run: AnalysisRun, *, this_run: bool) -> QuerySet[LeadReview]:
    """Reviews of the lead on the outer EntityScore row, on this run or on earlier ones."""
    reviews = LeadReview.objects.filter(
        organisation=run.organisation,
        entity_kind=OuterRef("entity_kind"),
        entity_id=OuterRef("entity_id"),
        office_id=OuterRef("office_id"),
    )
    return reviews.filter(run=run) if this_run else reviews.exclude(run=run)


def with_reviews(run: AnalysisRun, scores: QuerySet[EntityScore]) -> QuerySet[EntityScore]:
    """`scores` with the latest conclusion on this run (`decision`, `decided_at`) and, where
    there is none, the latest on any other analysis (`earlier_decision`, `earlier_at`)."""
    here = _reviews_of_row(run, this_run=True).order_by("-created_at", "-pk")
    before = _reviews_of_row(run, this_run=False).order_by("-created_at", "-pk")
    return scores.annotate(
        decision=Subquery(here.values("decision")[:1]),
        decided_at=Subquery(here.values("created_at")[:1]),
        earlier_decision=Subquery(before.values("decision")[:1]),
        earlier_at=Subquery(before.values("created_at")[:1]),
    )


def ranked(
    run: AnalysisRun, kind: str, office: str = "", flagged: bool = False, unreviewed: bool = False
) -> QuerySet[EntityScore]:
    """The run's leads of one kind, as its page, its CSV and the API filter them (an office,
    flagged only, flagged and not yet reviewed here), with their reviews, in rank order."""
    scores = run.entities.filter(entity_kind=kind)
    if office:
        scores = scores.filter(office_id=office)
    if flagged:
        scores = scores.filter(flags__gt=0)
    if unreviewed:
        scores = awaiting(run, scores)
    return with_reviews(run, scores).order_by("rank", "pk")


def awaiting(run: AnalysisRun, scores: QuerySet[EntityScore]) -> QuerySet[EntityScore]:
    """The flagged leads of `scores` with no review on this run."""
    return scores.filter(flags__gt=0).exclude(Exists(_reviews_of_row(run, this_run=True)))


def awaiting_by_kind(run: AnalysisRun) -> dict[str, int]:
    """How many flagged leads of each kind have no review on this run."""
    counts = (
        awaiting(run, run.entities.all())
        .order_by()
        .values_list("entity_kind")
        .annotate(n=Count("pk"))
    )
    return dict(counts)


def decision_label(decision: str | None) -> str:
    return str(LeadReview.Decision(decision).label) if decision else ""
