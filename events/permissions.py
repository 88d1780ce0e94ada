"""Who may organise events on a board: the same people who moderate it."""

from django.contrib.auth.models import AnonymousUser, User

from forums.models import Board
from forums.permissions import can_moderate


def can_organise(user: User | AnonymousUser, board: Board) -> bool:
    """A dong's leaders on its boards, facilitators on their audience board, district staff anywhere."""
    return can_moderate(user, board)
