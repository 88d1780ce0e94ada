"""Forum writes. Each one checks permission, writes in one transaction, and publishes live updates after commit."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from district.live import Broadcast, publish_on_commit
from district.markup import count_links, mentioned_names, render_markdown
from district.models import Profile
from district.services import notification_create
from forums import permissions
from forums.models import (
    Board,
    ModerationAction,
    Post,
    PostRevision,
    Reaction,
    ReactionKind,
    Report,
    Thread,
)

Kind = ModerationAction.Kind


def display_name(user: AbstractUser) -> str:
    profile = getattr(user, "profile", None)
    return profile.display_name if profile else user.get_username()


def post_payload(post: Post) -> dict:
    """What every reader of a thread may see of a post: pushed as is, no per-reader content."""
    return {
        "post_id": post.pk,
        "thread_id": post.thread_id,
        "author_id": post.author_id,
        "author": display_name(post.author),
        "html": post.body_html,
        "created_at": post.created_at.isoformat(),
        "quote_of": post.quote_of_id,
    }


# Limits -----------------------------------------------------------------------


def _check_body(body: str) -> str:
    body = body.strip()
    if len(body) < settings.FORUMS_MIN_POST_LENGTH:
        raise ValidationError(
            {
                "body": _("Please write at least %(count)d characters.")
                % {"count": settings.FORUMS_MIN_POST_LENGTH}
            }
        )
    if len(body) > settings.FORUMS_MAX_POST_LENGTH:
        raise ValidationError(
            {
                "body": _(
                    "Please keep it under %(limit)d characters (this has %(count)d)."
                )
                % {"limit": settings.FORUMS_MAX_POST_LENGTH, "count": len(body)}
            }
        )
    return body


def _check_posting_limits(author: AbstractUser, board: Board, body: str) -> None:
    """Flood and spam limits; moderators are exempt. Runs with the author's profile row locked."""
    if permissions.can_moderate(author, board):
        return
    Profile.objects.select_for_update().filter(user=author).first()
    now = timezone.now()
    last = (
        Post.objects.filter(author=author)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    gap = settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS
    if last and (now - last).total_seconds() < gap:
        wait = max(1, int(gap - (now - last).total_seconds()))
        raise ValidationError(
            ngettext(
                "You are posting very quickly. Please wait %(count)d second and try again.",
                "You are posting very quickly. Please wait %(count)d seconds and try again.",
                wait,
            )
            % {"count": wait}
        )
    if now - author.date_joined < timedelta(hours=settings.FORUMS_NEW_ACCOUNT_HOURS):
        posted = Post.objects.filter(
            author=author, created_at__gte=author.date_joined
        ).count()
        if posted >= settings.FORUMS_NEW_ACCOUNT_MAX_POSTS:
            raise ValidationError(
                _(
                    "New accounts can post %(count)d times on their first day. Please come back tomorrow."
                )
                % {"count": settings.FORUMS_NEW_ACCOUNT_MAX_POSTS}
            )
        if count_links(body) > settings.FORUMS_NEW_ACCOUNT_MAX_LINKS:
            raise ValidationError(
                {
                    "body": _(
                        "New accounts can include at most %(count)d links in a post."
                    )
                    % {"count": settings.FORUMS_NEW_ACCOUNT_MAX_LINKS}
                }
            )
        if len(mentioned_names(body)) > settings.FORUMS_NEW_ACCOUNT_MAX_MENTIONS:
            raise ValidationError(
                {
                    "body": _(
                        "New accounts can mention at most %(count)d people in a post."
                    )
                    % {"count": settings.FORUMS_NEW_ACCOUNT_MAX_MENTIONS}
                }
            )


# Notifications ----------------------------------------------------------------


def _notify_post(post: Post, thread: Thread) -> list[Broadcast]:
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
    broadcasts = []
    for user, kind in recipients.values():
        if not user.is_active:
            continue
        _notification, broadcast = notification_create(
            user=user, kind=kind, actor_name=actor, url=url, params=params
        )
        broadcasts.append(broadcast)
    return broadcasts


# Boards -------------------------------------------------------------------------

AUDIENCE_BOARDS = (
    # (audience, slug, Korean name, English name, facilitators' group)
    ("youth", "youth", "청년 게시판", "Youth board", "Facilitators · Youth"),
    ("seniors", "seniors", "어르신 게시판", "Seniors' board", "Facilitators · Seniors"),
    (
        "foreign",
        "foreign-residents",
        "외국인 주민 게시판",
        "Foreign residents' board",
        "Facilitators · Foreign residents",
    ),
)


@transaction.atomic
def boards_ensure(*, dongs: Iterable) -> list[Board]:
    """One general board per association and the district-wide audience boards, with facilitators' groups.

    Idempotent: existing boards (found by address) are left as staff edited them.
    """
    boards = []
    for position, dong in enumerate(dongs, start=10):
        board, _created = Board.objects.get_or_create(
            slug=dong.slug,
            defaults={
                "name": f"{dong.title} 이야기",
                "name_en": f"{dong.name_en} forum",
                "dong": dong,
                "position": position,
            },
        )
        boards.append(board)
    for position, (audience, slug, name, name_en, group_name) in enumerate(
        AUDIENCE_BOARDS
    ):
        group, _created = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
        )
        board, _created = Board.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "audience": audience,
                "facilitators": group,
                "position": position,
            },
        )
        boards.append(board)
    return boards


