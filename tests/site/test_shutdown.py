"""A deploy stops a server in seconds: SIGTERM ends uvicorn whatever state its sockets are in.

Before the fix, every socket had its own channel-layer reader that nothing used;
on channels-redis a socket closed by its client left that reader's task
uncancellable, and uvicorn sat at "Waiting for background tasks to complete"
until SIGKILL.
"""

import asyncio
import functools
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import websockets

from tests.servers import ROOT, RedisProcess, migrated_sqlite_site, start_uvicorn

BACKLOG = 1000  # LIVE_EVENT_KEEP_PER_TOPIC: the most a reconnecting client is sent
MAKE_BACKLOG = f"""
from forums.models import Board
from district.models import LiveEvent, LiveTopic
board = Board.objects.order_by("pk").first()
topic = f"board:{{board.pk}}"
LiveEvent.objects.bulk_create(
    LiveEvent(topic=topic, seq=seq, type="thread.created",
              data={{"thread_id": seq, "title": "x" * 4000}})
    for seq in range(1, {BACKLOG} + 1)
)
LiveTopic.objects.update_or_create(topic=topic, defaults={{"last_seq": {BACKLOG}}})
print(topic)
"""


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    env = migrated_sqlite_site(tmp_path_factory.mktemp("shutdown"))
    topic = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", MAKE_BACKLOG],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return env, topic


async def open_sockets_in_every_state(port: int, topic: str) -> list:
    url, origin = f"ws://127.0.0.1:{port}/ws/live/", f"http://127.0.0.1:{port}"
    connect = functools.partial(websockets.connect, origin=origin, close_timeout=0.5)
    held = []
    for _ in range(3):  # connected and closed by the client without subscribing
        socket = await connect(url)
        await socket.close()
    for _ in range(3):  # connected, not subscribed
        held.append(await connect(url))
    for _ in range(3):  # subscribed
        socket = await connect(url)
        await socket.send(json.dumps({"type": "subscribe", "topic": topic}))
        assert json.loads(await socket.recv())["type"] == "subscribed"
        held.append(socket)
    for _ in range(3):  # subscribed, then closed by the client
        socket = await connect(url)
        await socket.send(json.dumps({"type": "subscribe", "topic": topic}))
        await socket.recv()
        await socket.close()
    for _ in range(3):  # asked for the whole backlog and stopped reading in the middle
        socket = await connect(url, max_queue=1)
        await socket.send(json.dumps({"type": "subscribe", "topic": topic, "after": 0}))
        assert json.loads(await socket.recv())["type"] == "subscribed"
        assert json.loads(await socket.recv())["seq"] == 1
        held.append(socket)
    return held


async def stop_and_time(process: subprocess.Popen) -> float:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    while process.poll() is None and time.monotonic() - started < 15:
        await asyncio.sleep(0.05)
    return time.monotonic() - started


@pytest.mark.parametrize(
    "layer", ["memory", pytest.param("redis", marks=pytest.mark.redis)]
)
async def test_sigterm_stops_a_server_holding_sockets_in_every_state_within_10_s(
    served_site, layer
):
    env, topic = served_site
    redis = RedisProcess()
    if layer == "redis":
        redis.start()
        env = {**env, "REDIS_URL": redis.url}
    process, port = start_uvicorn(env)
    try:
        held = await open_sockets_in_every_state(port, topic)
        await asyncio.sleep(0.3)
        took = await stop_and_time(process)
        assert process.poll() is not None, "uvicorn still running 15 s after SIGTERM"
        assert took < 10, f"uvicorn took {took:.1f} s to stop"
        # uvicorn re-raises the signal after its graceful shutdown: -SIGTERM, not a crash
        assert process.returncode in (0, -signal.SIGTERM)
        for socket in held:
            await socket.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        redis.stop()
