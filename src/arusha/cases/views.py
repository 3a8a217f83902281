"""Staff pages of case handling: the inbox, a case, referral, conflicts, identity requests.

Every view starts with an access check; every act goes through ``handling`` (which records it in
the audit trail); nothing here touches key material except through ``reporting.keys``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from nacl.public import PrivateKey

from arusha.cases import access, conflicts, deadlines, forms, handling, reminders
from arusha.cases.models import Case, CaseError, ConflictDeclaration, IdentityRequest
from arusha.core import audit
from arusha.core.models import User
from arusha.reporting import crypto, keys
from arusha.reporting.forms import answer_rows
from arusha.reporting.threads import (
    NoGrant,
    read_content,
    read_thread,
    report_key_for,
    submission_files,
)


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _locked(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Your reporting key is locked. Sign out and sign in again."))
    return redirect("reporting:key")


def _report_key(request: HttpRequest, case: Case) -> PrivateKey:
    """Raises ``HandlerKeyLocked``; a grant that does not open is a 404."""
    try:
        return report_key_for(case.report, _user(request), keys.unlocked_key(request))
    except (NoGrant, crypto.DecryptionFailed):
        raise Http404 from None


def _row(case: Case) -> dict[str, object]:
    ack, feedback = case.clocks()
    return {"case": case, "ack": ack, "feedback": feedback, "flags": reminders.flags(case)}


def _filtered(request: HttpRequest, form: forms.InboxFilterForm) -> list[dict[str, object]]:
    cases = access.visible_cases(_user(request)).prefetch_related("labels")
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status", "")
    if status == "":
        cases = cases.open()
    elif status != "all":
        cases = cases.filter(status=status)
    if data.get("mine"):
        cases = cases.filter(assignee=_user(request))
    if data.get("label"):
        cases = cases.filter(labels__name=data["label"])
    rows = [_row(c) for c in cases]
    if data.get("due"):
        rows = [r for r in rows if data["due"] in r["flags"]]  # type: ignore[operator]
    return rows


@login_required
@never_cache
def inbox(request: HttpRequest) -> HttpResponse:
    access.require_case_handler(_user(request))
    if keys.has_pending_recovery_key(request):
        return redirect("reporting:key")
    form = forms.InboxFilterForm(request.GET or None)
    rows = _filtered(request, form)
    context = {
        "form": form,
        "rows": rows,
        "overdue": sum(deadlines.OVERDUE in r["flags"] for r in rows),  # type: ignore[operator]
        "due_soon": sum(deadlines.DUE_SOON in r["flags"] for r in rows),  # type: ignore[operator]
        "referrals": access.received_referrals(_user(request))[:20],
        "is_custodian": access.custodian_channels(_user(request)).exists(),
    }
    return render(request, "cases/inbox.html", context)


def _case_forms(case: Case) -> dict[str, object]:
    organisation = case.report.channel.organisation
    return {
        "ack_form": forms.AcknowledgeForm(),
        "status_form": forms.StatusForm(),
        "close_form": forms.CloseForm(),
        "reopen_form": forms.ReopenForm(),
        "reply_form": forms.ReplyForm(),
        "note_form": forms.NoteForm(),
        "classify_form": forms.ClassifyForm(
            organisation=organisation,
            initial={"nature": case.nature, "purpose": case.purpose, "office": case.office},
        ),
        "assign_form": forms.AssignForm(
            handlers=handling.assignable_handlers(case), initial={"assignee": case.assignee}
        ),
        "label_form": forms.LabelForm(
            initial={"labels": ", ".join(label.name for label in case.labels.all())}
        ),
        "identity_form": forms.IdentityRequestForm(),
    }


@login_required
@never_cache
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    case = access.get_case_for_handler(_user(request), code)
    try:
        report_key = _report_key(request, case)
        handler_key = keys.unlocked_key(request)
    except keys.HandlerKeyLocked:
        return _locked(request)
    audit.record(
        request.user, "cases.case_opened", case, organisation=case.report.channel.organisation
    )
    content = read_content(case.report, report_key)
    context = {
        "case": case,
        "report": case.report,
        "content": content,
        "rows": answer_rows(content),
        "files": submission_files(case.report, report_key),
        "items": read_thread(case.report, report_key),
        "notes": handling.read_notes(case, report_key),
        "identity": handling.read_identity(case, _user(request), handler_key),
        "identity_requests": case.identity_requests.select_related("requester", "decided_by"),
        "referrals": case.referrals.select_related("to_organisation", "sent_by"),
        "clock": _row(case),
        "next_statuses": sorted(s.value for s in Case.NEXT[Case.Status(case.status)]),
        **_case_forms(case),
    }
    return render(request, "cases/case_detail.html", context)


# --- Acts on a case: one small function each, dispatched by name ----------------------------

Act = Callable[[HttpRequest, Case], str]


def _acknowledge(request: HttpRequest, case: Case) -> str:
    form = forms.AcknowledgeForm(request.POST)
    form.is_valid()
    handling.acknowledge(case, _user(request), form.cleaned_data.get("message", ""))
    return _("The report was acknowledged.")


def _status(request: HttpRequest, case: Case) -> str:
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        raise CaseError
    handling.move(case, _user(request), form.cleaned_data["status"])
    return _("The status was changed.")


def _close(request: HttpRequest, case: Case) -> str:
    form = forms.CloseForm(request.POST)
    if not form.is_valid():
        raise CaseError
    handling.close(case, _user(request), form.cleaned_data["outcome"], form.cleaned_data["message"])
    return _("The case was closed.")


def _reopen(request: HttpRequest, case: Case) -> str:
    form = forms.ReopenForm(request.POST)
    handling.reopen(case, _user(request), form.cleaned_data["reason"] if form.is_valid() else "")
    return _("The case was reopened.")


def _reply(request: HttpRequest, case: Case) -> str:
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        raise CaseError
    handling.reply(case, _user(request), form.cleaned_data["text"])
    return _("Your message was sealed and sent to the reporter.")


def _note(request: HttpRequest, case: Case) -> str:
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        raise CaseError
    handling.add_note(case, _user(request), form.cleaned_data["note"])
    return _("The note was sealed and added.")


def _classify(request: HttpRequest, case: Case) -> str:
    form = forms.ClassifyForm(request.POST, organisation=case.report.channel.organisation)
    if not form.is_valid():
        raise CaseError
    handling.classify(case, _user(request), **form.cleaned_data)
    return _("The classification was saved.")


def _assign(request: HttpRequest, case: Case) -> str:
    form = forms.AssignForm(request.POST, handlers=handling.assignable_handlers(case))
    if not form.is_valid():
        raise CaseError
    handling.assign(case, _user(request), form.cleaned_data["assignee"])
    return _("The case was assigned.")


def _labels(request: HttpRequest, case: Case) -> str:
    form = forms.LabelForm(request.POST)
    if not form.is_valid():
        raise CaseError
    organisation = case.report.channel.organisation
    handling.set_labels(case, _user(request), forms.labels_for(organisation, form.names()))
    return _("The labels were saved.")


def _identity(request: HttpRequest, case: Case) -> str:
    form = forms.IdentityRequestForm(request.POST)
    handling.request_identity(
        case, _user(request), form.cleaned_data["reason"] if form.is_valid() else ""
    )
    return _("Your request was sent to the identity custodians.")


def _hold(request: HttpRequest, case: Case) -> str:
    hold = request.POST.get("hold") == "on"
    handling.set_legal_hold(case, _user(request), hold)
    return _("The case is on legal hold.") if hold else _("The legal hold was lifted.")


ACTS: dict[str, Act] = {
    "hold": _hold,
    "acknowledge": _acknowledge,
    "status": _status,
    "close": _close,
    "reopen": _reopen,
    "reply": _reply,
    "note": _note,
    "classify": _classify,
    "assign": _assign,
    "labels": _labels,
    "identity": _identity,
}


@login_required
@require_POST
def case_act(request: HttpRequest, code: str, act: str) -> HttpResponse:
    case = access.get_case_for_handler(_user(request), code)
    if act not in ACTS:
        raise Http404
    try:
        messages.success(request, ACTS[act](request, case))
    except (CaseError, handling.NotPermitted):
        messages.error(request, _("This cannot be done: check the form and the case's status."))
    return redirect("cases:detail", case.code)


@login_required
@never_cache
def case_refer(request: HttpRequest, code: str) -> HttpResponse:
    case = access.get_case_for_handler(_user(request), code)
    organisation = case.report.channel.organisation
    form = forms.ReferralForm(request.POST or None, exclude=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            handling.refer(
                case,
                _user(request),
                _report_key(request, case),
                form.cleaned_data["parts"],
                to_organisation=form.cleaned_data["to_organisation"],
                outside_body=form.cleaned_data["outside_body"].strip(),
                tell_reporter=form.cleaned_data["tell_reporter"],
            )
        except keys.HandlerKeyLocked:
            return _locked(request)
        except handling.NoRecipient:
            form.add_error("to_organisation", _("Nobody there holds a key to receive it yet."))
        except CaseError:
            form.add_error(None, _("A case with this status cannot be referred."))
        else:
            messages.success(request, _("The referral was sealed, sent and recorded."))
            return redirect("cases:detail", case.code)
    return render(request, "cases/refer.html", {"case": case, "form": form})


@login_required
@never_cache
def referral_download(request: HttpRequest, code: str) -> HttpResponse:
    referral = access.get_referral_for_recipient(_user(request), code)
    try:
        package = handling.open_referral(referral, _user(request), keys.unlocked_key(request))
    except keys.HandlerKeyLocked:
        return _locked(request)
    response = HttpResponse(package, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="referral-{referral.code}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@never_cache
def conflict_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    access.require_case_handler(user)
    organisation = access.reporting_access.handler_organisations(user).first()
    if organisation is None:
        raise Http404
    form = forms.ConflictForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            handler_key = keys.unlocked_key(request)
        except keys.HandlerKeyLocked:
            return _locked(request)
        _declaration, dropped = conflicts.declare(
            user, organisation, handler_key, form.cleaned_data["office"], form.cleaned_data["text"]
        )
        messages.success(
            request,
            _("Declared. You gave up %(count)s report(s) that name it.") % {"count": dropped},
        )
        return redirect("cases:conflicts")
    declarations = ConflictDeclaration.objects.filter(user=user).select_related("office")
    context = {"form": form, "declarations": declarations, "organisation": organisation}
    return render(request, "cases/conflicts.html", context)


@login_required
@never_cache
def identity_requests(request: HttpRequest) -> HttpResponse:
    channels = access.require_custodian(_user(request))
    pending = IdentityRequest.objects.filter(case__report__channel__in=channels).select_related(
        "case", "requester", "decided_by"
    )
    return render(request, "cases/identity_requests.html", {"requests": pending})


@login_required
@require_POST
def identity_decide(request: HttpRequest, code: str) -> HttpResponse:
    identity_request = access.get_identity_request_for_custodian(_user(request), code)
    try:
        if request.POST.get("decision") == "approve":
            handling.approve_identity(identity_request, _user(request), keys.unlocked_key(request))
            messages.success(request, _("Approved: the identity was granted to the requester."))
        else:
            handling.refuse_identity(identity_request, _user(request))
            messages.success(request, _("Refused."))
    except keys.HandlerKeyLocked:
        return _locked(request)
    except (handling.NotPermitted, crypto.DecryptionFailed):
        messages.error(request, _("A second person must decide, with a key that opens it."))
    return redirect("cases:identity_requests")
