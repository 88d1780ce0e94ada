"""Forum pages. Thin: fetch-and-check with permissions.access_*, call a service, render."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from district import live
from district.forms import apply_errors, submit
from district.idempotency import idempotent
from district.moderation.policy import Silenced
from district.ratelimit import RateLimited
from forums import permissions, selectors, services
from forums.forms import EditForm, ReplyForm, ReportForm, ThreadForm
from forums.models import Board, PostRevision, ReactionKind


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("accept", "")


def form_errors_json(form) -> JsonResponse:
    errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
    return JsonResponse({"errors": errors}, status=400)


def board_list(request: HttpRequest) -> HttpResponse:
    boards = list(Board.objects.select_related("dong").order_by("position", "id"))
    return render(
        request,
        "forums/board_list.html",
        {
            "district_boards": [b for b in boards if b.dong_id is None],
            "dong_boards": [b for b in boards if b.dong_id is not None],
        },
    )


def board_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = permissions.access_board(request.user, slug)
    seqs = live.last_seqs([board.topic])
    if request.GET.get("page"):  # numbered links from before keyset paging still work
        page = Paginator(
            selectors.board_threads(request.user, board),
            settings.FORUMS_THREADS_PER_PAGE,
        ).get_page(request.GET.get("page"))
    else:
        page = selectors.board_thread_page(request.user, board, request.GET)
    previous_visit = services.board_visit(user=request.user, board=board)
    return render(
        request,
        "forums/board.html",
        {
            "board": board,
            "page_obj": page,
            "previous_visit": previous_visit,
            "live_topics": seqs,
            "can_post": permissions.can_post(request.user, board),
            "can_moderate": permissions.can_moderate(request.user, board),
        },
    )


@login_required
@idempotent("thread")
def thread_new(request: HttpRequest, slug: str) -> HttpResponse:
    board = permissions.access_board(request.user, slug)
    if not permissions.can_post(request.user, board):
        raise PermissionDenied
    form = ThreadForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.thread_create(
            author=request.user,
            board=board,
            title=data["title"],
            body=data["body"],
            tags=data["tags"],
        ),
    )
    if done:
        return redirect(done.result)
    return render(
        request,
        "forums/thread_form.html",
        {"board": board, "form": form},
        status=400 if form.errors else 200,
    )


def thread_detail(
    request: HttpRequest, thread_id: int, reply_form: ReplyForm | None = None
) -> HttpResponse:
    thread = permissions.access_thread(request.user, thread_id)
    # Read the topic's position before the posts: anything newer reaches the page live.
    seqs = live.last_seqs([thread.topic])
    page = selectors.thread_page(request.user, thread, request.GET.get("page"))
    services.mark_read(user=request.user, thread=thread, posts=page.object_list)
    can_moderate = permissions.can_moderate(request.user, thread.board)
    if reply_form is None:
        initial = {}
        quote_id = request.GET.get("quote", "")
        if quote_id.isdigit():
            # The quoted post may be on another page of the thread than the one shown.
            quoted = (
                selectors.thread_posts(request.user, thread)
                .filter(pk=int(quote_id))
                .first()
            )
            if quoted is not None:
                quoted_text = "\n".join(
                    f"> {line}" for line in quoted.body.splitlines()
                )
                initial = {"quote_of": quoted.pk, "body": f"{quoted_text}\n\n"}
        reply_form = ReplyForm(initial=initial)
    return render(
        request,
        "forums/thread.html",
        {
            "thread": thread,
            "board": thread.board,
            "page_obj": page,
            "posts": page.object_list,
            "reply_form": reply_form,
            "can_reply": permissions.can_reply(request.user, thread),
            "can_moderate": can_moderate,
            "lock_action": selectors.lock_action(request.user, thread),
            "live_topics": seqs,
            "reaction_kinds": ReactionKind.choices,
            "tags": list(thread.tags.all()),
        },
        status=400 if reply_form.errors else 200,
    )


@login_required
@require_POST
@idempotent("reply")
def post_reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = permissions.access_thread(request.user, thread_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        quote_of = None
        if form.cleaned_data.get("quote_of"):
            quote_of = thread.posts.filter(pk=form.cleaned_data["quote_of"]).first()
        try:
            post = services.post_create(
                author=request.user,
                thread=thread,
                body=form.cleaned_data["body"],
                quote_of=quote_of,
            )
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied:
            form.add_error(None, _("You cannot reply in this thread."))
        else:
            if wants_json(request):
                return JsonResponse(
                    {"post_id": post.pk, "url": post.get_absolute_url()}, status=201
                )
            return redirect(post.get_absolute_url())
    if wants_json(request):
        return form_errors_json(form)
    return thread_detail(request, thread_id, reply_form=form)


def post_redirect(request: HttpRequest, post_id: int) -> HttpResponse:
    post = permissions.access_post(request.user, post_id)
    page = selectors.page_of_post(request.user, post)
    suffix = f"?page={page}" if page > 1 else ""
    return redirect(f"{post.thread.get_absolute_url()}{suffix}#post-{post.pk}")


@login_required
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    post = permissions.access_post(request.user, post_id)
    if not permissions.can_edit_post(request.user, post):
        messages.error(
            request,
            _(
                "This post can no longer be edited. Ask a moderator if something must change."
            ),
        )
        return redirect(post.get_absolute_url())
    form = EditForm(request.POST or None, initial={"body": post.body})
    if submit(
        request,
        form,
        lambda data: services.post_edit(
            editor=request.user, post=post, body=data["body"], reason=data["reason"]
        ),
    ):
        messages.success(request, _("Your changes are saved."))
        return redirect(post.get_absolute_url())
    return render(
        request,
        "forums/post_edit.html",
        {
            "post": post,
            "form": form,
            "is_moderator_edit": post.author_id != request.user.pk,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def post_react(request: HttpRequest, post_id: int) -> HttpResponse:
    post = permissions.access_post(request.user, post_id)
    try:
        counts = services.reaction_toggle(
            user=request.user, post=post, kind=request.POST.get("kind", "")
        )
    except RateLimited:
        raise  # 429 or a message (district.guards)
    except (ValidationError, PermissionDenied) as error:
        # A silenced person learns until when and why; anyone else the plain refusal.
        text = (
            error.messages[0]
            if isinstance(error, Silenced)
            else _("You cannot react to this post.")
        )
        if wants_json(request):
            return JsonResponse({"errors": {"__all__": [text]}}, status=400)
        messages.error(request, text)
        return redirect(post.get_absolute_url())
    if wants_json(request):
        return JsonResponse({"post_id": post.pk, "counts": counts})
    return redirect(post.get_absolute_url())


@login_required
@idempotent("report")
def post_report(request: HttpRequest, post_id: int) -> HttpResponse:
    post = permissions.access_post(request.user, post_id)
    if not permissions.can_react_or_report(request.user, post):
        messages.error(request, _("You cannot report this post."))
        return redirect(post.get_absolute_url())
    form = ReportForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: services.report_create(
            reporter=request.user, post=post, reason=data["reason"], note=data["note"]
        ),
    ):
        messages.success(request, _("Thank you. Moderators will look at your report."))
        return redirect(post.thread.get_absolute_url())
    return render(
        request,
        "forums/report_form.html",
        {"post": post, "form": form},
        status=400 if form.errors else 200,
    )


def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    post = permissions.access_post(request.user, post_id)
    if not permissions.can_moderate(request.user, post.thread.board):
        raise Http404
    revisions = PostRevision.objects.filter(post=post).select_related(
        "edited_by__profile"
    )
    return render(
        request, "forums/post_history.html", {"post": post, "revisions": revisions}
    )


@login_required
def post_delete_own(request: HttpRequest, post_id: int) -> HttpResponse:
    """An author deletes their own post, after a confirmation page (works without JavaScript)."""
    post = permissions.access_post(request.user, post_id)
    if post.author_id != request.user.pk:
        raise PermissionDenied
    thread = post.thread
    is_opening = (
        thread.posts.order_by("id").values_list("id", flat=True).first() == post.pk
    )
    form = forms.Form(request.POST if request.method == "POST" else None)
    done = submit(
        request,
        form,
        lambda data: services.post_delete_own(author=request.user, post=post),
    )
    if done:
        messages.success(request, _("Your post has been deleted."))
        if done.result is None:
            return redirect(thread.board.get_absolute_url())
        return redirect(thread.get_absolute_url())
    return render(
        request,
        "forums/post_delete.html",
        {"post": post, "form": form, "is_opening": is_opening},
        status=400 if form.errors else 200,
    )


@login_required
def my_posts(request: HttpRequest) -> HttpResponse:
    """What the signed-in resident has written, newest first, 20 to a page."""
    page = Paginator(selectors.posts_by(request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "forums/my_posts.html", {"page_obj": page})
