"""Bare Channels baseline: every socket joins group "bench"; each group message is forwarded as JSON.

Serve with (cwd /work/main):
  DJANGO_SETTINGS_MODULE=bare_settings python -m uvicorn bare_channels_app:application \
      --app-dir bench --host 127.0.0.1 --port 8101
A publisher calls `channel_layer.group_send("bench", {"type": "bench.message", ...})`.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bare_settings")

import django

django.setup()

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

GROUP = "bench"


class BenchConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def bench_message(self, message: dict) -> None:
        await self.send_json({k: v for k, v in message.items() if k != "type"})


async def _no_http(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 404, "headers": []})
    await send({"type": "http.response.body", "body": b""})


application = ProtocolTypeRouter(
    {
        "http": _no_http,
        "websocket": URLRouter([path("ws/bench/", BenchConsumer.as_asgi())]),
    }
)
