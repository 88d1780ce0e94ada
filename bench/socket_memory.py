"""Resident memory per idle WebSocket: one Dongne uvicorn process vs. one bare Channels process.

For each server: start ONE uvicorn process, warm it up (HTTP requests and a batch of
sockets opened and closed), read VmRSS from /proc/<pid>/status, open N idle sockets
(Dongne: each subscribed to a thread topic, as a thread page does; bare Channels:
connected, i.e. a member of group "bench"), wait, read VmRSS again.

  python bench/socket_memory.py --sockets 3000

Scenarios: dongne (the project's default, permessage-deflate off), dongne-deflate (on),
channels (bare consumer, uvicorn's default: on), channels-nodeflate (off). The client offers
permessage-deflate as browsers do (--no-compression: it does not).

Stops by itself; the server processes are terminated and waited for in `finally`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import fanout


async def http_get(port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), 30)
    finally:
        writer.close()
    return int(data.split(b" ", 2)[1])


async def measure(
    name: str, pid: int, port: int, url: str, subscribe, extract, args, http_paths
) -> dict:
    origin = lambda _url: f"http://127.0.0.1:{port}"
    compression = None if args.no_compression else "deflate"
    # Warm-up: the code paths of a page view and of sockets, then let it settle.
    statuses = [await http_get(port, p) for p in http_paths for _ in range(3)]
    tally = fanout.Tally()
    warm, failures = await fanout.open_subscribers(
        [url],
        args.warmup_sockets,
        origin,
        subscribe,
        extract,
        tally,
        args.batch,
        compression,
    )
    await fanout.close_subscribers(warm)
    await asyncio.sleep(args.settle)
    before = common.rss_kb(pid)
    common.log(
        f"{name}: warm RSS {before / 1024:.1f} MB (warm-up HTTP statuses {statuses})"
    )

    tally = fanout.Tally()
    t = time.perf_counter()
    subs, failures = await fanout.open_subscribers(
        [url], args.sockets, origin, subscribe, extract, tally, args.batch, compression
    )
    opened = time.perf_counter() - t
    common.log(
        f"{name}: {len(subs)} sockets open in {opened:.1f}s ({len(failures)} failed)"
    )
    await asyncio.sleep(args.wait)
    after = common.rss_kb(pid)
    closed = [s.closed for s in subs if s.closed]
    alive = len(subs) - len(closed)
    common.log(f"{name}: RSS {after / 1024:.1f} MB with {alive} sockets open")
    await fanout.close_subscribers(subs)
    return {
        "name": name,
        "opened": len(subs),
        "alive": alive,
        "failed": failures,
        "closed": closed,
        "open_s": opened,
        "before_kb": before,
        "after_kb": after,
    }


async def bench(args, servers: common.Servers, rows: list[dict]) -> None:
    info = common.prepare_database(posters=1)
    topic, thread_id = info["topic"], info["thread_id"]
    common.clean_bare_redis()

    for scenario in args.scenarios:
        # (server deflate flag, app, url path, subscribe frame, HTTP warm-up paths)
        deflate = not scenario.endswith("-nodeflate") and (
            scenario.startswith("channels") or scenario.endswith("-deflate")
        )
        port = common.free_port()
        if scenario.startswith("dongne"):
            proc = servers.uvicorn(
                scenario,
                "district.asgi:application",
                port,
                common.project_env(),
                deflate=deflate,
            )
            target = (
                f"ws://127.0.0.1:{port}/ws/live/",
                {"type": "subscribe", "topic": topic},
                fanout.key_dongne(topic),
                ["/", f"/forums/t/{thread_id}/"],
            )
        else:
            proc = servers.uvicorn(
                scenario,
                "bare_channels_app:application",
                port,
                common.bare_env(args.bare_stock_redis_timeout),
                app_dir=str(common.BENCH),
                deflate=deflate,
            )
            target = (f"ws://127.0.0.1:{port}/ws/bench/", None, fanout.key_bare, [])
        try:
            row = await measure(scenario, proc.pid, port, *target[:3], args, target[3])
            row["deflate"] = deflate
            rows.append(row)
        finally:
            servers.stop(proc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sockets", type=int, default=3000)
    parser.add_argument(
        "--batch", type=int, default=100, help="sockets opened concurrently"
    )
    parser.add_argument("--warmup-sockets", type=int, default=100)
    parser.add_argument(
        "--settle", type=float, default=3.0, help="pause before the first RSS read"
    )
    parser.add_argument(
        "--wait", type=float, default=5.0, help="pause before the second RSS read"
    )
    parser.add_argument(
        "--scenarios",
        nargs="+",
        default=["dongne", "dongne-deflate", "channels"],
        choices=["dongne", "dongne-deflate", "channels", "channels-nodeflate"],
        help="dongne: the project's default (permessage-deflate off); dongne-deflate: on; "
        "channels: bare Channels consumer with uvicorn's default (on); channels-nodeflate: off",
    )
    parser.add_argument("--no-compression", action="store_true")
    parser.add_argument("--bare-stock-redis-timeout", action="store_true")
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()

    runner = common.print_header(args.no_compression)
    servers = common.Servers()
    rows: list[dict] = []
    rc = 0
    try:
        with runner:
            runner.run(asyncio.wait_for(bench(args, servers, rows), args.max_seconds))
    except BaseException as exc:  # noqa: BLE001 - report, then clean up
        rc = 1
        import traceback

        print("RUN ABORTED:", repr(exc), file=sys.stderr)
        traceback.print_exc()
    finally:
        servers.stop_all()

    print()
    print(
        f"{'server':<19} {'deflate':>7} {'sockets':>7} {'alive':>6} {'RSS warm MB':>12} "
        f"{'RSS after MB':>13} {'delta MB':>9} {'KB/socket':>10}"
    )
    per = {}
    for r in rows:
        delta = r["after_kb"] - r["before_kb"]
        per[r["name"]] = delta / max(1, r["opened"])
        print(
            f"{r['name']:<19} {'on' if r['deflate'] else 'off':>7} {r['opened']:>7} {r['alive']:>6} "
            f"{r['before_kb'] / 1024:>12.1f} {r['after_kb'] / 1024:>13.1f} {delta / 1024:>9.1f} "
            f"{per[r['name']]:>10.1f}"
        )
    print("KB/socket = (RSS after - RSS warm) / sockets opened")
    if per.get("channels", 0) > 0:
        for name in ("dongne", "dongne-deflate"):
            if name in per:
                print(
                    f"{name} / bare Channels (uvicorn default) per socket = "
                    f"{per[name]:.1f} / {per['channels']:.1f} KB = {per[name] / per['channels']:.2f}x"
                )
    for r in rows:
        notes = [f"opened in {r['open_s']:.1f}s"]
        if r["failed"]:
            notes.append(f"{len(r['failed'])} failed to open, first: {r['failed'][0]}")
        if r["closed"]:
            notes.append(
                f"{len(r['closed'])} closed by the server while idle, first: {r['closed'][0]}"
            )
        print(f"{r['name']}: " + "; ".join(notes))
    print(f"\nserver logs: {common.LOG_DIR}")
    for line in common.summarize_logs(common.all_logs()):
        print(line)
    return rc


if __name__ == "__main__":
    sys.exit(main())
