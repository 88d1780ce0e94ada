"""The /ws/live/ socket under the full ASGI application: origin check and frame validation."""

import pytest
from channels.testing import WebsocketCommunicator

from district.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(origin: bytes | None):
    headers = [(b"origin", origin)] if origin else []
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


async def test_socket_from_the_sites_origin_answers_ping():
    communicator, connected = await connect(b"http://localhost")
    assert connected
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.parametrize("origin", [b"https://evil.example.com", None])
async def test_socket_from_a_foreign_or_missing_origin_is_refused(origin):
    communicator, connected = await connect(origin)
    assert not connected
    await communicator.disconnect()


@pytest.mark.parametrize(
    "frame, code",
    [
        ("not json", "not_json"),
        ("[1, 2]", "not_object"),
        ('{"type": "launch"}', "unknown_type"),
        ("x" * 5000, "too_large"),
    ],
)
async def test_bad_frames_get_an_error_and_the_socket_stays_open(frame, code):
    communicator, _ = await connect(b"http://localhost")
    await communicator.send_to(text_data=frame)
    assert await communicator.receive_json_from() == {"type": "error", "code": code}
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()
