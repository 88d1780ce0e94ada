"""Counts published after commit (district.live.state): the newest one wins, nobody publishes for ever."""

import threading

import pytest

from district.live import state
from district.models import LiveEvent

pytestmark = pytest.mark.django_db

TOPIC = "thread:424242"


@pytest.fixture
def counter():
    """A registered kind whose state is a number the test moves while it is being published."""
    box = {"n": 0, "reads": 0, "during_read": None}

    def read(pk):
        box["reads"] += 1
        value = box["n"]  # what was committed when the read ran
        hook, box["during_read"] = box["during_read"], None
        if hook:
            hook()
        return [TOPIC], {"n": value}

    state.register_state("teststate", "test.changed", read)
    yield box
    state._readers.pop("teststate", None)


def published():
    return [
        e.data["n"]
        for e in LiveEvent.objects.filter(topic=TOPIC, type="test.changed").order_by(
            "seq"
        )
    ]


def test_a_change_made_while_another_thread_publishes_is_published_by_it(counter):
    came_back = []

    def another_writer():
        # Another request commits a change and asks to publish while ours is reading.
        counter["n"] = 2

        def ask():
            state.flush_state("teststate", 1)
            came_back.append(True)

        thread = threading.Thread(target=ask)
        thread.start()
        thread.join(timeout=10)

    counter["n"] = 1
    counter["during_read"] = another_writer
    state.flush_state("teststate", 1)
    assert came_back == [True]  # it did not wait nor publish itself...
    assert published() == [1, 2]  # ...ours went round again and published its change
    assert counter["reads"] == 2


def test_a_publisher_that_keeps_being_asked_hands_over_to_the_task_queue(
    counter, settings
):
    settings.LIVE_STATE_PUBLISH_SECONDS = 0

    def keep_moving():
        counter["n"] += 1
        thread = threading.Thread(target=state.flush_state, args=("teststate", 1))
        thread.start()
        thread.join(timeout=10)

    counter["during_read"] = keep_moving
    state.flush_state("teststate", 1)
    # Our one turn published 0 (read before the change); the change came during
    # it, the time was up, and the task (run at once by the test backend)
    # published 1.
    assert published() == [0, 1]
    # A task that finds the newest state already published writes nothing.
    state.publish_state_task.call("teststate", 1)
    assert published() == [0, 1]
