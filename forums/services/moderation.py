"""Reports and moderators' actions: hide, restore, delete, lock, pin, move. Each is logged and the author told."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from district import live
from district.moderation.policy import require_can_participate
from district.moderation.reasons import ModerationReason
from district.ratelimit import rate_limit
from forums import permissions
from forums.models import Board, Post, Report, Thread
from forums.services.log import Kind, moderation_log
from forums.services.posting import post_payload


def _check_reason_code(reason_code: str) -> str:
    if reason_code not in ModerationReason.values:
        raise ValidationError({"reason_code": _("Choose a reason.")})
    return reason_code


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


@live.atomic
def report_create(
    *, reporter: AbstractUser, post: Post, reason: str, note: str = ""
) -> Report:
    """File a report. FORUMS_REPORTS_TO_HIDE open reports from distinct residents hide the post for review."""
    post = _locked_post(post)
    if not permissions.can_react_or_report(reporter, post):
        raise PermissionDenied
    require_can_participate(reporter)
    report = Report(post=post, reporter=reporter, reason=reason, note=note.strip())
    report.full_clean(exclude=["post", "reporter"])
    if Report.objects.filter(post=post, reporter=reporter).exists():
        raise ValidationError(
            _("You have already reported this post. Moderators will look at it.")
        )
    rate_limit("report", user=reporter)
    report.save()
    open_reports = Report.objects.filter(post=post, resolved_at__isnull=True).count()
    if open_reports >= settings.FORUMS_REPORTS_TO_HIDE and not post.is_hidden:
        post.is_hidden = True
        post.save(update_fields=["is_hidden"])
        moderation_log(
            moderator=None,
            kind=Kind.AUTO_HIDE,
            thread=post.thread,
            post=post,
            reason=_("Hidden after several reports, pending review."),
            reason_code=_reports_reason(post),
        )
        live.publish(post.thread.topic, "post.hidden", {"post_id": post.pk})
    return report


def _reports_reason(post: Post) -> str:
    """The reason most of a post's open reports give (report reasons are moderation reason codes)."""
    top = (
        Report.objects.filter(post=post, resolved_at__isnull=True)
        .values("reason")
        .annotate(n=Count("id"))
        .order_by("-n", "reason")
        .first()
    )
    code = top["reason"] if top else ModerationReason.OTHER
    return code if code in ModerationReason.values else ModerationReason.OTHER


def _locked_post(post: Post) -> Post:
    return (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__board__dong", "author")
        .get(pk=post.pk)
    )


def _set_post_hidden(
    *, moderator: AbstractUser, post: Post, reason: str, hidden: bool, reason_code: str
) -> Post:
    post = _locked_post(post)
    reason = _require_moderator(moderator, post.thread.board, reason)
    reason_code = _check_reason_code(reason_code)
    post.is_hidden = hidden
    post.save(update_fields=["is_hidden"])
    _resolve_reports(post)
    moderation_log(
        moderator=moderator,
        reason_code=reason_code,
        kind=Kind.HIDE if hidden else Kind.RESTORE,
        thread=post.thread,
        post=post,
        reason=reason,
    )
    if hidden:
        live.publish(post.thread.topic, "post.hidden", {"post_id": post.pk})
    else:
        live.publish(post.thread.topic, "post.restored", post_payload(post))
    return post


@live.atomic
def post_hide(
    *,
    moderator: AbstractUser,
    post: Post,
    reason: str,
    reason_code: str = ModerationReason.OTHER,
) -> Post:
    return _set_post_hidden(
        moderator=moderator,
        post=post,
        reason=reason,
        hidden=True,
        reason_code=reason_code,
    )


@live.atomic
def post_restore(
    *,
    moderator: AbstractUser,
    post: Post,
    reason: str,
    reason_code: str = ModerationReason.OTHER,
) -> Post:
    return _set_post_hidden(
        moderator=moderator,
        post=post,
        reason=reason,
        hidden=False,
        reason_code=reason_code,
    )


@live.atomic
def report_dismiss(
    *,
    moderator: AbstractUser,
    post: Post,
    reason: str,
    reason_code: str = ModerationReason.OTHER,
) -> int:
    """Close the open reports on a post without acting on it (logged; the author is not told)."""
    post = Post.objects.select_related("thread__board__dong", "author").get(pk=post.pk)
    reason = _require_moderator(moderator, post.thread.board, reason)
    reason_code = _check_reason_code(reason_code)
    count = _resolve_reports(post)
    moderation_log(
        moderator=moderator,
        reason_code=reason_code,
        kind=Kind.DISMISS,
        thread=post.thread,
        post=post,
        reason=reason,
        notify=False,
    )
    return count


