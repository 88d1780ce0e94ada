"""Forum writes, by sub-domain: `posting` (threads, replies, edits, reactions),
`moderation` (reports and moderators' actions), `reading` (read markers and
board visits), `boards` (the boards a district starts with); `limits` and
`log` are their shared parts.

Each write checks permission, runs inside `district.live.atomic`, and
publishes its live updates from there. The names below are the app's public
writes, so callers say `services.post_create(...)`.
"""

from forums.services.boards import (
    AUDIENCE_BOARDS,
    boards_ensure,
    boards_follow_dong_rename,
)
from forums.services.moderation import (
    post_delete,
    post_hide,
    post_restore,
    report_create,
    report_dismiss,
    thread_hide,
    thread_lock,
    thread_move,
    thread_pin,
)
from forums.services.posting import (
    post_create,
    post_delete_own,
    post_edit,
    post_payload,
    reaction_toggle,
    thread_create,
)
from forums.services.reading import board_visit, mark_read

__all__ = [
    "AUDIENCE_BOARDS",
    "board_visit",
    "boards_ensure",
    "boards_follow_dong_rename",
    "mark_read",
    "post_create",
    "post_delete",
    "post_delete_own",
    "post_edit",
    "post_hide",
    "post_payload",
    "post_restore",
    "reaction_toggle",
    "report_create",
    "report_dismiss",
    "thread_create",
    "thread_hide",
    "thread_lock",
    "thread_move",
    "thread_pin",
]
