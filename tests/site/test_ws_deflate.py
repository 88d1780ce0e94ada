"""permessage-deflate on /ws/live/ follows DONGNE_WS_PERMESSAGE_DEFLATE (off by default).

uvicorn negotiates compression before the application sees a socket, so the
setting reaches it as a flag: `manage.py serve` adds the project's socket flags
to a uvicorn command (district.consumers.uvicorn_socket_options).
"""

import asyncio
import os
import subprocess
import sys

import pytest
import websockets
from django.conf import settings as django_settings

from district.management.commands.serve import with_socket_options
from tests.servers import ROOT, free_port, wait_until_up

UVICORN = [sys.executable, "-m", "uvicorn", "district.asgi:application"]


def start(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_until_up(port)
    except RuntimeError:
        process.kill()
        raise
    return process


def test_deflate_is_off_unless_configured():
    assert django_settings.DONGNE_WS_PERMESSAGE_DEFLATE is False


@pytest.mark.parametrize("deflate", [False, True])
def test_serve_adds_the_socket_flags_a_uvicorn_command_lacks(settings, deflate):
    settings.DONGNE_WS_PERMESSAGE_DEFLATE = deflate
    assert with_socket_options([*UVICORN, "--port", "8000"]) == [
        *UVICORN,
        "--port",
        "8000",
        "--ws-max-size",
        "65536",
        "--ws-per-message-deflate",
        "true" if deflate else "false",
        "--timeout-graceful-shutdown",
        "5",
    ]


def test_serve_keeps_flags_given_and_leaves_other_servers_alone(settings):
    settings.DONGNE_WS_PERMESSAGE_DEFLATE = False
    given = [".venv/bin/uvicorn", "app", "--ws-max-size", "1024"]
    assert with_socket_options([*given, "--ws-per-message-deflate=true"]) == [
        *given,
        "--ws-per-message-deflate=true",
        "--timeout-graceful-shutdown",
        "5",
    ]
    assert with_socket_options(given) == [
        *given,
        "--ws-per-message-deflate",
        "false",
        "--timeout-graceful-shutdown",
        "5",
    ]
    other = ["gunicorn", "district.wsgi"]
    assert with_socket_options(other) == other


@pytest.mark.parametrize("deflate", [False, True])
async def test_a_real_server_compresses_only_when_the_setting_says_so(
    tmp_path, settings, deflate
):
    """A browser offers permessage-deflate; the server accepts the offer only with the setting on."""
    settings.DONGNE_WS_PERMESSAGE_DEFLATE = deflate
    port = free_port()
    command = with_socket_options(
        [*UVICORN, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    )
    # An anonymous socket needs no database: an empty one will do.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "district.settings.dev",
        "DONGNE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
    }
    process = await asyncio.to_thread(start, command, env, port)
    try:
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/live/",
            origin=f"http://127.0.0.1:{port}",
            compression="deflate",
        ) as socket:
            extensions = socket.response.headers.get("Sec-WebSocket-Extensions") or ""
            await socket.send('{"type": "ping"}')
            assert '"pong"' in await socket.recv()
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert ("permessage-deflate" in extensions) is deflate
