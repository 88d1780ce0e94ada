"""The append-only moderation log, and telling the author what was done and why."""

from django.contrib.auth.models import AbstractUser
from django.urls import reverse

from district.services import notification_create
from forums.models import ModerationAction, Post, Thread

Kind = ModerationAction.Kind
# Actions against an author's content: the author reads why on the action's page, and may appeal.
AGAINST_AUTHOR = (
    Kind.HIDE,
    Kind.AUTO_HIDE,
    Kind.LOCK,
    Kind.DELETE,
    Kind.MOVE,
    Kind.EDIT,
)


def _summary(thread: Thread, post: Post | None) -> str:
    if post is None:
        return thread.title[:200]
    return f"{thread.title[:80]} · #{post.pk}: {post.body[:100]}"


def moderation_log(
    *,
    moderator: AbstractUser | None,
    kind: str,
    thread: Thread,
    post: Post | None,
    reason: str,
    reason_code: str = "other",
    notify: bool = True,
) -> ModerationAction:
    """Write the moderation log entry and (unless `notify` is off) tell the author.

    Runs inside the caller's `live.atomic` block (the notification rings then).
    """
    target = post.author if post is not None else thread.author
    action = ModerationAction.objects.create(
        moderator=moderator,
        kind=kind,
        board=thread.board,
        thread=thread,
        post=post,
        target_author=target,
        summary=_summary(thread, post),
        reason=reason,
        reason_code=reason_code,
    )
    if not notify or (moderator is not None and target.pk == moderator.pk):
        return action
    # Where the author reads what was done and why, and may appeal it.
    url = (
        reverse("moderation:appeal", args=["action", action.pk])
        if kind in AGAINST_AUTHOR
        else thread.get_absolute_url()
    )
    notification_create(
        user=target,
        kind="moderation",
        url=url,
        params={
            "title": thread.title,
            "action": kind,
            "reason": reason,
            "reason_code": reason_code,
        },
    )
    return action
