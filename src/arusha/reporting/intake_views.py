"""Pages of the anonymous intake: no sign-in, no session, nothing kept about visits, and every
page works without script (the only script solves the proof of work, see ``challenge``).

Served on its own host (``arusha.intake_wsgi``) or under /report/ of the staff platform; either
way ``IntakeMiddleware`` scrubs the request and hardens the response.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from arusha.reporting import challenge, crypto
from arusha.reporting.forms import ReceiptForm, ReplyForm, ReportForm, answer_rows
from arusha.reporting.models import Channel, Message
from arusha.reporting.submission import (
    REPORTER_COOKIE,
    REPORTER_SESSION_SECONDS,
    ChannelNotReady,
    ReceiptNotFound,
    Submission,
    end_reporter_session,
    open_with_receipt,
    peppers,
    reporter_session,
    start_reporter_session,
    submit,
)
from arusha.reporting.threads import (
    AttachmentRefused,
    CleanUpload,
    max_attachment_bytes,
    post_message,
    prepare_upload,
    read_content,
    read_thread,
    status_for_reporter,
    submission_files,
)
from arusha.reporting.uploads import MemoryOnlyUploadHandler


def _channel(slug: str) -> Channel:
    try:
        return Channel.objects.select_related("organisation").get(slug=slug)
    except Channel.DoesNotExist:
        raise Http404 from None


def _closed(request: HttpRequest, channel: Channel | None = None) -> HttpResponse:
    """Fail closed: say so plainly, with 503, and accept nothing."""
    return render(request, "reporting/intake/closed.html", {"channel": channel}, status=503)


def _ready(channel: Channel) -> bool:
    """Open, with a handler key, and receipts can be made: never show a form that cannot send."""
    try:
        peppers()
    except ChannelNotReady:
        return False
    return channel.is_ready()


def _spend_challenge(request: HttpRequest, purpose: str) -> tuple[str, int, challenge.Challenge]:
    """Accept the attempt's payment: ("", 200, a fresh challenge), or an error to show with
    its status and the challenge the page should carry next."""
    try:
        challenge.spend(purpose, request.POST)
    except challenge.TooEarly as early:
        message = ngettext(
            "For your protection each attempt takes a moment. Please wait %(seconds)d more "
            "second and send again.",
            "For your protection each attempt takes a moment. Please wait %(seconds)d more "
            "seconds and send again.",
            early.seconds_left,
        ) % {"seconds": early.seconds_left}
        token = str(request.POST.get(challenge.TOKEN_FIELD, ""))
        return message, 429, challenge.reissue(purpose, token)
    except challenge.Busy:
        message = _(
            "Many attempts without JavaScript arrived in the last minute. Please wait a minute "
            "and send again, or turn JavaScript on for this site."
        )
        return message, 429, challenge.issue(purpose)
    except challenge.ChallengeFailed:
        message = _(
            "This page was open too long or was already sent once. Nothing was kept: please "
            "send it again from this page."
        )
        return message, 400, challenge.issue(purpose)
    return "", 200, challenge.issue(purpose)


def index(request: HttpRequest) -> HttpResponse:
    channels = [c for c in Channel.objects.select_related("organisation") if _ready(c)]
    if not channels:
        return _closed(request)
    if len(channels) == 1:
        return redirect("intake:channel", channels[0].slug)
    return render(request, "reporting/intake/index.html", {"channels": channels})


def channel_home(request: HttpRequest, slug: str) -> HttpResponse:
    channel = _channel(slug)
    if not _ready(channel):
        return _closed(request, channel)
    return render(request, "reporting/intake/channel.html", {"channel": channel})


def _with_memory_uploads(request: HttpRequest) -> MemoryOnlyUploadHandler:
    # Must run before anything reads request.POST, hence csrf_exempt outside, csrf_protect inside.
    handler = MemoryOnlyUploadHandler(request, max_attachment_bytes())
    request.upload_handlers = [handler]
    return handler


def _clean_uploads(
    request: HttpRequest, handler: MemoryOnlyUploadHandler, field: str
) -> tuple[list[CleanUpload], list[str]]:
    errors = [
        _("%(name)s was not accepted: too large, or too many files.") % {"name": name}
        for name in handler.refused
    ]
    uploads = []
    for uploaded in request.FILES.getlist(field):
        try:
            uploads.append(prepare_upload(uploaded.name or "", uploaded.read()))
        except AttachmentRefused as refused:
            errors.append(str(refused))
    return uploads, errors


@csrf_exempt
def submit_report(request: HttpRequest, slug: str) -> HttpResponse:
    handler = _with_memory_uploads(request)
    return _submit_report(request, slug, handler)


@csrf_protect
def _submit_report(
    request: HttpRequest, slug: str, handler: MemoryOnlyUploadHandler
) -> HttpResponse:
    channel = _channel(slug)
    if not _ready(channel):
        return _closed(request, channel)
    form = ReportForm(channel, request.POST or None)
    file_errors: list[str] = []
    status, next_challenge = 200, challenge.issue(challenge.SUBMIT)
    if request.method == "POST":
        refusal, status, next_challenge = _spend_challenge(request, challenge.SUBMIT)
        if refusal:
            file_errors.append(refusal)
            if request.FILES:
                file_errors.append(_("Choose your files again: they were not kept."))
    if request.method == "POST" and status == 200 and form.is_valid():
        uploads, file_errors = _clean_uploads(request, handler, "attachments")
        if not file_errors:
            try:
                _report, receipt = submit(channel, _submission(form, uploads))
            except ChannelNotReady:
                return _closed(request, channel)
            return render(request, "reporting/intake/receipt.html", {"receipt": receipt})
    context = {
        "channel": channel,
        "form": form,
        "file_errors": file_errors,
        "max_mb": max_attachment_bytes() // (1024 * 1024),
        "challenge": next_challenge,
    }
    return render(request, "reporting/intake/form.html", context, status=status)


def _submission(form: ReportForm, uploads: list[CleanUpload]) -> Submission:
    return Submission(
        answers=form.answers(),
        office=form.cleaned_data["office"],
        month=form.month_value(),
        description=form.cleaned_data["description"],
        identity=form.cleaned_data.get("identity", ""),
        consent=form.cleaned_data["consent_statistics"],
        uploads=tuple(uploads),
    )


def return_with_receipt(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None)
    status, next_challenge = 200, challenge.issue(challenge.RECEIPT)
    if request.method == "POST":
        refusal, status, next_challenge = _spend_challenge(request, challenge.RECEIPT)
        if refusal:
            form.add_error(None, refusal)
    if request.method == "POST" and status == 200 and form.is_valid():
        try:
            report, private_key = open_with_receipt(form.cleaned_data["receipt"])
        except crypto.InvalidReceipt:
            form.add_error("receipt", _("This is not a receipt: check the characters."))
        except ReceiptNotFound:
            form.add_error("receipt", _("No report has this receipt. Check it and try again."))
        except ChannelNotReady:
            return _closed(request)
        else:
            response = redirect("intake:thread")
            _set_reporter_cookie(response, start_reporter_session(report, private_key))
            return response
    context = {"form": form, "challenge": next_challenge}
    return render(request, "reporting/intake/return.html", context, status=status)


def _set_reporter_cookie(response: HttpResponse, value: str) -> None:
    response.set_cookie(
        REPORTER_COOKIE,
        value,
        max_age=REPORTER_SESSION_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=settings.CSRF_COOKIE_SECURE,
    )


@csrf_exempt
def thread(request: HttpRequest) -> HttpResponse:
    handler = _with_memory_uploads(request)
    return _thread(request, handler)


@csrf_protect
def _thread(request: HttpRequest, handler: MemoryOnlyUploadHandler) -> HttpResponse:
    session = reporter_session(request.COOKIES.get(REPORTER_COOKIE))
    if session is None:
        return redirect("intake:return")
    report, private_key = session
    form = ReplyForm(request.POST or None)
    file_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        uploads, file_errors = _clean_uploads(request, handler, "attachments")
        if not file_errors:
            post_message(report, Message.Author.REPORTER, form.cleaned_data["text"], uploads)
            return redirect(f"{reverse('intake:thread')}?sent=1")
    content = read_content(report, private_key)
    context = {
        "content": content,
        "rows": answer_rows(content),
        "files": submission_files(report, private_key),
        "items": read_thread(report, private_key),
        "report": report,
        "status": status_for_reporter(report),
        "form": form,
        "file_errors": file_errors,
        "sent": request.GET.get("sent") == "1",
        "max_mb": max_attachment_bytes() // (1024 * 1024),
    }
    return render(request, "reporting/intake/thread.html", context)


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    end_reporter_session(request.COOKIES.get(REPORTER_COOKIE))
    response = redirect("intake:index")
    response.delete_cookie(REPORTER_COOKIE, samesite="Strict")
    return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language with a plain form: no script needed, a Strict cookie remembers it."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("intake:index")
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            samesite="Strict",
            secure=settings.CSRF_COOKIE_SECURE,
            httponly=True,
        )
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The stand-alone intake's 404: its own page, with nothing of the staff platform."""
    return render(request, "reporting/intake/not_found.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_("Something went wrong. Nothing was kept."), status=500)
