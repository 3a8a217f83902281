"""Pages about agreements: the list, one agreement's progress, signatories, commitments,
publication, exports and the regional view."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arusha.core.models import Organisation, Role, User, WcoRegion
from arusha.partnerships import access, exports, progress, services
from arusha.partnerships.forms import AgreementForm, CommitmentForm, SignatoryForm
from arusha.partnerships.models import Action, Activity, Agreement, Commitment


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def serve_file(field: FieldFile, name: str) -> HttpResponseBase:
    """A stored upload, as a download named after what it is rather than how it was stored."""
    if not field:
        raise Http404
    suffix = PurePath(field.name or "").suffix
    response = FileResponse(
        field.open("rb"), as_attachment=True, filename=f"{slugify(name)}{suffix}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _administrations_for(user: User) -> QuerySet[Organisation]:
    if user.is_platform_admin:
        return Organisation.objects.customs()
    return user.organisations_with_role(access.OFFICER).filter(kind=Organisation.Kind.CUSTOMS)


def _progress_regions(user: User) -> list[str]:
    """The regions whose progress view the user may open."""
    if user.is_platform_admin:
        return list(WcoRegion.values)
    return sorted(user.coordinated_regions())


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    agreements = (
        access.visible_agreements(user)
        .select_related("administration")
        .annotate(n_signatories=Count("signatories", distinct=True))
    )
    context = {
        "agreements": agreements,
        "can_create": access.can_create_agreements(user),
        "regions": _progress_regions(user),
        "owned_actions": Action.objects.owned_by(
            user.organisations_with_role(Role.PRIVATE_FOCAL_POINT)
        )
        .select_related("plan__administration", "plan__agreement")
        .order_by("due_date"),
        "overdue_count": Action.objects.overdue()
        .filter(plan__in=access.visible_plans(user))
        .count(),
    }
    return render(request, "partnerships/agreement_list.html", context)


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.can_create_agreements(user):
        raise Http404
    administrations = _administrations_for(user)
    form: BaseForm = AgreementForm(administrations=administrations)
    if request.method == "POST":
        try:
            agreement = services.create_agreement(
                user, request.POST, request.FILES, administrations=administrations
            )
        except services.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(
                request, _("The agreement was created. Add its signatories and commitments.")
            )
            return redirect("partnerships:agreement_detail", agreement.code)
    return render(request, "partnerships/agreement_form.html", {"form": form})


@login_required
def agreement_edit(request: HttpRequest, code: str) -> HttpResponse:
    agreement, can_write = access.get_agreement_for_user(_user(request), code)
    if not can_write:
        raise Http404
    administrations = Organisation.objects.filter(
        Q(pk__in=_administrations_for(_user(request)).values("pk"))
        | Q(pk=agreement.administration_id)
    )
    form: BaseForm = AgreementForm(instance=agreement, administrations=administrations)
    if request.method == "POST":
        try:
            services.update_agreement(
                _user(request),
                agreement,
                request.POST,
                request.FILES,
                administrations=administrations,
            )
        except services.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("The agreement was saved."))
            return redirect("partnerships:agreement_detail", agreement.code)
    return render(
        request, "partnerships/agreement_form.html", {"form": form, "agreement": agreement}
    )


@login_required
def agreement_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    agreement, can_write = access.get_agreement_for_user(user, code)
    actions = list(progress.agreement_actions(agreement))
    readable = set(
        access.visible_plans(user).filter(agreement=agreement).values_list("pk", flat=True)
    )
    signatories = agreement.signatories.select_related("organisation")
    context = {
        "agreement": agreement,
        "can_write": can_write,
        "signatories": signatories,
        "adherence": progress.adherence_over_time(signatories),
        "commitments": progress.by_commitment(agreement, actions),
        "key_factors": progress.by_key_factor(actions),
        "overall": progress.tally(actions),
        "plans": progress.by_administration(actions),
        "empty_plans": agreement.plans.filter(actions__isnull=True).select_related(
            "administration"
        ),
        "readable_plans": readable,
        "overdue": [a for a in actions if a.is_overdue and a.plan_id in readable],
        "activities": agreement.activities.annotate(n_follow_ups=Count("follow_up_actions")),
        "plan_administrations": access.plan_administrations_for(user, agreement),
    }
    return render(request, "partnerships/agreement_detail.html", context)


@login_required
def agreement_document(request: HttpRequest, code: str) -> HttpResponseBase:
    agreement, _can_write = access.get_agreement_for_user(_user(request), code)
    return serve_file(agreement.signed_text, agreement.title)


@login_required
@require_POST
def agreement_publish(request: HttpRequest, code: str) -> HttpResponse:
    agreement, can_write = access.get_agreement_for_user(_user(request), code)
    if not can_write:
        raise Http404
    services.publish_agreement(_user(request), agreement, request.POST.get("publish") == "1")
    if agreement.is_public:
        messages.success(request, _("The agreement is now on the public page."))
    else:
        messages.success(request, _("The agreement was taken off the public page."))
    return redirect("partnerships:agreement_detail", agreement.code)


@login_required
def signatory_add(request: HttpRequest, code: str) -> HttpResponse:
    agreement, can_write = access.get_agreement_for_user(_user(request), code)
    if not can_write:
        raise Http404
    form: BaseForm = SignatoryForm(agreement=agreement)
    if request.method == "POST":
        try:
            signatory = services.add_signatory(_user(request), agreement, request.POST)
        except services.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(
                request,
                _("%(name)s was added as a signatory.") % {"name": signatory.organisation.label},
            )
            return redirect("partnerships:agreement_detail", agreement.code)
    return render(
        request, "partnerships/signatory_form.html", {"form": form, "agreement": agreement}
    )


@login_required
def commitment_add(request: HttpRequest, code: str) -> HttpResponse:
    agreement, can_write = access.get_agreement_for_user(_user(request), code)
    if not can_write:
        raise Http404
    return _commitment_form(request, agreement, Commitment(agreement=agreement))


@login_required
def commitment_edit(request: HttpRequest, code: str) -> HttpResponse:
    commitment, can_write = access.get_commitment_for_user(_user(request), code)
    if not can_write:
        raise Http404
    return _commitment_form(request, commitment.agreement, commitment)


def _commitment_form(
    request: HttpRequest, agreement: Agreement, commitment: Commitment
) -> HttpResponse:
    is_new = commitment.pk is None
    form: BaseForm = CommitmentForm(instance=commitment, agreement=agreement)
    if request.method == "POST":
        try:
            commitment = services.save_commitment(_user(request), commitment, request.POST)
        except services.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("Commitment %(n)s was saved.") % {"n": commitment.number})
            if is_new and "add_another" in request.POST:
                return redirect("partnerships:commitment_add", agreement.code)
            return redirect("partnerships:agreement_detail", agreement.code)
    context = {"form": form, "agreement": agreement, "commitment": commitment}
    return render(request, "partnerships/commitment_form.html", context)


def _export_response(content: bytes, fmt: str, name: str) -> HttpResponse:
    types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.{fmt}"'
    return response


def _tables_for(user: User, agreements: list[Agreement]) -> list[exports.Table]:
    actions = (
        Action.objects.filter(plan__agreement__in=agreements, plan__in=access.visible_plans(user))
        .select_related("plan__agreement", "plan__administration", "private_owner")
        .prefetch_related("commitments", "indicators")
        .order_by("plan__agreement__title", "plan__administration__name", "number")
    )
    return exports.agreement_tables(agreements, actions)


def _export(tables: list[exports.Table], fmt: str, table: str, name: str) -> HttpResponse:
    if fmt == "xlsx":
        return _export_response(exports.to_xlsx(tables), fmt, name)
    chosen = {t[0].lower(): t for t in tables}.get(table)
    if chosen is None:
        raise Http404
    return _export_response(exports.to_csv(chosen), fmt, f"{name}-{table}")


@login_required
def export_all(request: HttpRequest, fmt: str) -> HttpResponse:
    user = _user(request)
    agreements = list(
        access.visible_agreements(user)
        .select_related("administration")
        .prefetch_related("signatories__organisation")
    )
    table = request.GET.get("table", "agreements")
    return _export(_tables_for(user, agreements), fmt, table, "agreements")


@login_required
def agreement_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    user = _user(request)
    agreement, _can_write = access.get_agreement_for_user(user, code)
    table = request.GET.get("table", "actions")
    return _export(_tables_for(user, [agreement]), fmt, table, agreement.title)


@login_required
def overdue_list(request: HttpRequest) -> HttpResponse:
    actions = (
        Action.objects.overdue()
        .filter(plan__in=access.visible_plans(_user(request)))
        .select_related("plan__agreement", "plan__administration", "private_owner")
        .order_by("due_date")
    )
    return render(request, "partnerships/overdue_list.html", {"actions": actions})


@login_required
def region_progress(request: HttpRequest, region: str) -> HttpResponse:
    region = access.region_for_user(_user(request), region)
    agreements = Agreement.objects.for_region(region).select_related("administration")
    rows = []
    for agreement in agreements:
        actions = list(progress.agreement_actions(agreement))
        signatories = agreement.signatories.select_related("organisation")
        rows.append(
            {
                "agreement": agreement,
                "signatories": signatories,
                "adherence": progress.adherence_over_time(signatories),
                "overall": progress.tally(actions),
                "plans": progress.by_administration(actions),
                "published": [a for a in actions if a.is_public and agreement.is_public],
            }
        )
    context = {
        "region": region,
        "region_label": WcoRegion(region).label,
        "rows": rows,
        "activities": Activity.objects.for_agreements(agreements).prefetch_related("participants"),
    }
    return render(request, "partnerships/region_progress.html", context)