# Threads and posts --------------------------------------------------------------


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


@transaction.atomic
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
    title = " ".join(title.split())
    if len(title) < 2:
        raise ValidationError({"title": _("Please give the thread a title.")})
    body = _check_body(body)
    if enforce_limits:
        _check_posting_limits(author, board, body)
    thread = Thread.objects.create(board=board, title=title[:150], author=author)
    if tags:
        thread.tags.set(list(tags))
        thread.save()
    post = _add_post(author=author, thread=thread, body=body, quote_of=None)
    broadcasts = _notify_post(post, thread)
    publish_on_commit(
        Broadcast(
            board.topic,
            "thread.created",
            {
                "thread_id": thread.pk,
                "post_id": post.pk,
                "title": thread.title,
                "author": display_name(author),
            },
        ),
        *broadcasts,
    )
    return thread


@transaction.atomic
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
    if quote_of is not None and (quote_of.thread_id != thread.pk or quote_of.is_hidden):
        raise ValidationError(_("You can only quote a visible post of this thread."))
    body = _check_body(body)
    _check_posting_limits(author, thread.board, body)
    post = _add_post(author=author, thread=thread, body=body, quote_of=quote_of)
    broadcasts = _notify_post(post, thread)
    publish_on_commit(
        Broadcast(thread.topic, "post.created", post_payload(post)),
        Broadcast(
            thread.board.topic,
            "post.created",
            {
                "thread_id": thread.pk,
                "post_id": post.pk,
                "title": thread.title,
                "author": display_name(author),
            },
        ),
        *broadcasts,
    )
    return post


@transaction.atomic
def post_edit(*, editor: AbstractUser, post: Post, body: str, reason: str = "") -> Post:
    """Change a post's text, keeping the old text as a revision moderators can read."""
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__board__dong")
        .get(pk=post.pk)
    )
    if not permissions.can_edit_post(editor, post):
        raise PermissionDenied
    body = _check_body(body)
    if body == post.body:
        return post
    PostRevision.objects.create(post=post, body=post.body, edited_by=editor)
    post.body, post.body_html, post.edited_at = (
        body,
        render_markdown(body),
        timezone.now(),
    )
    post.save(update_fields=["body", "body_html", "edited_at"])
    broadcasts = []
    if editor.pk != post.author_id:
        broadcasts = _log(editor, Kind.EDIT, post.thread, post, reason or "—")
    publish_on_commit(
        Broadcast(
            post.thread.topic,
            "post.edited",
            {
                "post_id": post.pk,
                "html": post.body_html,
                "edited_at": post.edited_at.isoformat(),
            },
        ),
        *broadcasts,
    )
    return post


def reaction_counts(post_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Reaction.objects.filter(post_id__in=list(post_ids))
        .values("post_id", "kind")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["post_id"], {})[row["kind"]] = row["n"]
    return counts


@transaction.atomic
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
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if not deleted:
        Reaction.objects.create(post=post, user=user, kind=kind)
    counts = reaction_counts([post.pk]).get(post.pk, {})
    publish_on_commit(
        Broadcast(
            post.thread.topic,
            "reactions.changed",
            {"post_id": post.pk, "counts": counts},
        )
    )
    return counts


