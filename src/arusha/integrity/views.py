"""Pages of integrity analytics: runs, an upload, a run's ranked leads, one entity's indicators."""

from __future__ import annotations

import csv
import logging
import tempfile
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from arusha.analytics import AnalyticsError
from arusha.analytics.csvformat import CsvFormat
from arusha.analytics.engine import CSV_SUFFIXES, PARQUET_SUFFIXES
from arusha.analytics.workbook import WORKBOOK_SUFFIXES, is_workbook
from arusha.core import audit
from arusha.core.invalid import Invalid
from arusha.core.models import Organisation, User
from arusha.core.spreadsheets import safe_row
from arusha.integrity import access, background, drilldown, examples, reviews
from arusha.integrity.charts import contribution_chart, mix_chart, observed_chart
from arusha.integrity.forms import ReviewForm, UploadForm
from arusha.integrity.models import AnalysisRun, ColumnLayout, EntityScore, LeadReview
from arusha.integrity.storing import analyse_file, save_upload
from arusha.integrity.wording import (
    KINDS,
    NOTICE,
    STILL_RUNNING,
    UNEXPECTED,
    canonical_columns,
    explanation,
    has_wording,
    read_as,
    run_error,
    source_error,
    step_label,
)

PAGE_ROWS = 200
WORKBOOK_INLINE_MAX_MB = 5  # about 50,000 rows: a few seconds to copy out of the sheet
logger = logging.getLogger(__name__)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _paged(request: HttpRequest, rows: Any, size: int, name: str) -> dict[str, Any]:
    """The query's page of `rows` as `name`, and the query without its page number as
    `page_query`, so that the links to other pages keep the filters (integrity/_pager.html)."""
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    return {name: page, "page_query": query.urlencode()}


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    administrations = access.officer_administrations(user)
    if not administrations.exists():
        raise Http404
    runs = access.visible_runs(user)
    background.revive_stale(runs)  # a stopped server's runs go on here
    context = {"runs": runs, "notice": NOTICE}
    return render(request, "integrity/run_list.html", context)


# The form's CSV setting that resolves a SourceError of each kind.
FIELD_OF_ERROR = {
    "encoding": "encoding",
    "unknown_encoding": "encoding",
    "bad_delimiter": "delimiter",
    "wrong_delimiter": "delimiter",
    "bad_decimal": "decimal",
    "bad_date_order": "date_order",
    "ambiguous_dates": "date_order",
    "no_such_sheet": "sheet",
}


@login_required
def run_upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    administrations = access.officer_administrations(user)
    if not administrations.exists():
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None, organisations=administrations)
    if request.method == "POST" and form.is_valid():
        try:
            run = analyse_upload(user, form.cleaned_data, form.csv_format())
        except AnalyticsError as exc:
            # Worded from the error's kind, row and column: never the engine's text or a path;
            # shown beside the setting that resolves it, if one does.
            field = FIELD_OF_ERROR.get(str(getattr(exc, "kind", "")), "file")
            form.add_error(field, source_error(exc))
        except Exception:  # a fault no check caught: the engine's text goes to the log only
            logger.exception("Analysis of an uploaded file stopped on an unexpected error")
            form.add_error("file", str(UNEXPECTED))
        else:
            if run.is_done:
                messages.success(request, _("The file was analysed."))
            elif run.is_pending:
                messages.info(
                    request,
                    _(
                        "The file is large: it is being analysed in the background. This page "
                        "follows the analysis; you may also leave it and come back."
                    ),
                )
            return redirect("integrity:run", code=run.code)
    context = {
        "form": form,
        "inline_mb": settings.INTEGRITY_INLINE_MAX_MB,
        "upload_mb": settings.INTEGRITY_UPLOAD_MAX_MB,
        "workbook_inline_mb": _inline_limit(".xlsx"),
        "columns": canonical_columns(),
        "example_rows": examples.CONFIG.rows,
    }
    return render(request, "integrity/run_upload.html", context)


