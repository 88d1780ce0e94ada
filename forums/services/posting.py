"""Writing on the forums: threads, replies, edits and reactions, with their notifications and live updates."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from district import live, timefmt
from district.markup import mentioned_names, render_markdown
from district.models import Profile, display_name
from district.moderation.policy import require_can_participate
from district.pii import refuse_rrn
from district.ratelimit import rate_limit
from district.services import notifications_create
from district.validators import validate_one_line
from forums import permissions
from forums.models import Board, Post, PostRevision, Reaction, ReactionKind, Thread
from forums.selectors import reaction_counts
from forums.services.limits import check_body, check_posting_limits
from forums.services.log import Kind, moderation_log


def post_payload(post: Post) -> dict:
    """What every reader of a thread may see of a post: pushed as is, no per-reader content."""
    return {
        "post_id": post.pk,
        "thread_id": post.thread_id,
        "author_id": post.author_id,
        "author": display_name(post.author),
        "html": post.body_html,
        # Whole seconds: pages put it in <time datetime>, where six-digit fractions are invalid.
        "created_at": post.created_at.replace(microsecond=0).isoformat(),
        # The time as the page writes it, in each interface language (district.timefmt).
        "created_at_text": timefmt.texts(post.created_at),
        "quote_of": post.quote_of_id,
    }


def _board_news(thread: Thread, post: Post) -> dict:
    """What a board's readers hear of a new thread or reply."""
    return {
        "thread_id": thread.pk,
        "post_id": post.pk,
        "title": thread.title,
        "author": display_name(post.author),
    }


def _notify_post(post: Post, thread: Thread) -> None:
    """Reply → thread author; quote → quoted author; @mention → each named resident. Nobody twice, never yourself."""
    actor = display_name(post.author)
    params = {"title": thread.title}
    url = post.get_absolute_url()
    recipients: dict[int, tuple[AbstractUser, str]] = {}
    names = mentioned_names(post.body)[:20]
    if names:
        for profile in Profile.objects.select_related("user").filter(
            display_name__in=names
        ):
            recipients[profile.user_id] = (profile.user, "mention")
    if post.quote_of_id:
        quoted = post.quote_of.author
        recipients[quoted.pk] = (quoted, "quote")
    recipients.setdefault(thread.author_id, (thread.author, "reply"))
    recipients.pop(post.author_id, None)
    for kind in ("mention", "quote", "reply"):
        notifications_create(
            users=[
                user
                for user, their_kind in recipients.values()
                if their_kind == kind and user.is_active
            ],
            kind=kind,
            actor_name=actor,
            url=url,
            params=params,
        )


def _add_post(
    *, author: AbstractUser, thread: Thread, body: str, quote_of: Post | None
) -> Post:
    post = Post.objects.create(
        thread=thread,
        author=author,
        body=body,
        body_html=render_markdown(body),
        quote_of=quote_of,
    )
    thread.post_count += 1
    thread.last_post = post
    thread.last_activity_at = post.created_at
    thread.save(update_fields=["post_count", "last_post", "last_activity_at"])
    return post


@live.atomic
def thread_create(
    *,
    author: AbstractUser,
    board: Board,
    title: str,
    body: str,
    tags: Iterable[str] = (),
    enforce_limits: bool = True,
) -> Thread:
    """Start a thread with its first post.

    `enforce_limits=False` is for threads the system opens on someone's behalf
    (an approved event's discussion), which no flood limit should refuse.
    """
    if not permissions.can_post(author, board):
        raise PermissionDenied
    if enforce_limits:
        require_can_participate(author)  # silenced or suspended: not now, and why
    title = " ".join(title.split())
    if len(title) < 2:
        raise ValidationError({"title": _("Please give the thread a title.")})
    try:
        validate_one_line(title)
    except ValidationError as error:
        raise ValidationError({"title": error.messages}) from None
    refuse_rrn(title=title)
    body = check_body(body)
    if enforce_limits:
        check_posting_limits(author, board, body)
    thread = Thread.objects.create(board=board, title=title[:150], author=author)
    if tags:
        thread.tags.set(list(tags))
        thread.save()
    post = _add_post(author=author, thread=thread, body=body, quote_of=None)
    _notify_post(post, thread)
    live.publish(board.topic, "thread.created", _board_news(thread, post))
    return thread