# Reports and moderation ------------------------------------------------------------


def _summary(thread: Thread, post: Post | None) -> str:
    if post is None:
        return thread.title[:200]
    return f"{thread.title[:80]} · #{post.pk}: {post.body[:100]}"


def _log(
    moderator: AbstractUser | None,
    kind: str,
    thread: Thread,
    post: Post | None,
    reason: str,
    *,
    notify: bool = True,
) -> list[Broadcast]:
    """Write the moderation log entry and (unless `notify` is off) tell the author.

    Returns the notification's broadcast, for the caller's single publish.
    """
    target = post.author if post is not None else thread.author
    ModerationAction.objects.create(
        moderator=moderator,
        kind=kind,
        board=thread.board,
        thread=thread,
        post=post,
        target_author=target,
        summary=_summary(thread, post),
        reason=reason,
    )
    if not notify or (moderator is not None and target.pk == moderator.pk):
        return []
    _notification, broadcast = notification_create(
        user=target,
        kind="moderation",
        url=thread.get_absolute_url() if kind not in (Kind.DELETE,) else "",
        params={"title": thread.title, "action": kind, "reason": reason},
    )
    return [broadcast]


def _require_moderator(moderator: AbstractUser, board: Board, reason: str) -> str:
    if not permissions.can_moderate(moderator, board):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Please give a reason: the author will see it.")}
        )
    return reason[:1000]


def _resolve_reports(post: Post) -> int:
    return Report.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )


@transaction.atomic
def report_create(
    *, reporter: AbstractUser, post: Post, reason: str, note: str = ""
) -> Report:
    """File a report. FORUMS_REPORTS_TO_HIDE open reports from distinct residents hide the post for review."""
    post = _locked_post(post)
    if not permissions.can_react_or_report(reporter, post):
        raise PermissionDenied
    report = Report(post=post, reporter=reporter, reason=reason, note=note.strip())
    report.full_clean(exclude=["post", "reporter"])
    if Report.objects.filter(post=post, reporter=reporter).exists():
        raise ValidationError(
            _("You have already reported this post. Moderators will look at it.")
        )
    report.save()
    open_reports = Report.objects.filter(post=post, resolved_at__isnull=True).count()
    if open_reports >= settings.FORUMS_REPORTS_TO_HIDE and not post.is_hidden:
        post.is_hidden = True
        post.save(update_fields=["is_hidden"])
        broadcasts = _log(
            None,
            Kind.AUTO_HIDE,
            post.thread,
            post,
            _("Hidden after several reports, pending review."),
        )
        publish_on_commit(
            Broadcast(post.thread.topic, "post.hidden", {"post_id": post.pk}),
            *broadcasts,
        )
    return report


def _locked_post(post: Post) -> Post:
    return (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__board__dong", "author")
        .get(pk=post.pk)
    )


def _set_post_hidden(
    *, moderator: AbstractUser, post: Post, reason: str, hidden: bool
) -> Post:
    post = _locked_post(post)
    reason = _require_moderator(moderator, post.thread.board, reason)
    post.is_hidden = hidden
    post.save(update_fields=["is_hidden"])
    _resolve_reports(post)
    broadcasts = _log(
        moderator, Kind.HIDE if hidden else Kind.RESTORE, post.thread, post, reason
    )
    event = Broadcast(post.thread.topic, "post.hidden", {"post_id": post.pk})
    if not hidden:
        event = Broadcast(post.thread.topic, "post.restored", post_payload(post))
    publish_on_commit(event, *broadcasts)
    return post


@transaction.atomic
def post_hide(*, moderator: AbstractUser, post: Post, reason: str) -> Post:
    return _set_post_hidden(moderator=moderator, post=post, reason=reason, hidden=True)


@transaction.atomic
def post_restore(*, moderator: AbstractUser, post: Post, reason: str) -> Post:
    return _set_post_hidden(moderator=moderator, post=post, reason=reason, hidden=False)


