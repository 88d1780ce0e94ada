"""The channel layer's sends to many groups at once (district.live.layer): order, members, capacity, expiry."""

import secrets

import pytest
from django.conf import settings

from district.live.layer import LiveChannelLayer

pytestmark = pytest.mark.redis


@pytest.fixture
def prefix():
    return f"test-{secrets.token_hex(4)}"


def make_layer(prefix):
    return LiveChannelLayer(
        hosts=[settings.REDIS_URL], prefix=prefix, capacity=3, group_expiry=60
    )


@pytest.fixture
async def layer(prefix):
    layer = make_layer(prefix)
    yield layer
    await layer.flush()


async def test_messages_to_several_groups_arrive_in_the_order_sent(layer):
    hub = await layer.new_channel()  # one process's hub, in both groups
    other = await layer.new_channel()
    await layer.group_add("event-1", hub)
    await layer.group_add("board-1", hub)
    await layer.group_add("board-1", other)
    await layer.group_send_many(
        [
            ("event-1", {"type": "t", "n": 1}),
            ("board-1", {"type": "t", "n": 2}),
            ("empty", {"type": "t", "n": 0}),  # nobody listens: nothing queued
            ("event-1", {"type": "t", "n": 3}),
        ]
    )
    assert [(await layer.receive(hub))["n"] for _ in range(3)] == [1, 2, 3]
    assert (await layer.receive(other))["n"] == 2


async def test_a_full_channel_drops_its_message_and_the_others_still_get_theirs(
    layer, prefix
):
    """Two processes' hubs in one group; the slow one's queue is at capacity."""
    other_process = make_layer(prefix)
    slow, quick = await layer.new_channel(), await other_process.new_channel()
    await layer.group_add("g", slow)
    for n in range(3):  # the capacity
        await layer.send(slow, {"type": "t", "n": -n})
    await layer.group_add("g", quick)
    await layer.group_send_many([("g", {"type": "t", "n": 7})])
    assert (await other_process.receive(quick))["n"] == 7
    assert [(await layer.receive(slow))["n"] for _ in range(3)] == [0, -1, -2]
    await other_process.flush()


async def test_a_member_past_the_group_expiry_gets_nothing(layer):
    gone, here = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("g", gone)
    await layer.group_add("g", here)
    connection = layer.connection(layer.consistent_hash("g"))
    await connection.zadd(layer._group_key("g"), {gone: 1})  # joined in 1970
    await layer.group_send("g", {"type": "t", "n": 1})
    assert (await layer.receive(here))["n"] == 1
    assert await connection.zrange(layer._group_key("g"), 0, -1) == [here.encode()]


async def test_a_batch_sent_right_after_another_comes_after_all_of_it(
    layer, monkeypatch
):
    """Even when the clock has not moved between the two batches (or moved back)."""
    import types

    from district.live import layer as module

    hub = await layer.new_channel()
    await layer.group_add("g", hub)
    stopped = module.time.time()
    monkeypatch.setattr(module, "time", types.SimpleNamespace(time=lambda: stopped))
    await layer.group_send_many([("g", {"type": "t", "n": n}) for n in range(2)])
    await layer.group_send_many([("g", {"type": "t", "n": 2})])  # the capacity is 3
    assert [(await layer.receive(hub))["n"] for _ in range(3)] == [0, 1, 2]
