"""Forums' part of due process: how an appeal against a moderation-log entry is decided and undone,
and the counts of actions for the transparency report. Registered from `ForumsConfig.ready()`.

Who decides: anyone who runs the board (`permissions.can_moderate`: the
association's leaders, the board's facilitators, district staff), never the
moderator who acted (the kernel's `can_decide_appeal` refuses them). Who is
told: the board's other first-line moderators and, for an association's
board, district staff as well (the escalation); where nobody else runs the
board, district staff.
"""

from django.db.models import Count, Q
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from district.moderation.registry import (
    AppealHandler,
    register_action_source,
    register_appeal_handler,
)
from district.roles import district_staff
from forums import permissions
from forums.models import ModerationAction

Kind = ModerationAction.Kind
# What an appeal can undo, and how.
APPEALABLE = (Kind.HIDE, Kind.AUTO_HIDE, Kind.LOCK)
# What the transparency report counts as an action against content.
REPORTED = (Kind.HIDE, Kind.AUTO_HIDE, Kind.LOCK, Kind.DELETE)


def _is_appealable(action: ModerationAction) -> bool:
    if action.kind not in APPEALABLE or action.thread_id is None:
        return False
    if action.kind == Kind.LOCK:
        return action.thread.is_locked
    if action.post_id is not None:
        return action.post.is_hidden
    return action.thread.is_hidden  # a hidden thread


def _reverse(*, decider, target: ModerationAction, reason: str) -> None:
    from forums import services

    code = target.reason_code
    if target.kind == Kind.LOCK:
        if target.thread.is_locked:
            services.thread_lock(
                moderator=decider,
                thread=target.thread,
                reason=reason,
                locked=False,
                reason_code=code,
            )
    elif target.post_id is not None:
        if target.post.is_hidden:
            services.post_restore(
                moderator=decider, post=target.post, reason=reason, reason_code=code
            )
    elif target.thread.is_hidden:
        services.thread_hide(
            moderator=decider,
            thread=target.thread,
            reason=reason,
            hidden=False,
            reason_code=code,
        )


def _reviewers(action: ModerationAction):
    board = action.board
    first_line = permissions.moderators_of(board, first_line=True)
    if board.dong_id is None:
        return first_line
    # An association's appeal goes to district staff as well.
    return first_line.model.objects.filter(
        Q(pk__in=first_line.values("pk")) | Q(pk__in=district_staff().values("pk"))
    ).distinct()


def _content_url(action: ModerationAction) -> str:
    """Where the author sees the content: their own hidden post stays visible to them; a hidden thread does not."""
    if action.thread_id is None or action.thread.is_hidden:
        return ""
    if action.post_id is not None:
        return action.post.get_absolute_url()
    return action.thread.get_absolute_url()


def actions_by_quarter() -> list[dict]:
    rows = (
        ModerationAction.objects.filter(kind__in=REPORTED)
        .annotate(
            quarter=TruncQuarter("created_at", tzinfo=timezone.get_current_timezone())
        )
        .values("quarter", "board__dong_id", "reason_code")
        .annotate(n=Count("id"))
    )
    return [
        {
            "quarter": r["quarter"],
            "association_id": r["board__dong_id"],
            "reason_code": r["reason_code"],
            "n": r["n"],
        }
        for r in rows
    ]


def register() -> None:
    register_appeal_handler(
        AppealHandler(
            key="action",
            model=ModerationAction,
            author_id=lambda a: a.target_author_id,
            acted_by_id=lambda a: a.moderator_id,
            acted_at=lambda a: a.created_at,
            reason_code=lambda a: a.reason_code,
            reason_text=lambda a: a.reason,
            association=lambda a: a.board.dong,
            summary=lambda a: a.summary,
            label=lambda a: str(a.get_kind_display()),
            appealable=_is_appealable,
            may_decide=lambda user, a: permissions.can_moderate(user, a.board),
            reviewers=_reviewers,
            reverse=_reverse,
            content_url=_content_url,
        )
    )
    register_action_source(actions_by_quarter)