@transaction.atomic
def report_dismiss(*, moderator: AbstractUser, post: Post, reason: str) -> int:
    """Close the open reports on a post without acting on it (logged; the author is not told)."""
    post = Post.objects.select_related("thread__board__dong", "author").get(pk=post.pk)
    reason = _require_moderator(moderator, post.thread.board, reason)
    count = _resolve_reports(post)
    _log(moderator, Kind.DISMISS, post.thread, post, reason, notify=False)
    return count


@transaction.atomic
def post_delete(*, moderator: AbstractUser, post: Post, reason: str) -> None:
    """Delete a reply for good (the log keeps who, when and why). The opening post goes with its thread."""
    post = _locked_post(post)
    reason = _require_moderator(moderator, post.thread.board, reason)
    thread = Thread.objects.select_for_update().get(pk=post.thread_id)
    if thread.posts.order_by("id").values_list("id", flat=True).first() == post.pk:
        raise ValidationError(
            _("This is the opening post: hide or delete the whole thread instead.")
        )
    broadcasts = _log(moderator, Kind.DELETE, thread, post, reason)
    post_id = post.pk
    post.delete()
    last = thread.posts.order_by("-id").first()
    thread.post_count = thread.posts.count()
    thread.last_post = last
    thread.save(update_fields=["post_count", "last_post"])
    publish_on_commit(
        Broadcast(thread.topic, "post.deleted", {"post_id": post_id}), *broadcasts
    )


def _thread_flag(
    *,
    moderator: AbstractUser,
    thread: Thread,
    reason: str,
    field: str,
    value: bool,
    kind: str,
) -> Thread:
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("board__dong", "author")
        .get(pk=thread.pk)
    )
    reason = _require_moderator(moderator, thread.board, reason)
    setattr(thread, field, value)
    thread.save(update_fields=[field])
    broadcasts = _log(moderator, kind, thread, None, reason)
    data = {
        "thread_id": thread.pk,
        "locked": thread.is_locked,
        "pinned": thread.is_pinned,
        "hidden": thread.is_hidden,
    }
    publish_on_commit(
        Broadcast(thread.topic, "thread.changed", data),
        Broadcast(thread.board.topic, "thread.changed", data),
        *broadcasts,
    )
    return thread


@transaction.atomic
def thread_lock(
    *, moderator: AbstractUser, thread: Thread, reason: str, locked: bool = True
) -> Thread:
    kind = Kind.LOCK if locked else Kind.UNLOCK
    return _thread_flag(
        moderator=moderator,
        thread=thread,
        reason=reason,
        field="is_locked",
        value=locked,
        kind=kind,
    )


@transaction.atomic
def thread_pin(
    *, moderator: AbstractUser, thread: Thread, reason: str, pinned: bool = True
) -> Thread:
    kind = Kind.PIN if pinned else Kind.UNPIN
    return _thread_flag(
        moderator=moderator,
        thread=thread,
        reason=reason,
        field="is_pinned",
        value=pinned,
        kind=kind,
    )


@transaction.atomic
def thread_hide(
    *, moderator: AbstractUser, thread: Thread, reason: str, hidden: bool = True
) -> Thread:
    kind = Kind.HIDE if hidden else Kind.RESTORE
    return _thread_flag(
        moderator=moderator,
        thread=thread,
        reason=reason,
        field="is_hidden",
        value=hidden,
        kind=kind,
    )


@transaction.atomic
def thread_move(
    *, moderator: AbstractUser, thread: Thread, board: Board, reason: str
) -> Thread:
    """Move a thread to another board; the moderator must be allowed on both."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("board__dong", "author")
        .get(pk=thread.pk)
    )
    reason = _require_moderator(moderator, thread.board, reason)
    if not permissions.can_moderate(moderator, board):
        raise PermissionDenied
    if board.pk == thread.board_id:
        raise ValidationError({"board": _("The thread is already on that board.")})
    old_board = thread.board
    thread.board = board
    thread.save(update_fields=["board"])
    broadcasts = _log(moderator, Kind.MOVE, thread, None, reason)
    data = {
        "thread_id": thread.pk,
        "from_board": old_board.pk,
        "to_board": board.pk,
        "url": thread.get_absolute_url(),
    }
    publish_on_commit(
        Broadcast(thread.topic, "thread.moved", data),
        Broadcast(old_board.topic, "thread.moved", data),
        Broadcast(board.topic, "thread.moved", data),
        *broadcasts,
    )
    return thread