def analyse_upload(
    user: User, data: dict[str, object], csv_format: CsvFormat, via: str = ""
) -> AnalysisRun:
    """Analyse the form's file for its administration, at once or, when it is large, in the
    background (the run is then returned waiting); audited (`via`: "api" from the API)."""
    upload = data["file"]
    name = PurePath(upload.name).name  # type: ignore[attr-defined]
    about: dict[str, Any] = {
        "organisation": data["organisation"],
        "user": user,
        "source_name": name,
        "mapping": str(data.get("mapping") or ""),
        "mapping_text": str(data.get("mapping_text") or ""),
        "layout_name": str(data.get("layout_name") or ""),
        "csv_format": csv_format,
    }
    if upload.size > _inline_limit(name) * 1024 * 1024:  # type: ignore[attr-defined]
        run = background.queue_upload(upload, suffix=_suffix(name), **about)
    else:
        with tempfile.TemporaryDirectory(prefix="arusha-integrity-") as tmp:
            path = Path(tmp) / ("upload" + _suffix(name))
            save_upload(upload, path)
            run = analyse_file(path, **about)
    _audit_created(user, run, via)
    if data.get("save_as"):
        save_layout(user, run.organisation, str(data["save_as"]), run.mapping_text, via)
    return run


def save_layout(user: User, organisation: Organisation, name: str, text: str, via: str) -> None:
    """Keep a mapping file for the administration under `name` (replacing one of that name)."""
    layout, created = ColumnLayout.objects.update_or_create(
        organisation=organisation, name=name.strip(), defaults={"text": text, "saved_by": user}
    )
    details = {"name": layout.name, "replaced": not created} | ({"via": via} if via else {})
    audit.record(user, "integrity.layout_saved", layout, organisation=organisation, details=details)


def _audit_created(user: User, run: AnalysisRun, via: str) -> None:
    details = {"via": via} if via else None
    audit.record(user, "integrity.run_created", run, organisation=run.organisation, details=details)


def _inline_limit(name: str) -> int:
    """Up to how many MB the file is analysed while the upload waits. A workbook is first
    copied out of its sheet, which takes seconds per 10 MB (100,000 rows): a large one is
    analysed in the background, its page showing how far it is."""
    if is_workbook(name):
        return min(settings.INTEGRITY_INLINE_MAX_MB, WORKBOOK_INLINE_MAX_MB)
    return int(settings.INTEGRITY_INLINE_MAX_MB)


def _suffix(name: str) -> str:
    """The file's kind as its name says it, compressed CSV included (".csv.gz")."""
    lowered = name.lower()
    known = sorted(CSV_SUFFIXES + PARQUET_SUFFIXES + WORKBOOK_SUFFIXES, key=len, reverse=True)
    return next((s for s in known if lowered.endswith(s)), PurePath(lowered).suffix)


def _ranked(request: HttpRequest, run: AnalysisRun) -> tuple[Any, dict[str, Any]]:
    """The run's ranked leads the query's filters ask for (kind, office, flagged only, not yet
    reviewed), with their reviews, in rank order; and the filters."""
    asked = request.GET.get("kind", "officer")
    kind = asked if asked in KINDS else "officer"
    office = request.GET.get("office", "")
    flagged = request.GET.get("flagged") == "1"
    unreviewed = request.GET.get("unreviewed") == "1"
    leads = reviews.ranked(run, kind, office=office, flagged=flagged, unreviewed=unreviewed)
    filters = {
        "kind": kind,
        "office": office,
        "flagged_only": flagged,
        "unreviewed_only": unreviewed,
    }
    return leads, filters


