"""The ballot's live topic: participation counts and the agenda reach open pages; choices never travel."""

import pytest
from channels.db import database_sync_to_async

from tests.forums.test_live import open_socket, receive_events, subscribe
from tests.votes.conftest import answers_for, declaration, make_ballot
from votes import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setting(district, make_user):
    dong = next(d for d in district if d.slug == "yeoksam-1")
    leader = make_user(groups=[dong.leaders_group])
    return dong, leader, make_ballot(leader, dong)


async def test_a_vote_reaches_the_screen_as_a_count_without_choices(setting, make_user):
    dong, leader, ballot = setting
    resident = await database_sync_to_async(make_user)(home_dong=dong)
    socket = await open_socket()
    assert (await subscribe(socket, ballot.topic))["type"] == "subscribed"
    await database_sync_to_async(
        lambda: services.vote_cast(
            user=resident,
            ballot=ballot,
            declaration=declaration(dong),
            answers=answers_for(ballot),
        )
    )()
    (frame,) = await receive_events(socket, 1)
    assert frame["event"] == "participation.changed"
    assert frame["data"] == {"ballot_id": ballot.pk, "participants": 1}
    item = await database_sync_to_async(
        lambda: ballot.questions.first().items.first()
    )()
    await database_sync_to_async(services.agenda_advance)(
        officer=leader, ballot=ballot, item=item
    )
    (frame,) = await receive_events(socket, 1)
    assert frame["event"] == "agenda.changed" and frame["data"]["item_id"] == item.pk
    await socket.disconnect()


async def test_a_draft_ballot_cannot_be_followed(setting):
    dong, leader, _ballot = setting
    draft = await database_sync_to_async(make_ballot)(
        leader, dong, publish=False, title="초안"
    )
    socket = await open_socket()
    reply = await subscribe(socket, draft.topic)
    assert reply["type"] == "error"
    await socket.disconnect()
