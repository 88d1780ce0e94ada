from datetime import timedelta

import pytest
from django.contrib.auth.models import Group

from dong.models import DongPage
from proposals import services
from proposals.models import Cycle, Phase, today


def cycle_dates(phase: str = Phase.PROPOSING) -> dict:
    """Dates that put a cycle in `phase` today (Seoul), each phase lasting a month."""
    order = [
        Phase.PROPOSING,
        Phase.SCREENING,
        Phase.DELIBERATION,
        Phase.SELECTION,
        Phase.IMPLEMENTATION,
        Phase.CLOSED,
    ]
    day = today()
    if phase == Phase.UPCOMING:
        start = day + timedelta(days=10)
    else:
        start = day - timedelta(days=30 * order.index(phase) + 10)
    names = (
        "proposing_from",
        "screening_from",
        "deliberation_from",
        "selection_from",
        "implementation_from",
        "ends_on",
    )
    return {name: start + timedelta(days=30 * i) for i, name in enumerate(names)}


def make_cycle(dong=None, phase: str = Phase.PROPOSING, **fields) -> Cycle:
    cycle = Cycle(
        dong=dong,
        name=fields.pop("name", "2026 주민참여예산"),
        year=fields.pop("year", today().year),
        budget=fields.pop("budget", 100_000_000),
        **cycle_dates(phase),
        **fields,
    )
    return services.cycle_create(actor=None, cycle=cycle)


def set_phase(cycle: Cycle, phase: str) -> Cycle:
    for name, value in cycle_dates(phase).items():
        setattr(cycle, name, value)
    cycle.save()
    return cycle


@pytest.fixture
def dong(district) -> DongPage:
    return DongPage.objects.select_related("leaders_group").get(slug="yeoksam-1")


@pytest.fixture
def other_dong(district) -> DongPage:
    return DongPage.objects.select_related("leaders_group").get(slug="sinsa")


@pytest.fixture
def cycle(dong) -> Cycle:
    return make_cycle(dong)


@pytest.fixture
def leader(make_user, dong):
    return make_user(groups=[dong.leaders_group])


@pytest.fixture
def other_leader(make_user, other_dong):
    return make_user(groups=[other_dong.leaders_group])


@pytest.fixture
def staff(make_user):
    return make_user(groups=[Group.objects.get(name="District staff")])


@pytest.fixture
def facilitator(make_user):
    return make_user(groups=[Group.objects.get(name="Facilitators · Youth")])


@pytest.fixture
def author(make_user):
    return make_user(display_name="제안자")


@pytest.fixture
def resident(make_user):
    return make_user()


def make_proposal(author, cycle, **fields):
    return services.proposal_create(
        author=author,
        cycle=cycle,
        title=fields.pop("title", "골목길 가로등 설치"),
        description=fields.pop(
            "description", "어두운 골목에 **가로등**을 달아 주세요."
        ),
        category=fields.pop("category", "safety"),
        **fields,
    )


@pytest.fixture
def proposal(author, cycle):
    return make_proposal(author, cycle)


def supporters(make_user, count: int) -> list:
    return [make_user() for _ in range(count)]


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the source language); pages in other languages are tested apart."""
    from django.utils import translation

    with translation.override("en"):
        yield