@login_required
def run_detail(request: HttpRequest, code: str) -> HttpResponse:
    run = access.get_run_for_user(_user(request), code)
    ranked, filters = _ranked(request, run)
    offices = run.entities.exclude(office_id="").values_list("office_id", flat=True).distinct()
    context = {
        "run": run,
        "notice": NOTICE,
        "error": run_error(run.error) if run.status == AnalysisRun.Status.FAILED else "",
        "progress": _progress(run),
        **_paged(request, ranked, PAGE_ROWS, "entities"),
        **filters,
        "awaiting": _awaiting(run),
        "kinds": KINDS.items(),
        "offices": sorted(set(offices)),
        "read_as": read_as(run.summary.get("read_as") or {}),
        # Runs stored before explanations had a structured form show their English.
        "english_reasons": run.entities.exclude(top_reason="").filter(top_wording=[]).exists(),
    }
    return render(request, "integrity/run_detail.html", context)


def _awaiting(run: AnalysisRun) -> list[tuple[str, str, int]]:
    """Each kind of lead with flagged leads not yet reviewed on the run: key, label, count."""
    if not run.is_done:
        return []
    counts = reviews.awaiting_by_kind(run)
    return [(kind, str(label), counts[kind]) for kind, label in KINDS.items() if counts.get(kind)]


def _progress(run: AnalysisRun) -> dict[str, object]:
    """How far a background analysis is: the current step in words, and the share done."""
    if not run.is_pending:
        return {}
    ahead = 0
    if run.status == AnalysisRun.Status.QUEUED:
        ahead = AnalysisRun.objects.filter(
            status__in=(AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING),
            created_at__lt=run.created_at,
        ).count()
    return {
        "step": run.step,
        "steps": run.steps,
        "label": step_label(run.step_label) if run.step_label else "",
        "percent": round(100 * max(run.step - 1, 0) / run.steps) if run.steps else 0,
        "ahead": ahead,
    }


@login_required
def run_progress(request: HttpRequest, code: str) -> HttpResponse:
    """The progress panel of a run being analysed, which the run's page asks for every few
    seconds; once the run has ended, an instruction to reload the whole page."""
    run = access.get_run_for_user(_user(request), code)
    if background.revive(run):  # its server stopped: queued again, and analysed here
        run.refresh_from_db()
    if not run.is_pending:
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    context = {"run": run, "progress": _progress(run), "oob": True}  # the heading's status too
    return render(request, "integrity/_progress.html", context)


@login_required
def run_delete(request: HttpRequest, code: str) -> HttpResponse:
    """Ask, then delete a run with everything it found; not while it is being analysed."""
    user = _user(request)
    run = access.get_run_for_user(user, code)
    if run.status == AnalysisRun.Status.RUNNING:
        messages.error(request, str(STILL_RUNNING))
        return redirect("integrity:run", code=run.code)
    if request.method == "POST":
        try:
            background.delete(run, user)
        except background.StillRunning:
            messages.error(request, str(STILL_RUNNING))
            return redirect("integrity:run", code=run.code)
        messages.success(request, _("The analysis was deleted."))
        return redirect("integrity:list")
    counts = {
        "entities": run.entities.count(),
        "indicators": run.indicators.count(),
        "cells": run.pair_cells.count(),
        "reviews": run.reviews.count(),
    }
    return render(request, "integrity/run_delete.html", {"run": run, "counts": counts})


