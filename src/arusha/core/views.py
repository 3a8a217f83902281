"""Pages of the core app: dashboard, organisations, regions, audit trail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from arusha.core import access
from arusha.core.account import CHOSEN_LANGUAGE_KEY
from arusha.core.audit import AuditEntry
from arusha.core.audit_forms import AuditFilterForm
from arusha.core.forms import OrganisationFilterForm
from arusha.core.models import Membership, Organisation, Role, User, WcoRegion
from arusha.core.suppression import suppress_counts, suppress_total


def healthz(request: HttpRequest) -> HttpResponse:
    """The smallest response Django can give; monitoring and the benchmark baseline use it."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    memberships = user.memberships.select_related("organisation")
    return render(request, "core/home.html", {"memberships": memberships})


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    organisations = Organisation.objects.all()
    if form.is_valid():
        if kind := form.cleaned_data["kind"]:
            organisations = organisations.filter(kind=kind)
        if region := form.cleaned_data["region"]:
            organisations = organisations.for_region(region)
        if q := form.cleaned_data["q"]:
            organisations = organisations.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    mine = set(access.visible_organisations(request.user).values_list("pk", flat=True))  # type: ignore[arg-type]
    context = {"form": form, "page": page, "mine": mine}
    if request.headers.get("HX-Request"):
        return render(request, "core/_organisation_rows.html", context)
    return render(request, "core/organisation_list.html", context)


@login_required
def organisation_detail(request: HttpRequest, code: str) -> HttpResponse:
    organisation, can_write = access.get_organisation_for_user(request.user, code)  # type: ignore[arg-type]
    members = (
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__username", "role")
    )
    context = {"organisation": organisation, "members": members, "can_write": can_write}
    return render(request, "core/organisation_detail.html", context)


@login_required
def region_overview(request: HttpRequest, region: str) -> HttpResponse:
    region = access.region_for_coordinator(request.user, region)  # type: ignore[arg-type]
    organisations = Organisation.objects.for_region(region)
    by_kind = dict(
        organisations.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    people = (
        Membership.objects.filter(organisation__wco_region=region, user__is_active=True)
        .values_list("role")
        .annotate(n=Count("user", distinct=True))
    )
    role_counts = suppress_counts(dict.fromkeys(Role.values, 0) | dict(people))
    context = {
        "region": region,
        "region_label": WcoRegion(region).label,
        "administrations": organisations.customs().order_by("country"),
        "kind_counts": [(label, by_kind.get(kind, 0)) for kind, label in Organisation.Kind.choices],
        "pscg_members": organisations.filter(pscg_member=True).count(),
        "role_counts": [(Role(role).label, n) for role, n in role_counts.items()],
        "people_total": suppress_total(
            User.objects.filter(memberships__organisation__wco_region=region, is_active=True)
            .distinct()
            .count()
        ),
    }
    return render(request, "core/region_overview.html", context)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    entries = AuditEntry.objects.all()
    if not user.is_platform_admin:
        officer_of = user.organisations_with_role(Role.INTEGRITY_OFFICER)
        if not officer_of.exists():
            raise Http404
        entries = entries.filter(organisation_id__in=officer_of.values("pk"))
    form = AuditFilterForm(request.GET or None)
    action = form.cleaned_data["action"] if form.is_valid() else ""
    if action:
        entries = entries.filter(action=action)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "form": form, "action": action})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language and remember it as the user's preference.

    Before signing in there is no user to remember it for: the session keeps the choice, and
    signing in honours it (account.LoginView) instead of the language saved last time."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return response
    user = request.user
    if user.is_authenticated:
        User.objects.filter(pk=user.pk).update(preferred_language=language)
    else:
        request.session[CHOSEN_LANGUAGE_KEY] = language
    return response