@live.atomic
def post_create(
    *, author: AbstractUser, thread: Thread, body: str, quote_of: Post | None = None
) -> Post:
    """Reply in a thread. The thread row is locked, so posts and counts stay in order under concurrency."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("board__dong", "author")
        .get(pk=thread.pk)
    )
    if not permissions.can_reply(author, thread):
        if thread.is_locked:
            raise ValidationError(_("This thread is locked: no new replies."))
        raise PermissionDenied
    require_can_participate(author)
    if quote_of is not None and (quote_of.thread_id != thread.pk or quote_of.is_hidden):
        raise ValidationError(_("You can only quote a visible post of this thread."))
    body = check_body(body)
    check_posting_limits(author, thread.board, body)
    post = _add_post(author=author, thread=thread, body=body, quote_of=quote_of)
    _notify_post(post, thread)
    live.publish(thread.topic, "post.created", post_payload(post))
    live.publish(thread.board.topic, "post.created", _board_news(thread, post))
    return post


@live.atomic
def post_edit(*, editor: AbstractUser, post: Post, body: str, reason: str = "") -> Post:
    """Change a post's text, keeping the old text as a revision moderators can read."""
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__board__dong")
        .get(pk=post.pk)
    )
    if not permissions.can_edit_post(editor, post):
        raise PermissionDenied
    if editor.pk == post.author_id:
        require_can_participate(editor)
    body = check_body(body)
    if body == post.body:
        return post  # the same text again: nothing changes, nothing counts
    rate_limit("edit", user=editor)
    PostRevision.objects.create(post=post, body=post.body, edited_by=editor)
    post.body, post.body_html, post.edited_at = (
        body,
        render_markdown(body),
        timezone.now(),
    )
    post.save(update_fields=["body", "body_html", "edited_at"])
    if editor.pk != post.author_id:
        moderation_log(
            moderator=editor,
            kind=Kind.EDIT,
            thread=post.thread,
            post=post,
            reason=reason or "—",
        )
    live.publish(
        post.thread.topic,
        "post.edited",
        {
            "post_id": post.pk,
            "html": post.body_html,
            "edited_at": post.edited_at.isoformat(),
        },
    )
    return post


@live.atomic
def reaction_toggle(*, user: AbstractUser, post: Post, kind: str) -> dict[str, int]:
    """Add the reaction, or take it back if the resident had given it; returns the post's new counts."""
    if kind not in ReactionKind.values:
        raise ValidationError(_("Unknown reaction."))
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread")
        .get(pk=post.pk)
    )
    if not permissions.can_react_or_report(user, post):
        raise PermissionDenied
    require_can_participate(user)
    rate_limit("reaction", user=user)
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if not deleted:
        Reaction.objects.create(post=post, user=user, kind=kind)
    counts = reaction_counts([post.pk]).get(post.pk, {})
    live.publish(
        post.thread.topic, "reactions.changed", {"post_id": post.pk, "counts": counts}
    )
    return counts


@live.atomic
def post_delete_own(*, author: AbstractUser, post: Post) -> Thread | None:
    """An author takes back their own post: a reply at any time; the opening
    post only while nobody has replied, and then the thread goes with it.

    Returns the thread that remains (None when it was deleted). Logged like a
    moderator's deletion (the author as the actor, the text kept in the
    entry's summary); readers of the thread and board hear `post.deleted`
    (and `thread.deleted`). A post hidden by a moderator or with open reports
    stays for the moderators to decide. Repeating it finds nothing to delete.
    """
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__board")
        .filter(pk=post.pk)
        .first()
    )
    if post is None:
        raise ValidationError(_("This post has already been deleted."))
    if post.author_id != author.pk:
        raise PermissionDenied
    if post.is_hidden or post.reports.filter(resolved_at__isnull=True).exists():
        raise ValidationError(
            _("Moderators are looking at this post: it cannot be deleted now.")
        )
    thread = Thread.objects.select_for_update().get(pk=post.thread_id)
    is_opening = (
        thread.posts.order_by("id").values_list("id", flat=True).first() == post.pk
    )
    if is_opening and thread.posts.exclude(pk=post.pk).exists():
        raise ValidationError(
            _(
                "Others have replied to this thread, so its opening post stays. You can edit it instead."
            )
        )
    moderation_log(
        moderator=author,
        kind=Kind.DELETE,
        thread=thread,
        post=post,
        reason=_("Deleted by its author"),
        notify=False,
    )
    post_id = post.pk
    live.publish(thread.topic, "post.deleted", {"post_id": post_id})
    if is_opening:
        live.publish(thread.board.topic, "thread.deleted", {"thread_id": thread.pk})
        thread.delete()
        return None
    post.delete()
    thread.post_count = thread.posts.count()
    thread.last_post = thread.posts.order_by("-id").first()
    thread.save(update_fields=["post_count", "last_post"])
    return thread
