"""The moderation queue, action forms and log, inside the Wagtail admin. Thin: permission, form, service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from district.forms import submit
from forums import permissions, services
from forums.forms import ModerationForm, MoveForm
from forums.models import ModerationAction, Post, Report, Thread

POST_ACTIONS = {
    "hide": (gettext_lazy("Hide post"), services.post_hide),
    "restore": (gettext_lazy("Restore post"), services.post_restore),
    "delete": (gettext_lazy("Delete post"), services.post_delete),
    "dismiss": (gettext_lazy("Dismiss reports"), services.report_dismiss),
}
THREAD_ACTIONS = {
    "lock": (
        gettext_lazy("Lock thread"),
        lambda **kw: services.thread_lock(locked=True, **kw),
    ),
    "unlock": (
        gettext_lazy("Unlock thread"),
        lambda **kw: services.thread_lock(locked=False, **kw),
    ),
    "pin": (
        gettext_lazy("Pin thread"),
        lambda **kw: services.thread_pin(pinned=True, **kw),
    ),
    "unpin": (
        gettext_lazy("Unpin thread"),
        lambda **kw: services.thread_pin(pinned=False, **kw),
    ),
    "hide": (
        gettext_lazy("Hide thread"),
        lambda **kw: services.thread_hide(hidden=True, **kw),
    ),
    "restore": (
        gettext_lazy("Restore thread"),
        lambda **kw: services.thread_hide(hidden=False, **kw),
    ),
    "move": (gettext_lazy("Move thread"), services.thread_move),
}


def _render(
    request: HttpRequest, template: str, title: str, context: dict, status: int = 200
) -> HttpResponse:
    return TemplateResponse(
        request,
        template,
        {"page_title": title, "header_icon": "warning", **context},
        status=status,
    )


def queue(request: HttpRequest) -> HttpResponse:
    """Reported and auto-hidden posts on the boards this user moderates, most reported first."""
    boards = permissions.moderated_boards(request.user)
    posts = (
        Post.objects.filter(thread__board__in=boards)
        .filter(
            Q(reports__resolved_at__isnull=True)
            | Q(is_hidden=True, reports__isnull=False)
        )
        .annotate(
            open_reports=Count(
                "reports", filter=Q(reports__resolved_at__isnull=True), distinct=True
            ),
            last_report=Max("reports__created_at"),
        )
        .filter(open_reports__gt=0)
        .select_related("thread__board", "author__profile")
        .order_by("-open_reports", "-last_report")
    )
    page = Paginator(posts, 25).get_page(request.GET.get("page"))
    reasons: dict[int, list[Report]] = {}
    for report in Report.objects.filter(
        post__in=page.object_list, resolved_at__isnull=True
    ).select_related("reporter__profile"):
        reasons.setdefault(report.post_id, []).append(report)
    for post in page.object_list:
        post.open_report_list = reasons.get(post.pk, [])
    return _render(
        request, "forums/admin/queue.html", _("Moderation queue"), {"page_obj": page}
    )


def moderate_post(request: HttpRequest, post_id: int, action: str) -> HttpResponse:
    if action not in POST_ACTIONS:
        raise Http404
    post = get_object_or_404(
        Post.objects.select_related("thread__board__dong", "author__profile"),
        pk=post_id,
    )
    if not permissions.can_moderate(request.user, post.thread.board):
        raise PermissionDenied
    label, service = POST_ACTIONS[action]
    form = ModerationForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: service(
            moderator=request.user,
            post=post,
            reason=data["reason"],
            reason_code=data["reason_code"],
        ),
    ):
        messages.success(request, _("Done: %(action)s.") % {"action": label})
        return redirect(reverse("forums_moderation_queue"))
    return _render(
        request,
        "forums/admin/action.html",
        str(label),
        {"form": form, "post": post, "thread": post.thread},
        status=400 if form.errors else 200,
    )


def moderate_thread(request: HttpRequest, thread_id: int, action: str) -> HttpResponse:
    if action not in THREAD_ACTIONS:
        raise Http404
    thread = get_object_or_404(
        Thread.objects.select_related("board__dong", "author__profile"), pk=thread_id
    )
    if not permissions.can_moderate(request.user, thread.board):
        raise PermissionDenied
    label, service = THREAD_ACTIONS[action]
    if action == "move":
        boards = permissions.moderated_boards(request.user).exclude(pk=thread.board_id)
        form = MoveForm(request.POST or None, boards=boards)
    else:
        form = ModerationForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: service(
            moderator=request.user,
            thread=thread,
            reason=data["reason"],
            reason_code=data["reason_code"],
            **({"board": data["board"]} if action == "move" else {}),
        ),
    ):
        messages.success(request, _("Done: %(action)s.") % {"action": label})
        return redirect(thread.get_absolute_url())
    return _render(
        request,
        "forums/admin/action.html",
        str(label),
        {"form": form, "thread": thread},
        status=400 if form.errors else 200,
    )


def log(request: HttpRequest) -> HttpResponse:
    """The append-only moderation log for the boards this user moderates (all of them for staff)."""
    entries = ModerationAction.objects.filter(
        board__in=permissions.moderated_boards(request.user)
    ).select_related("moderator__profile", "board", "target_author__profile")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return _render(
        request, "forums/admin/log.html", _("Moderation log"), {"page_obj": page}
    )
