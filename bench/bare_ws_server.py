"""The floor: one bare `websockets` process that broadcasts in-process.

A connection on path /publish is a publisher: each text frame it sends is
broadcast (websockets.broadcast) to every other open connection. Any other path
is a subscriber that only receives.

  python bench/bare_ws_server.py --port 8201
"""

import argparse
import asyncio
import signal

from websockets.asyncio.server import broadcast, serve

subscribers: set = set()


async def handler(ws) -> None:
    if ws.request.path == "/publish":
        async for message in ws:
            broadcast(subscribers, message)
        return
    subscribers.add(ws)
    try:
        await ws.wait_closed()
    finally:
        subscribers.discard(ws)


async def main(port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(handler, "127.0.0.1", port, max_queue=None, backlog=2048):
        await stop


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--no-uvloop", action="store_true")
    args = parser.parse_args()
    if args.no_uvloop:
        asyncio.run(main(args.port))
    else:
        # uvicorn uses uvloop when installed (loop "auto"); the floor does too, for a fair floor.
        import uvloop

        uvloop.run(main(args.port))
