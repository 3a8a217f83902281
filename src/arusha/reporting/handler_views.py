"""Staff pages of the reporting channel: a handler reads reports and answers the reporter, manages
their key; an association's focal point uploads incidents.

Minimal on purpose: case handling (triage, deadlines, referral, statistics) builds on these.
Every page that opens a report needs the handler's key unlocked in this browser session.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from nacl.public import PrivateKey

from arusha.core import audit
from arusha.core.models import User
from arusha.reporting import access, bulk, crypto, keys
from arusha.reporting.forms import (
    BulkUploadForm,
    PasswordForm,
    RecoveryForm,
    ReplyForm,
    answer_rows,
)
from arusha.reporting.models import Channel, HandlerKey, Message, Report
from arusha.reporting.threads import (
    NoGrant,
    post_message,
    read_attachment,
    read_content,
    read_thread,
    report_key_for,
    submission_files,
)


def _first_things_first(request: HttpRequest) -> HttpResponse | None:
    """A recovery key waiting to be shown comes before any report."""
    if keys.has_pending_recovery_key(request):
        return redirect("reporting:key")
    return None


def _locked(request: HttpRequest, error: keys.HandlerKeyLocked) -> HttpResponse:
    if isinstance(error, keys.NoHandlerKey):
        messages.error(request, _("You have no reporting key yet, so no report can be opened."))
    else:
        messages.error(request, _("Your reporting key is locked. Sign out and sign in again."))
    return redirect("reporting:key")


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


@login_required
@never_cache
def report_list(request: HttpRequest) -> HttpResponse:
    access.require_case_handler(_user(request))
    if pending := _first_things_first(request):
        return pending
    try:
        keys.unlocked_key(request)
    except keys.HandlerKeyLocked as error:
        return _locked(request, error)
    reports = access.visible_reports(_user(request)).select_related("channel__organisation")
    return render(request, "reporting/handler/report_list.html", {"reports": reports})


def _report_key(request: HttpRequest, report: Report) -> PrivateKey:
    """The report's private key from the handler's grant; raises ``HandlerKeyLocked``."""
    handler_key = keys.unlocked_key(request)
    try:
        return report_key_for(report, _user(request), handler_key)
    except (NoGrant, crypto.DecryptionFailed):
        raise Http404 from None


@login_required
@never_cache
def report_detail(request: HttpRequest, code: str) -> HttpResponse:
    report = access.get_report_for_handler(_user(request), code)
    if pending := _first_things_first(request):
        return pending
    try:
        report_key = _report_key(request, report)
    except keys.HandlerKeyLocked as error:
        return _locked(request, error)
    organisation = report.channel.organisation
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        post_message(report, Message.Author.HANDLER, text, author=_user(request))
        audit.record(request.user, "reporting.message_sent", report, organisation=organisation)
        messages.success(request, _("Your message was sealed and sent to the reporter."))
        return redirect("reporting:report_detail", code)
    audit.record(request.user, "reporting.report_opened", report, organisation=organisation)
    content = read_content(report, report_key)
    context = {
        "report": report,
        "content": content,
        "rows": answer_rows(content),
        "files": submission_files(report, report_key),
        "items": read_thread(report, report_key),
        "form": form,
        "download_base": True,
    }
    return render(request, "reporting/handler/report_detail.html", context)


@login_required
@never_cache
def attachment(request: HttpRequest, code: str, file_code: str) -> HttpResponse:
    stored = access.get_attachment_for_handler(_user(request), code, file_code)
    try:
        report_key = _report_key(request, stored.report)
    except keys.HandlerKeyLocked as error:
        return _locked(request, error)
    info, data = read_attachment(stored, report_key)
    audit.record(request.user, "reporting.attachment_downloaded", stored.report)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = 'attachment; filename="attachment"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Arusha-Content-Type"] = info.content_type
    return response


@login_required
@never_cache
def key_status(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not keys.needs_key(user):
        raise Http404
    recovery_key = keys.pop_pending_recovery_key(request)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recovery_key = keys.new_recovery_key(user, form.cleaned_data["password"])
        except (HandlerKey.DoesNotExist, crypto.ReportingCryptoError):
            form.add_error("password", _("This password does not open your key."))
    try:
        keys.unlocked_key(request)
        unlocked = True
    except keys.HandlerKeyLocked:
        unlocked = False
    context = {
        "has_key": HandlerKey.objects.filter(user=user).exists(),
        "unlocked": unlocked,
        "recovery_key": recovery_key,
        "form": form,
    }
    return render(request, "reporting/handler/key.html", context)


@login_required
@never_cache
def key_recover(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not HandlerKey.objects.filter(user=user).exists():
        raise Http404
    form = RecoveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        if not user.check_password(password):
            form.add_error("password", _("This is not your current password."))
        else:
            try:
                private_key, new_recovery = keys.recover_key(
                    user, form.cleaned_data["recovery_key"], password
                )
            except crypto.ReportingCryptoError:
                form.add_error("recovery_key", _("This recovery key does not open your key."))
            else:
                response = render(
                    request,
                    "reporting/handler/key.html",
                    {
                        "recovery_key": new_recovery,
                        "has_key": True,
                        "unlocked": True,
                        "recovered": True,
                    },
                )
                keys.remember(request, response, private_key)
                return response
    return render(request, "reporting/handler/key_recover.html", {"form": form})


@login_required
def incident_upload(request: HttpRequest) -> HttpResponse:
    association = access.incident_associations(_user(request)).first()
    if association is None:
        raise Http404
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    errors: list[bulk.RowError] = []
    if request.method == "POST" and form.is_valid():
        try:
            batch = bulk.import_incidents(
                form.cleaned_data["channel"],
                association,
                _user(request),
                form.cleaned_data["workbook"],
            )
        except bulk.ImportRejected as rejected:
            errors = rejected.errors
        else:
            messages.success(
                request, _("%(count)s incidents were imported.") % {"count": batch.row_count}
            )
            return redirect("reporting:incident_upload")
    context = {
        "association": association,
        "form": form,
        "errors": errors,
        "channels": Channel.objects.filter(is_open=True).select_related("organisation"),
        "uploads": association.incident_uploads.select_related("channel__organisation")[:20],
        "languages": settings.LANGUAGES,
    }
    return render(request, "reporting/handler/incident_upload.html", context)


@login_required
def incident_template(request: HttpRequest, channel: str, language: str) -> HttpResponse:
    if not access.incident_associations(_user(request)).exists():
        raise Http404
    target = Channel.objects.filter(slug=channel, is_open=True).first()
    if target is None or language not in dict(settings.LANGUAGES):
        raise Http404
    response = HttpResponse(
        bulk.template_workbook(target, language),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="incidents-{target.slug}-{language}.xlsx"'
    )
    return response
