from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from forums.models import Board


def soon(days=7, hour=14):
    """A time `days` ahead at `hour` o'clock in Seoul."""
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def board(district):
    return Board.objects.select_related("dong").get(slug="yeoksam-1")


@pytest.fixture
def leader(make_user, board):
    return make_user(groups=[board.dong.leaders_group])


def make_event(leader, board, **fields):
    start = fields.pop("starts_at", soon())
    return services.event_create(
        organiser=leader,
        board=board,
        title=fields.pop("title", "어르신 차 모임"),
        description=fields.pop("description", "함께 **차**를 마셔요"),
        starts_at=start,
        ends_at=fields.pop("ends_at", start + timedelta(hours=2)),
        **fields,
    )


@pytest.fixture
def facilitator(make_user):
    from django.contrib.auth.models import Group

    return make_user(groups=[Group.objects.get(name="Facilitators · Youth")])


@pytest.fixture
def staff(make_user):
    from django.contrib.auth.models import Group

    return make_user(groups=[Group.objects.get(name="District staff")])


def make_proposal(proposer, board, **fields):
    start = fields.pop("starts_at", soon())
    return services.event_propose(
        proposer=proposer,
        board=board,
        title=fields.pop("title", "골목 벼룩시장"),
        description=fields.pop("description", "물건을 나눠요"),
        starts_at=start,
        ends_at=fields.pop("ends_at", start + timedelta(hours=3)),
        **fields,
    )
