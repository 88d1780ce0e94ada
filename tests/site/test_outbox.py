"""The live outbox: services publish from any depth; the log is written once, in topic order, just before commit."""

import threading
import time

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import close_old_connections

from district import live
from district.models import LiveEvent

pytestmark = pytest.mark.django_db


def _log(topic: str) -> list[tuple[int, str, dict]]:
    return list(
        LiveEvent.objects.filter(topic=topic)
        .order_by("seq")
        .values_list("seq", "type", "data")
    )


def _listen(topic: str) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(live.group_name(topic), channel)
    return channel


def _received(channel: str, count: int) -> list[dict]:
    layer = get_channel_layer()

    async def receive_all() -> list[dict]:
        return [await layer.receive(channel) for _ in range(count)]

    return async_to_sync(receive_all)()


@live.atomic
def inner_service(topic: str) -> None:
    live.publish(topic, "inner.done", {"n": 2})


@live.atomic
def outer_service(topic: str) -> None:
    live.publish(topic, "outer.started", {"n": 1})
    inner_service(topic)
    live.publish(topic, "outer.done", {"n": 3})


def test_a_service_calling_another_logs_every_broadcast_once_in_order_and_sends_after_commit(
    django_capture_on_commit_callbacks,
):
    channel = _listen("thread:901")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outer_service("thread:901")
        assert [t for _s, t, _d in _log("thread:901")] == [
            "outer.started",
            "inner.done",
            "outer.done",
        ]
    assert len(callbacks) == 1  # one send for the whole transaction
    frames = _received(channel, 3)
    assert [(f["seq"], f["event"]) for f in frames] == [
        (1, "outer.started"),
        (2, "inner.done"),
        (3, "outer.done"),
    ]


def test_a_nested_block_that_fails_takes_its_broadcasts_with_it():
    @live.atomic
    def failing() -> None:
        live.publish("thread:902", "never.happened")
        raise ValueError("refused")

    with live.atomic():
        live.publish("thread:902", "kept")
        with pytest.raises(ValueError):
            failing()
        live.publish("thread:902", "kept.too")
    assert [(s, t) for s, t, _d in _log("thread:902")] == [(1, "kept"), (2, "kept.too")]


def test_nothing_is_logged_or_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        live.atomic(),
    ):
        live.publish("thread:903", "lost")
        raise RuntimeError("crash before commit")
    assert _log("thread:903") == []
    assert callbacks == []


def test_publishing_outside_a_live_block_is_refused():
    with pytest.raises(RuntimeError, match="live.atomic"):
        live.publish("thread:904", "nowhere")


def test_the_log_takes_topics_in_sorted_order_whatever_order_they_were_published_in():
    with live.atomic():
        live.publish("thread:2", "b")
        live.publish("board:9", "a")
        live.publish("thread:10", "c")
    ids = dict(LiveEvent.objects.values_list("topic", "id"))
    assert ids["board:9"] < ids["thread:10"] < ids["thread:2"]


@pytest.mark.django_db(transaction=True)
def test_a_notice_sent_after_commit_in_its_own_live_block_is_logged_and_sent():
    """What a service does after its commit (a promotion notice) publishes too, not into the spent outbox."""
    from django.db import transaction

    channel = _listen("topic:after")

    def after_commit() -> None:
        with live.atomic():
            live.publish("topic:after", "notice.sent", {"n": 2})

    with live.atomic():
        live.publish("topic:before", "change.made", {"n": 1})
        transaction.on_commit(after_commit)

    assert _log("topic:after") == [(1, "notice.sent", {"n": 2})]
    assert _received(channel, 1)[0]["event"] == "notice.sent"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_touching_two_topics_in_opposite_orders_never_deadlock():
    """Writer A publishes to x then y, writer B to y then x, at the same time, many times.

    Publishing used to lock each topic's sequence row at once, so the two
    orders deadlocked (PostgreSQL aborts one with 40P01); the outbox takes both
    locks in sorted order just before commit.
    """
    rounds = 40
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(first: str, second: str) -> None:
        try:
            for n in range(rounds):
                barrier.wait(timeout=30)
                with live.atomic():
                    live.publish(first, "step", {"n": n, "from": first})
                    time.sleep(
                        0.005
                    )  # both hold their first topic here, if publishing locked
                    live.publish(second, "step", {"n": n, "from": first})
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)
            barrier.abort()
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=writer, args=("thread:71", "thread:72")),
        threading.Thread(target=writer, args=("thread:72", "thread:71")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    for topic in ("thread:71", "thread:72"):
        seqs = [seq for seq, _t, _d in _log(topic)]
        assert seqs == list(range(1, 2 * rounds + 1))  # every message once, no gaps
        sent = sorted((d["from"], d["n"]) for _s, _t, d in _log(topic))
        assert sent == sorted(
            (origin, n) for origin in ("thread:71", "thread:72") for n in range(rounds)
        )


def test_a_block_publishing_more_than_one_statement_holds_logs_every_event(settings):
    settings.LIVE_EVENT_KEEP_PER_TOPIC = 10_000  # nothing trimmed here
    count = 1_234  # more rows than one INSERT takes on either database
    with live.atomic():
        for number in range(count):
            live.publish("thread:77", "post.created", {"n": number, "text": "주민"})
    logged = _log("thread:77")
    assert [seq for seq, _, _ in logged] == list(range(1, count + 1))
    assert [data["n"] for _, _, data in logged] == list(range(count))
    assert logged[-1][1:] == ("post.created", {"n": count - 1, "text": "주민"})