@login_required
def example_file(request: HttpRequest, name: str) -> HttpResponse:
    """An example file to try the upload with (see integrity.examples): generated, invented
    declarations, offered on the upload page to whoever may upload."""
    if not access.officer_administrations(_user(request)).exists():
        raise Http404
    found = examples.example(name)
    if found is None:
        raise Http404
    response = HttpResponse(found.content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response


@login_required
def layout_list(request: HttpRequest) -> HttpResponse:
    """The mapping files the user's administrations saved: each one's text, and a button that
    deletes it (runs read with it keep their own copy)."""
    user = _user(request)
    administrations = access.officer_administrations(user)
    if not administrations.exists():
        raise Http404
    layouts = access.visible_layouts(user)
    if request.method == "POST":
        chosen = request.POST.get("delete", "")
        layout = layouts.filter(pk=int(chosen) if chosen.isdigit() else 0).first()
        if layout is None:
            raise Http404
        audit.record(
            user,
            "integrity.layout_deleted",
            layout,
            organisation=layout.organisation,
            details={"name": layout.name},
        )
        layout.delete()
        messages.success(request, _("The layout was deleted."))
        return redirect("integrity:layouts")
    context = {"layouts": layouts, "several": administrations.count() > 1}
    return render(request, "integrity/layout_list.html", context)


@login_required
def entity_detail(request: HttpRequest, code: str, kind: str, entity: str) -> HttpResponse:
    user = _user(request)
    run = access.get_run_for_user(user, code)
    score = drilldown.entity_of(run, kind, entity, request.GET.get("office", ""))
    form = ReviewForm()
    if request.method == "POST":  # a review of this lead; the page again, with it
        try:
            reviews.record(user, run, score, request.POST)
        except Invalid as exc:
            form = exc.form  # type: ignore[assignment]  # a bound ReviewForm
        else:
            messages.success(request, _("Your review of this lead is recorded."))
            return redirect(request.get_full_path() + "#reviews")
    indicators = drilldown.indicators_of(run, score)
    charts = _pair_charts(run, score, request.GET.get("quarter", ""))
    mix = charts.get("mix")
    # Which of the entity's quarters the chart showed.
    shown = {"quarter": mix.quarter.key} if isinstance(mix, drilldown.Mix) else {}
    drilldown.record_view(user, run, score, **shown)
    context = {
        "run": run,
        "notice": NOTICE,
        "score": score,
        "indicators": indicators,
        "chart": contribution_chart(score.contributions),
        "review_form": form,
        "reviews": reviews.history(run, score),
        "elsewhere": reviews.elsewhere(run, score),
        **charts,
    }
    return render(request, "integrity/entity_detail.html", context)


def _pair_charts(run: AnalysisRun, score: EntityScore, wanted: str) -> dict[str, object]:
    """The officer's declarant mix, the declarant's officer mix, or the pair's quarters."""
    cells = drilldown.cells_of(run, score)
    if score.entity_kind == "pair":
        tested = drilldown.pair_quarters(cells)
        return {"pair_cells": tested, "pair_chart": observed_chart(tested)}
    choices = drilldown.quarters(cells)
    quarter = drilldown.chosen_quarter(cells, choices, wanted)
    if quarter is None:
        return {}
    if score.entity_kind == "officer":
        mix = drilldown.declarant_mix(cells, quarter)
    else:
        mix = drilldown.officer_mix(cells, quarter)
    return {
        "mix": mix,
        "mix_chart": mix_chart(mix.shares),
        "mix_for_officer": score.entity_kind == "officer",
        "quarters": choices,
    }


@login_required
def run_export(request: HttpRequest, code: str) -> HttpResponse:
    run = access.get_run_for_user(_user(request), code)
    if run.is_pending:  # its results may be being written
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicators-{run.code}.csv"'
    fields = [
        "entity_kind",
        "entity_id",
        "office_id",
        "indicator",
        "period",
        "value",
        "expected",
        "p_value",
        "q_value",
        "flagged",
        "explanation",
    ]
    writer = csv.writer(response)
    writer.writerow(fields)
    rows = run.indicators.order_by("entity_kind", "entity_id", "indicator")
    # Every officer's and declarant's results at once: who took them is recorded like a view.
    audit.record(
        _user(request),
        "integrity.indicators_exported",
        run,
        organisation=run.organisation,
        details={"rows": rows.count()},
    )
    for *row, parts in rows.values_list(*fields, "wording"):
        if has_wording(parts):  # in the reader's language; older runs keep their English
            row[-1] = explanation(parts)
        # Identifiers come from an uploaded file: never let one run as a formula.
        writer.writerow(safe_row(row))
    return response


@login_required
def run_leads_export(request: HttpRequest, code: str) -> HttpResponse:
    """The ranked leads the run's page lists, with its filters, as CSV: rank, score, flags, the
    main reason in the reader's language and the review. Audited, as it names people."""
    run = access.get_run_for_user(_user(request), code)
    if not run.is_done:
        raise Http404
    ranked, filters = _ranked(request, run)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="leads-{filters["kind"]}-{run.code}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "rank", "entity_kind", "entity_id", "office_id", "score", "flags",
            "main_indicator", "main_reason", "review", "conclusion", "reviewed_at",
            "earlier_conclusion", "earlier_reviewed_at",
        ]
    )  # fmt: skip
    audit.record(
        _user(request),
        "integrity.leads_exported",
        run,
        organisation=run.organisation,
        details={"rows": ranked.count(), **filters},
    )
    for e in ranked.iterator(chunk_size=500):
        reason = explanation(e.top_wording) if has_wording(e.top_wording) else e.top_reason
        writer.writerow(
            safe_row(
                [
                    e.rank, e.entity_kind, e.entity_id, e.office_id, f"{e.score:.4f}", e.flags,
                    e.top_indicator, reason, e.decision or "",
                    reviews.decision_label(e.decision),
                    e.decided_at.isoformat() if e.decided_at else "",
                    reviews.decision_label(e.earlier_decision),
                    e.earlier_at.isoformat() if e.earlier_at else "",
                ]
            )
        )  # fmt: skip
    return response


