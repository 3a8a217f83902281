"""Deadline dashboard, compliance and statistics pages, and their export for the annual
integrity report. Every number shown has been through core.suppression."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from arusha.cases import access, charts, reminders, statistics
from arusha.cases.models import Case
from arusha.core.access import region_for_coordinator
from arusha.core.models import Organisation, User
from arusha.core.spreadsheets import safe_row
from arusha.reporting.models import Channel


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _organisation(request: HttpRequest) -> Organisation:
    user = _user(request)
    code = request.GET.get("organisation")
    if code:
        return access.get_statistics_organisation(user, code)
    organisation = access.statistics_organisations(user).first()
    if organisation is None:
        raise Http404
    return organisation


def _context(channels: list[Channel]) -> dict[str, Any]:
    cases = Case.objects.filter(report__channel__in=channels)
    records = statistics.coarse_records(channels)
    heat = statistics.heatmap(records)
    trend = statistics.monthly_cases(cases)
    # When every month is under five, suppression leaves nothing to draw: say so in words.
    trend_shown = any(value for _month, value in trend)
    return {
        "breakdowns": [
            *statistics.incident_breakdowns(records),
            statistics.status_breakdown(cases),
            statistics.outcome_breakdown(cases),
        ],
        "heatmap": heat,
        "heatmap_svg": charts.heatmap_svg(heat, _("Reports per office and month"))
        if heat.rows
        else "",
        "trend": trend,
        "trend_svg": charts.trend_svg(trend, _("Cases received per month")) if trend_shown else "",
        "trend_all_hidden": bool(trend) and not trend_shown,
        "times": statistics.times(cases),
        "compliance": statistics.compliance(cases, timezone.localdate()),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    cases = Case.objects.filter(report__channel__organisation=organisation).open()
    flagged = [reminders.flags(c) for c in cases.select_related("report__channel")]
    context = {
        "organisation": organisation,
        "organisations": access.statistics_organisations(_user(request)),
        "is_custodian": access.custodian_channels(_user(request)).exists(),
        "open_count": len(flagged),
        "overdue": sum("overdue" in f for f in flagged),
        "due_soon": sum("due_soon" in f for f in flagged),
        "compliance": statistics.compliance(
            Case.objects.filter(report__channel__organisation=organisation),
            timezone.localdate(),
        ),
    }
    return render(request, "cases/dashboard.html", context)


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    channels = list(Channel.objects.filter(organisation=organisation))
    context = {
        "organisation": organisation,
        "organisations": access.statistics_organisations(_user(request)),
        "is_custodian": access.custodian_channels(_user(request)).exists(),
        "title": organisation.label,
        **_context(channels),
    }
    return render(request, "cases/statistics.html", context)


@login_required
def region_statistics(request: HttpRequest, region: str) -> HttpResponse:
    region_for_coordinator(_user(request), region)
    channels = list(Channel.objects.filter(organisation__wco_region=region))
    context = {"region": region, "title": region, **_context(channels)}
    return render(request, "cases/statistics.html", context)


def _export_rows(context: dict[str, Any]) -> list[list[Any]]:
    blank = _("fewer than 5")
    rows: list[list[Any]] = [[_("Table"), _("Category"), _("Count")]]
    for breakdown in context["breakdowns"]:
        rows += [[breakdown.title, label, blank if v is None else v] for label, v in breakdown.rows]
    heat = context["heatmap"]
    for office, values, _total in heat.rows:
        for month, value in zip(heat.months, values, strict=True):
            rows.append([office, month.strftime("%Y-%m"), blank if value is None else value])
    for row in context["compliance"]:
        rows.append([_("Acknowledged in time (%)"), row.period, row.acknowledged_in_time])
        rows.append([_("Answered in time (%)"), row.period, row.answered_in_time])
    for name, value in context["times"].items():
        rows.append([_("Median days"), name, value])
    return rows


@login_required
def statistics_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    organisation = _organisation(request)
    rows = _export_rows(_context(list(Channel.objects.filter(organisation=organisation))))
    name = f"integrity-statistics-{organisation.short_name or organisation.pk}"
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(safe_row(row) for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook()
        sheet = book.active
        assert sheet is not None  # noqa: S101 - a new workbook always has a sheet
        for row in rows:
            sheet.append(safe_row(row))
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
