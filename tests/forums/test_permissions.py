"""Role × action matrix on an association board and on a district-wide audience board."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from forums import permissions, services

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "resident", "other_leader", "own_leader", "facilitator", "staff")


@pytest.fixture
def people(old_user, board, other_board):
    return {
        "anonymous": AnonymousUser(),
        "resident": old_user(),
        "other_leader": old_user(groups=[other_board.dong.leaders_group]),
        "own_leader": old_user(groups=[board.dong.leaders_group]),
        "facilitator": old_user(
            groups=[Group.objects.get(name="Facilitators · Youth")]
        ),
        "staff": old_user(groups=[Group.objects.get(name="District staff")]),
    }


# (board fixture, role) -> (read, post, moderate)
EXPECTED = {
    "board": {
        "anonymous": (True, False, False),
        "resident": (True, True, False),
        "other_leader": (True, True, False),
        "own_leader": (True, True, True),
        "facilitator": (True, True, False),
        "staff": (True, True, True),
    },
    "youth_board": {
        "anonymous": (True, False, False),
        "resident": (True, True, False),
        "other_leader": (True, True, False),
        "own_leader": (True, True, False),
        "facilitator": (True, True, True),
        "staff": (True, True, True),
    },
}


@pytest.mark.parametrize("board_name", ["board", "youth_board"])
def test_role_matrix(request, people, board_name, old_user):
    target = request.getfixturevalue(board_name)
    author = old_user()
    thread = services.thread_create(
        author=author, board=target, title="모임 안내", body="다음 주 모임"
    )
    for role in ROLES:
        user = people[role]
        read, post, moderate = EXPECTED[board_name][role]
        assert permissions.can_read_thread(user, thread) is read, role
        assert permissions.can_reply(user, thread) is post, role
        assert permissions.can_moderate(user, target) is moderate, role


def test_hidden_thread_is_readable_by_its_moderators_only(people, board, old_user):
    thread = services.thread_create(
        author=old_user(), board=board, title="숨길 글", body="내용입니다"
    )
    thread = services.thread_hide(
        moderator=people["own_leader"], thread=thread, reason="개인정보"
    )
    visible = {
        role for role in ROLES if permissions.can_read_thread(people[role], thread)
    }
    assert visible == {"own_leader", "staff"}


def test_moderation_queue_shows_only_boards_the_user_moderates(
    people, board, youth_board
):
    assert set(permissions.moderated_boards(people["own_leader"])) == {board}
    assert set(permissions.moderated_boards(people["facilitator"])) == {youth_board}
    assert set(permissions.moderated_boards(people["resident"])) == set()
    assert permissions.moderated_boards(people["staff"]).count() == 25
