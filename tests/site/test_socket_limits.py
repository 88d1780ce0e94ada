"""One account holds at most LIVE_MAX_SOCKETS_PER_USER live sockets; frames are capped at the server."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from district.asgi import application
from district.consumers import (
    CLOSE_TOO_MANY_SOCKETS,
    MAX_FRAME_BYTES,
    SERVER_MAX_FRAME_BYTES,
)
from tests.forums.test_live import ORIGIN, open_socket, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


async def test_sockets_past_the_per_account_limit_are_closed_with_4029(
    make_user, settings
):
    settings.LIVE_MAX_SOCKETS_PER_USER = 3
    resident = await database_sync_to_async(make_user)()
    other = await database_sync_to_async(make_user)()
    held = [await open_socket(resident) for _ in range(3)]

    cookie = await database_sync_to_async(session_cookie)(resident)
    extra = WebsocketCommunicator(application, "/ws/live/", headers=[ORIGIN, cookie])
    connected, _ = await extra.connect()
    assert connected
    assert await extra.receive_json_from(timeout=5) == {
        "type": "error",
        "code": "too_many_sockets",
    }
    closed = await extra.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": CLOSE_TOO_MANY_SOCKETS}

    # Another resident is not affected, and closing a tab frees a place.
    neighbour = await open_socket(other)
    await held[0].disconnect()
    again = await open_socket(resident)
    await again.send_json_to({"type": "ping"})
    assert await again.receive_json_from(timeout=5) == {"type": "pong"}
    for socket in [*held[1:], again, neighbour]:
        await socket.disconnect()


async def test_anonymous_sockets_are_not_counted_against_anyone(settings):
    settings.LIVE_MAX_SOCKETS_PER_USER = 1
    sockets = [await open_socket() for _ in range(3)]
    for socket in sockets:
        await socket.disconnect()


def test_server_frame_cap_is_above_the_protocol_limit_and_set_where_uvicorn_starts():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert MAX_FRAME_BYTES < SERVER_MAX_FRAME_BYTES <= 1024 * 1024
    flag = f"--ws-max-size {SERVER_MAX_FRAME_BYTES}"
    assert flag in (root / "Makefile").read_text()
    servers = (root / "tests" / "servers.py").read_text()
    assert '"--ws-max-size"' in servers
    assert str(SERVER_MAX_FRAME_BYTES) in (root / "bench" / "common.py").read_text()


async def test_a_real_server_refuses_an_oversized_frame_without_reading_it(
    tmp_path,
):
    """uvicorn closes with 1009 past --ws-max-size; a frame under it but over the protocol limit gets an error."""
    import websockets

    from tests.servers import start_uvicorn

    # An anonymous socket needs no database: an empty one will do.
    env = {
        "DJANGO_SETTINGS_MODULE": "district.settings.dev",
        "DONGNE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
    }
    process, port = await database_sync_to_async(start_uvicorn)(env)
    try:
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/live/",
            origin=f"http://127.0.0.1:{port}",
            max_size=None,
        ) as socket:
            await socket.send("x" * (MAX_FRAME_BYTES + 1000))
            assert '"too_large"' in await socket.recv()
            # The server may close while the frame is still being sent: then
            # the send itself reports the close (seen in CI), else the read.
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await socket.send("x" * (SERVER_MAX_FRAME_BYTES * 16))
                await socket.recv()
            assert closed.value.rcvd.code == 1009
    finally:
        process.terminate()
        process.wait(timeout=15)
