"""The appeals queue and sanctions inside the Wagtail admin. Thin: permission, form, service."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from district.forms import submit
from district.moderation import policy, services
from district.moderation.forms import AppealDecisionForm, LiftForm, SanctionForm
from district.moderation.models import Appeal, Sanction
from district.moderation.reasons import reason_label
from district.moderation.registry import handler_for
from district.roles import is_district_staff


def _render(request, template, title, context, status=200) -> HttpResponse:
    return TemplateResponse(
        request,
        template,
        {"page_title": title, "header_icon": "warning", **context},
        status=status,
    )


def _visible(user, appeals) -> list[Appeal]:
    """Staff see every appeal; others those they may decide."""
    if is_district_staff(user):
        return list(appeals)
    return [a for a in appeals if policy.can_decide_appeal(user, a)]


def queue(request: HttpRequest) -> HttpResponse:
    """Open appeals, oldest first, with their age and whether they are past the target answer time."""
    now = timezone.now()
    open_appeals = _visible(
        request.user,
        Appeal.objects.filter(decided_at__isnull=True)
        .select_related("appellant__profile", "acted_by__profile")
        .prefetch_related("target"),
    )
    for appeal in open_appeals:
        appeal.age_days = (now - appeal.created_at).days
        appeal.overdue = appeal.is_overdue(now)
        appeal.reason_label = reason_label(appeal.reason_code)
        appeal.mine = appeal.acted_by_id == request.user.pk
    decided = _visible(
        request.user,
        Appeal.objects.filter(decided_at__isnull=False)
        .select_related("decided_by__profile")
        .prefetch_related("target")
        .order_by("-decided_at")[:50],
    )
    page = Paginator(open_appeals, 50).get_page(request.GET.get("page"))
    return _render(
        request,
        "district/moderation/admin/appeals.html",
        _("Appeals"),
        {"page_obj": page, "decided": decided},
    )


def decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = get_object_or_404(
        Appeal.objects.select_related("appellant__profile", "acted_by__profile"),
        pk=appeal_id,
    )
    if not (
        policy.can_decide_appeal(request.user, appeal)
        or is_district_staff(request.user)
    ):
        raise PermissionDenied
    may_decide = appeal.decided_at is None and policy.can_decide_appeal(
        request.user, appeal
    )
    form = AppealDecisionForm(request.POST or None) if may_decide else None
    if form is not None and submit(
        request,
        form,
        lambda data: services.appeal_decide(
            decider=request.user,
            appeal=appeal,
            outcome=data["outcome"],
            reason=data["reason"],
        ),
    ):
        messages.success(request, _("The appeal is decided; the person is told."))
        return redirect(reverse("moderation_appeals"))
    target = appeal.target
    handler = handler_for(target) if target is not None else None
    return _render(
        request,
        "district/moderation/admin/appeal.html",
        _("Appeal #%(id)s") % {"id": appeal.pk},
        {
            "appeal": appeal,
            "form": form,
            "label": handler.label(target) if handler else "",
            "reason_label": reason_label(appeal.reason_code),
            "reason_text": handler.reason_text(target) if handler else "",
            "content_url": handler.content_url(target) if handler else "",
            "overdue": appeal.is_overdue(),
            "acted_by_me": appeal.acted_by_id == request.user.pk,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _require_staff(request: HttpRequest) -> None:
    if not policy.can_sanction(request.user):
        raise PermissionDenied


def sanctions(request: HttpRequest) -> HttpResponse:
    """Recent sanctions, and finding an account to look at or sanction (staff)."""
    _require_staff(request)
    query = request.GET.get("q", "").strip()[:100]
    found = []
    if query:
        found = list(
            get_user_model()
            .objects.filter(
                Q(profile__display_name__icontains=query) | Q(email__iexact=query)
            )
            .select_related("profile")[:20]
        )
    recent = Sanction.objects.select_related("user__profile", "moderator__profile")
    page = Paginator(recent, 50).get_page(request.GET.get("page"))
    return _render(
        request,
        "district/moderation/admin/sanctions.html",
        _("Sanctions"),
        {"page_obj": page, "query": query, "found": found},
    )


def user_sanctions(request: HttpRequest, user_id: int) -> HttpResponse:
    """One account's sanction history and appeals, and the form to sanction it (staff)."""
    _require_staff(request)
    person = get_object_or_404(
        get_user_model().objects.select_related("profile"), pk=user_id
    )
    form = SanctionForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.sanction_create(
            moderator=request.user,
            user=person,
            kind=data["kind"],
            reason_code=data["reason_code"],
            text=data["text"],
            days=data["days"],
        ),
    ):
        messages.success(request, _("Sanction recorded; the person is told."))
        return redirect(request.path)
    now = timezone.now()
    history = list(
        Sanction.objects.filter(user=person).select_related(
            "moderator__profile", "lifted_by__profile"
        )
    )
    for sanction in history:
        sanction.current = sanction.is_current(now)
        sanction.reason_label = reason_label(sanction.reason_code)
    return _render(
        request,
        "district/moderation/admin/user.html",
        _("Sanctions: %(name)s")
        % {
            "name": getattr(getattr(person, "profile", None), "display_name", person.pk)
        },
        {
            "person": person,
            "history": history,
            "appeals": Appeal.objects.filter(appellant=person).order_by("-created_at"),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def lift(request: HttpRequest, sanction_id: int) -> HttpResponse:
    _require_staff(request)
    sanction = get_object_or_404(
        Sanction.objects.select_related("user"), pk=sanction_id
    )
    form = LiftForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.sanction_lift(
            by=request.user, sanction=sanction, reason=data["reason"]
        ),
    ):
        messages.success(request, _("Sanction lifted; the person is told."))
        return redirect(reverse("moderation_user_sanctions", args=[sanction.user_id]))
    return _render(
        request,
        "district/moderation/admin/lift.html",
        _("Lift sanction"),
        {"sanction": sanction, "form": form},
        status=400 if form.errors else 200,
    )