REVIEW_PAGE_ROWS = 100


def _reviews_asked(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    """The reviews of the administrations where the user is an integrity officer, the latest
    first, narrowed by the query's conclusion and kind of lead (unknown values are ignored)."""
    administrations = access.officer_administrations(_user(request))
    if not administrations.exists():
        raise Http404
    found = LeadReview.objects.filter(organisation__in=administrations).select_related(
        "organisation", "run", "reviewed_by"
    )
    decision = request.GET.get("decision", "")
    decision = decision if decision in LeadReview.Decision.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    if decision:
        found = found.filter(decision=decision)
    if kind:
        found = found.filter(entity_kind=kind)
    return found.order_by("-created_at", "-pk"), {"decision": decision, "kind": kind}


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    """The unit's register of reviewed leads: every conclusion recorded, on any analysis, with
    its reasons; filtered by conclusion and kind of lead, in pages."""
    found, filters = _reviews_asked(request)
    context = {
        **_paged(request, found, REVIEW_PAGE_ROWS, "reviews"),
        "decisions": LeadReview.Decision.choices,
        "kinds": KINDS.items(),
        **filters,
    }
    return render(request, "integrity/review_list.html", context)


@login_required
def review_export(request: HttpRequest) -> HttpResponse:
    """The register as CSV, with the page's filters; who took it is recorded, as its notes may
    name people."""
    found, filters = _reviews_asked(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lead-reviews.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "reviewed_at", "administration", "entity_kind", "entity_id", "office_id",
            "decision", "conclusion", "note", "reviewed_by", "analysis", "analysis_file",
        ]
    )  # fmt: skip
    user = _user(request)
    counts = dict(found.order_by().values_list("organisation").annotate(n=Count("pk")))
    for administration in Organisation.objects.filter(pk__in=counts):
        details = {"rows": counts[administration.pk], **filters}
        audit.record(
            user, "integrity.reviews_exported", organisation=administration, details=details
        )
    for r in found.iterator(chunk_size=500):
        reviewer = r.reviewed_by.get_username() if r.reviewed_by else ""
        run = r.run
        writer.writerow(
            safe_row(
                [
                    r.created_at.isoformat(), r.organisation.label, r.entity_kind, r.entity_id,
                    r.office_id, r.decision, r.get_decision_display(), r.note, reviewer,
                    str(run.code) if run else "", run.source_name if run else "",
                ]
            )
        )  # fmt: skip
    return response