@live.atomic
def post_delete(
    *,
    moderator: AbstractUser,
    post: Post,
    reason: str,
    reason_code: str = ModerationReason.OTHER,
) -> None:
    """Delete a reply for good (the log keeps who, when and why). The opening post goes with its thread."""
    post = _locked_post(post)
    reason = _require_moderator(moderator, post.thread.board, reason)
    reason_code = _check_reason_code(reason_code)
    thread = Thread.objects.select_for_update().get(pk=post.thread_id)
    if thread.posts.order_by("id").values_list("id", flat=True).first() == post.pk:
        raise ValidationError(
            _("This is the opening post: hide or delete the whole thread instead.")
        )
    moderation_log(
        moderator=moderator,
        reason_code=reason_code,
        kind=Kind.DELETE,
        thread=thread,
        post=post,
        reason=reason,
    )
    post_id = post.pk
    post.delete()
    last = thread.posts.order_by("-id").first()
    thread.post_count = thread.posts.count()
    thread.last_post = last
    thread.save(update_fields=["post_count", "last_post"])
    live.publish(thread.topic, "post.deleted", {"post_id": post_id})


def _thread_flag(
    *,
    moderator: AbstractUser,
    thread: Thread,
    reason: str,
    field: str,
    value: bool,
    kind: str,
    reason_code: str,
) -> Thread:
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("board__dong", "author")
        .get(pk=thread.pk)
    )
    reason = _require_moderator(moderator, thread.board, reason)
    reason_code = _check_reason_code(reason_code)
    setattr(thread, field, value)
    thread.save(update_fields=[field])
    moderation_log(
        moderator=moderator,
        reason_code=reason_code,
        kind=kind,
        thread=thread,
        post=None,
        reason=reason,
    )
    data = {
        "thread_id": thread.pk,
        "locked": thread.is_locked,
        "pinned": thread.is_pinned,
        "hidden": thread.is_hidden,
    }
    live.publish(thread.topic, "thread.changed", data)
    live.publish(thread.board.topic, "thread.changed", data)
    return thread


@live.atomic
def thread_lock(
    *,
    moderator: AbstractUser,
    thread: Thread,
    reason: str,
    locked: bool = True,
    reason_code: str = ModerationReason.OTHER,
) -> Thread:
    kind = Kind.LOCK if locked else Kind.UNLOCK
    return _thread_flag(
        moderator=moderator,
        thread=thread,
        reason=reason,
        field="is_locked",
        value=locked,
        kind=kind,
        reason_code=reason_code,
    )


@live.atomic
def thread_pin(
    *,
    moderator: AbstractUser,
    thread: Thread,
    reason: str,
    pinned: bool = True,
    reason_code: str = ModerationReason.OTHER,
) -> Thread:
    kind = Kind.PIN if pinned else Kind.UNPIN
    return _thread_flag(
        moderator=moderator,
        thread=thread,
        reason=reason,
        field="is_pinned",
        value=pinned,
        kind=kind,
        reason_code=reason_code,
    )


@live.atomic
def thread_hide(
    *,
    moderator: AbstractUser,
    thread: Thread,
    reason: str,
    hidden: bool = True,
    reason_code: str = ModerationReason.OTHER,
) -> Thread:
    kind = Kind.HIDE if hidden else Kind.RESTORE
    return _thread_flag(
        moderator=moderator,
        thread=thread,
        reason=reason,
        field="is_hidden",
        value=hidden,
        kind=kind,
        reason_code=reason_code,
    )


@live.atomic
def thread_move(
    *,
    moderator: AbstractUser,
    thread: Thread,
    board: Board,
    reason: str,
    reason_code: str = ModerationReason.OTHER,
) -> Thread:
    """Move a thread to another board; the moderator must be allowed on both."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("board__dong", "author")
        .get(pk=thread.pk)
    )
    reason = _require_moderator(moderator, thread.board, reason)
    reason_code = _check_reason_code(reason_code)
    if not permissions.can_moderate(moderator, board):
        raise PermissionDenied
    if board.pk == thread.board_id:
        raise ValidationError({"board": _("The thread is already on that board.")})
    old_board = thread.board
    thread.board = board
    thread.save(update_fields=["board"])
    moderation_log(
        moderator=moderator,
        reason_code=reason_code,
        kind=Kind.MOVE,
        thread=thread,
        post=None,
        reason=reason,
    )
    data = {
        "thread_id": thread.pk,
        "from_board": old_board.pk,
        "to_board": board.pk,
        "url": thread.get_absolute_url(),
    }
    for topic in (thread.topic, old_board.topic, board.topic):
        live.publish(topic, "thread.moved", data)
    return thread
