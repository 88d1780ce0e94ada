import pytest
from django.contrib.auth.models import Group

from forums import services
from forums.models import Board


@pytest.fixture
def board(district):
    return Board.objects.select_related("dong").get(slug="yeoksam-1")


@pytest.fixture
def other_board(district):
    return Board.objects.select_related("dong").get(slug="segok")


@pytest.fixture
def youth_board(district):
    return Board.objects.get(slug="youth")


@pytest.fixture
def old_user(make_user):
    """A resident whose account is older than the new-account limits."""

    def make(**kwargs):
        from datetime import timedelta

        from django.utils import timezone

        user = make_user(**kwargs)
        user.date_joined = timezone.now() - timedelta(days=30)
        user.save(update_fields=["date_joined"])
        return user

    return make


@pytest.fixture
def resident(old_user):
    return old_user(display_name="민지")


@pytest.fixture
def neighbour(old_user):
    return old_user(display_name="Tuan")


@pytest.fixture
def leader(old_user, board):
    return old_user(display_name="역삼회장", groups=[board.dong.leaders_group])


@pytest.fixture
def staff(
    old_user, district
):  # district: the groups exist again after a transactional test
    return old_user(
        display_name="구청", groups=[Group.objects.get(name="District staff")]
    )


@pytest.fixture
def thread(resident, board):
    return services.thread_create(
        author=resident,
        board=board,
        title="주차 문제 논의",
        body="골목 주차가 어렵습니다.",
    )


@pytest.fixture
def no_rate_limit(settings):
    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 0
