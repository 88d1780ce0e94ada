"""Event pages and event boards follow sign-ups and cancellations live, with the forums' resume guarantees."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from events import services
from forums.models import Board
from tests.forums.test_live import open_socket, receive_events, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def board(db):
    # Not the seeded district: transactional tests empty the database behind them.
    return Board.objects.create(
        name="실시간 행사", name_en="Live events", slug="live-events"
    )


@pytest.fixture
def setting(board, make_user):
    leader = make_user(is_superuser=True)
    start = timezone.now() + timedelta(days=3)
    event = services.event_create(
        organiser=leader,
        board=board,
        title="실시간 행사",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=5,
    )
    return board, leader, event


async def test_a_sign_up_reaches_the_event_page_and_its_board(setting, make_user):
    board, _leader, event = setting
    occurrence = await database_sync_to_async(event.occurrences.get)()
    resident = await database_sync_to_async(make_user)()
    socket = await open_socket()
    assert (await subscribe(socket, event.topic))["type"] == "subscribed"
    assert (await subscribe(socket, board.topic))["type"] == "subscribed"
    await database_sync_to_async(services.rsvp_set)(
        user=resident, occurrence=occurrence, going=True, guests=1
    )
    frames = await receive_events(socket, 2)
    by_topic = {f["topic"]: f for f in frames}
    assert by_topic[event.topic]["event"] == "rsvp.changed"
    assert by_topic[event.topic]["data"]["places_left"] == 3
    assert by_topic[board.topic]["data"]["event_id"] == event.pk
    await socket.disconnect()


async def test_a_missed_cancellation_is_replayed_on_reconnect(setting):
    _board, leader, event = setting
    socket = await open_socket()
    last = (await subscribe(socket, event.topic))["seq"]
    await socket.disconnect()
    await database_sync_to_async(services.event_cancel)(
        actor=leader, event=event, reason="정전"
    )
    socket = await open_socket()
    await subscribe(socket, event.topic, after=last)
    (frame,) = await receive_events(socket, 1)
    assert frame["event"] == "event.cancelled" and frame["seq"] == last + 1
    await socket.disconnect()


async def test_a_proposal_cannot_be_followed_by_others(board, make_user):
    proposer = await database_sync_to_async(make_user)()
    start = timezone.now() + timedelta(days=3)
    proposal = await database_sync_to_async(services.event_propose)(
        proposer=proposer,
        board=board,
        title="제안",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    stranger = await open_socket(await database_sync_to_async(make_user)())
    assert (await subscribe(stranger, proposal.topic))["type"] == "error"
    await stranger.disconnect()
    reviewer = await open_socket(
        await database_sync_to_async(make_user)(is_superuser=True)
    )
    assert (await subscribe(reviewer, proposal.topic))["type"] == "subscribed"
    await reviewer.disconnect()
