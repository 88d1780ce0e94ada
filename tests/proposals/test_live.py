"""Support counts follow live on the proposal's page and its cycle's lists; drafts cannot be followed."""

import pytest
from channels.db import database_sync_to_async

from proposals import services
from proposals.models import Cycle
from tests.forums.test_live import open_socket, receive_events, subscribe
from tests.proposals.conftest import cycle_dates

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setting(make_user):
    # A district-wide cycle: transactional tests empty the seeded district behind them.
    cycle = services.cycle_create(
        actor=None,
        cycle=Cycle(name="실시간 예산", year=2026, budget=10_000_000, **cycle_dates()),
    )
    author = make_user()
    proposal = services.proposal_create(
        author=author,
        cycle=cycle,
        title="실시간 공감 제안",
        description="공감 수가 실시간으로 바뀌어요",
        category="culture",
    )
    return cycle, author, proposal


async def test_a_support_reaches_the_proposal_page_and_the_cycle_list(
    setting, make_user
):
    cycle, _author, proposal = setting
    resident = await database_sync_to_async(make_user)()
    socket = await open_socket()
    assert (await subscribe(socket, proposal.topic))["type"] == "subscribed"
    assert (await subscribe(socket, cycle.topic))["type"] == "subscribed"
    await database_sync_to_async(services.support_set)(
        user=resident, proposal=proposal, support=True
    )
    frames = await receive_events(socket, 2)
    by_topic = {f["topic"]: f for f in frames}
    assert by_topic[proposal.topic]["event"] == "support.changed"
    assert by_topic[proposal.topic]["data"]["supports"] == 1
    assert by_topic[cycle.topic]["data"]["proposal_id"] == proposal.pk
    await socket.disconnect()


async def test_a_draft_cannot_be_followed_by_others(setting, make_user):
    cycle, author, _proposal = setting
    draft = await database_sync_to_async(services.proposal_create)(
        author=author,
        cycle=cycle,
        title="비공개 초안",
        description="아직 공개하지 않았어요",
        category="other",
        submit=False,
    )
    socket = await open_socket()
    answer = await subscribe(socket, draft.topic)
    assert answer["type"] == "error"
    await socket.disconnect()
