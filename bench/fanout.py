"""Post → delivery latency for S live subscribers: Dongne vs. bare Channels vs. a bare websockets floor.

Scenarios (all driven by this one asyncio load client, same subscriber counts):
  dongne   --processes (default two) uvicorn processes of district.asgi (PostgreSQL +
           channels-redis db 13), subscribers split evenly over them, each subscribed to
           one thread topic;
           replies are POSTed over HTTP to process A (POST /forums/t/<id>/reply/).
           t0 = just before the HTTP request is sent; latency = receive - t0.
  channels as many uvicorn processes of bench/bare_channels_app.py (every socket is a member of
           group "bench", channels-redis db 12); the publisher calls group_send directly.
  floor    one bench/bare_ws_server.py process that broadcasts in-process each frame a
           publisher connection sends.

  python bench/fanout.py --subscribers 100 1000 --posts 20
  python bench/fanout.py --subscribers 5000 --processes 4 --posts 20 --idle-posts 0

Server-side permessage-deflate: Dongne as the project serves it (DONGNE_WS_PERMESSAGE_DEFLATE,
off by default); bare Channels and the floor with their libraries' default (on), so with a
client that offers it (as browsers do) they compress and Dongne does not; --no-compression
makes the client not offer it, and nobody compresses.

Stops by itself: every wait is bounded, the whole run has --max-seconds, and every
server process is terminated (and waited for) in `finally`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import websockets
from websockets.asyncio.client import connect

perf = time.perf_counter


# Subscribers ------------------------------------------------------------------------


@dataclass
class Sub:
    ws: object
    recv: dict = field(default_factory=dict)
    task: asyncio.Task | None = None
    closed: str | None = None


@dataclass
class Tally:
    target: int = 0
    counts: dict = field(default_factory=lambda: defaultdict(int))
    done: dict = field(default_factory=lambda: defaultdict(asyncio.Event))
    duplicates: int = 0
    other_frames: dict = field(default_factory=lambda: defaultdict(int))
    frame_bytes: int = 0


def key_dongne(topic: str):
    def extract(raw, tally: Tally):
        msg = json.loads(raw)
        if (
            msg.get("type") == "event"
            and msg.get("event") == "post.created"
            and msg.get("topic") == topic
        ):
            if not tally.frame_bytes:
                tally.frame_bytes = len(raw)
            return msg["data"]["post_id"]
        label = msg.get("type", "?")
        if label == "error":
            label += ":" + str(msg.get("code"))
        elif label == "event":
            label += ":" + str(msg.get("event"))
        tally.other_frames[label] += 1
        return None

    return extract


def key_bare(raw, tally: Tally):
    msg = json.loads(raw)
    if not tally.frame_bytes:
        tally.frame_bytes = len(raw)
    return msg.get("id")


async def reader(sub: Sub, extract, tally: Tally) -> None:
    try:
        async for raw in sub.ws:
            t = perf()
            key = extract(raw, tally)
            if key is None:
                continue
            if key in sub.recv:
                tally.duplicates += 1
                continue
            sub.recv[key] = t
            tally.counts[key] += 1
            if tally.counts[key] >= tally.target:
                tally.done[key].set()
        sub.closed = f"closed by server: {sub.ws.close_code} {sub.ws.close_reason!r}"
    except websockets.ConnectionClosed as exc:
        sub.closed = f"connection closed: {exc!r}"
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001
        sub.closed = f"reader error: {exc!r}"


async def open_one(url: str, origin: str, subscribe: dict | None, compression):
    ws = await connect(
        url,
        origin=origin,
        open_timeout=30,
        ping_interval=None,
        close_timeout=5,
        max_queue=None,
        compression=compression,
    )
    if subscribe is not None:
        await ws.send(json.dumps(subscribe))
        deadline = time.monotonic() + 30
        while True:
            msg = json.loads(
                await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic()))
            )
            if msg.get("type") == "subscribed":
                break
            if msg.get("type") in ("error", "resync"):
                await ws.close()
                raise RuntimeError(f"subscribe refused: {msg}")
    return ws


async def open_subscribers(
    urls, n, origin_of, subscribe, extract, tally, batch, compression
):
    """Open n sockets, round-robin over urls, in batches; return (subs, failures)."""
    subs: list[Sub] = []
    failures: list[str] = []
    for start in range(0, n, batch):
        chunk = range(start, min(n, start + batch))
        results = await asyncio.gather(
            *(
                open_one(
                    urls[i % len(urls)],
                    origin_of(urls[i % len(urls)]),
                    subscribe,
                    compression,
                )
                for i in chunk
            ),
            return_exceptions=True,
        )
        for r in results:
            if isinstance(r, BaseException):
                failures.append(repr(r))
            else:
                sub = Sub(ws=r)
                sub.task = asyncio.create_task(reader(sub, extract, tally))
                subs.append(sub)
        await asyncio.sleep(0.05)
    return subs, failures


async def close_subscribers(subs: list[Sub], batch: int = 50) -> None:
    for start in range(0, len(subs), batch):
        chunk = subs[start : start + batch]
        await asyncio.gather(*(s.ws.close() for s in chunk), return_exceptions=True)
    for s in subs:
        if s.task and not s.task.done():
            s.task.cancel()
    await asyncio.gather(*(s.task for s in subs if s.task), return_exceptions=True)


# HTTP --------------------------------------------------------------------------------


async def http_post(port: int, path: str, form: dict, session: str, timeout: float):
    token = common.csrf_token()
    body = urllib.parse.urlencode(form).encode()
    head = (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Cookie: sessionid={session}; csrftoken={token}\r\n"
        f"X-CSRFToken: {token}\r\n"
        "Accept: application/json\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()

    async def go():
        reader_, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(head + body)
            await writer.drain()
            data = await reader_.read()
        finally:
            writer.close()
        return data

    data = await asyncio.wait_for(go(), timeout)
    header, _, payload = data.partition(b"\r\n\r\n")
    status = int(header.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in header.lower():
        payload = dechunk(payload)
    return status, payload


def dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return out


# Scenarios ---------------------------------------------------------------------------


@dataclass
class Result:
    scenario: str
    subscribers: int
    connected: int = 0
    posts: int = 0
    latencies_ms: list = field(default_factory=list)
    publish_ms: list = field(default_factory=list)
    expected: int = 0
    missing: int = 0
    failed_posts: list = field(default_factory=list)
    connect_failures: list = field(default_factory=list)
    closed_sockets: list = field(default_factory=list)
    duplicates: int = 0
    other_frames: dict = field(default_factory=dict)
    frame_bytes: int = 0
    connect_s: float = 0.0
    warmup: list = field(default_factory=list)


async def run_scenario(
    name,
    subscribers,
    args,
    urls,
    origin_of,
    subscribe,
    extract,
    publish,
    servers: common.Servers,
    *,
    posts: int,
    warmup: int,
    gap: float,
) -> Result:
    """publish(i) -> (key, t0, publish_ms) or raises; keys of warm-up posts are excluded.

    After each post: wait until every socket has it (at most args.timeout), then `gap` seconds.
    """
    res = Result(scenario=name, subscribers=subscribers)
    tally = Tally()
    common.log(f"{name} S={subscribers}: opening sockets")
    t = perf()
    subs, failures = await open_subscribers(
        urls,
        subscribers,
        origin_of,
        subscribe,
        extract,
        tally,
        args.batch,
        None if args.no_compression else "deflate",
    )
    res.connect_s = perf() - t
    res.connected = len(subs)
    res.connect_failures = failures
    tally.target = len(subs)
    common.log(
        f"{name} S={subscribers}: {len(subs)} open in {res.connect_s:.1f}s "
        f"({len(failures)} failed); settling {args.settle}s"
    )
    await asyncio.sleep(args.settle)
    t0_of: dict = {}
    warm_keys: list = []
    measured: list = []
    try:
        for i in range(warmup + posts):
            dead = servers.check_alive()
            if dead:
                raise RuntimeError(f"server died: {dead}")
            try:
                key, t0, pub_ms = await publish(i)
            except Exception as exc:  # noqa: BLE001
                res.failed_posts.append(f"post {i}: {exc!r}")
                common.log(f"{name}: post {i} failed: {exc!r}")
                await asyncio.sleep(gap)
                continue
            t0_of[key] = t0
            if i >= warmup:
                measured.append(key)
                res.publish_ms.append(pub_ms)
            else:
                warm_keys.append(key)
            # Done when every socket has it, or every socket still open has it
            # (sockets the server closed are counted as missing), or after args.timeout.
            while True:
                remaining = args.timeout - (perf() - t0)
                if remaining <= 0:
                    common.log(
                        f"{name}: post {i} ({key}): {tally.counts[key]}/{tally.target} "
                        f"delivered after {args.timeout}s"
                    )
                    break
                try:
                    await asyncio.wait_for(tally.done[key].wait(), min(0.05, remaining))
                    break
                except TimeoutError:
                    if all(key in s.recv for s in subs if not s.closed):
                        break
            await asyncio.sleep(gap)
        await asyncio.sleep(0.5)  # grace for stragglers
    finally:
        for s in subs:
            for key in measured:
                if key in s.recv:
                    res.latencies_ms.append((s.recv[key] - t0_of[key]) * 1000)
            if s.closed:
                res.closed_sockets.append(s.closed)
        for key in warm_keys:
            lat = [(s.recv[key] - t0_of[key]) * 1000 for s in subs if key in s.recv]
            res.warmup.append(
                f"{len(lat)}/{len(subs)} got it, max {max(lat):.0f} ms"
                if lat
                else "none got it"
            )
        res.posts = len(measured)
        res.expected = len(measured) * len(subs)
        res.missing = res.expected - len(res.latencies_ms)
        res.duplicates = tally.duplicates
        res.other_frames = dict(tally.other_frames)
        res.frame_bytes = tally.frame_bytes
        common.log(f"{name} S={subscribers}: closing sockets")
        await close_subscribers(subs)
    return res


def fmt(v: float) -> str:
    return f"{v:8.1f}"


def print_table(results: list[Result]) -> None:
    print()
    print(
        f"{'scenario':<12} {'subs':>5} {'conn':>5} {'posts':>5} {'deliv':>6} {'missing':>7} {'closed':>6} "
        f"{'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}   {'pub p50':>8} {'pub max':>8}  (ms)"
    )
    for r in results:
        lat = sorted(r.latencies_ms)
        pub = sorted(r.publish_ms)
        print(
            f"{r.scenario:<12} {r.subscribers:>5} {r.connected:>5} {r.posts:>5} {len(lat):>6} {r.missing:>7} "
            f"{len(r.closed_sockets):>6} "
            f"{fmt(common.percentile(lat, 50))} {fmt(common.percentile(lat, 95))} "
            f"{fmt(common.percentile(lat, 99))} {fmt(lat[-1] if lat else float('nan'))}   "
            f"{fmt(common.percentile(pub, 50))} {fmt(pub[-1] if pub else float('nan'))}"
        )
    print(
        "deliv = deliveries received; missing = posts x connected sockets - deliv; "
        "closed = sockets closed by the server during the scenario"
    )
    print(
        "pub = dongne: HTTP POST round trip (t0 -> 201 body read); channels: group_send() call; "
        "floor: publisher ws.send()"
    )
    print()
    by = {(r.scenario, r.subscribers): r for r in results}
    pairs = [("dongne", "channels")] + [("dongne-idle", "chan-idle")]
    for ours_name, bare_name in pairs:
        for s in sorted({r.subscribers for r in results}):
            ours, bare = by.get((ours_name, s)), by.get((bare_name, s))
            if ours and bare and ours.latencies_ms and bare.latencies_ms:
                p_ours = common.percentile(sorted(ours.latencies_ms), 99)
                p_bare = common.percentile(sorted(bare.latencies_ms), 99)
                print(
                    f"S={s}: {ours_name} p99 / {bare_name} p99 = {p_ours:.1f} / {p_bare:.1f} = "
                    f"{p_ours / p_bare:.2f}x"
                )
    print()
    for r in results:
        extras = []
        if r.connect_failures:
            extras.append(
                f"connect failures={len(r.connect_failures)} first={r.connect_failures[0]}"
            )
        if r.failed_posts:
            extras.append(f"failed posts={r.failed_posts}")
        if r.closed_sockets:
            extras.append(
                f"sockets closed during run={len(r.closed_sockets)} first={r.closed_sockets[0]}"
            )
        if r.duplicates:
            extras.append(f"duplicates={r.duplicates}")
        if r.warmup:
            extras.append(f"unmeasured warm-up posts: {r.warmup}")
        if r.other_frames:
            extras.append(f"other frames={r.other_frames}")
        print(
            f"{r.scenario:<12} S={r.subscribers:<5} connect {r.connect_s:5.1f}s, frame {r.frame_bytes} B"
            + ("; " + "; ".join(extras) if extras else "")
        )


# Main ------------------------------------------------------------------------------


async def bench(args, servers: common.Servers, results: list[Result]) -> None:
    info = common.prepare_database(posters=args.posters)
    topic, thread_id, sessions = info["topic"], info["thread_id"], info["sessions"]
    common.log(f"thread {thread_id} ({topic}), {len(sessions)} poster sessions")
    common.clean_bare_redis()

    tags = "ABCDEFGH"[: args.processes]
    ours_ports = [common.free_port() for _ in tags]
    bare_ports = [common.free_port() for _ in tags]
    floor_port = common.free_port()
    penv, benv = common.project_env(), common.bare_env(args.bare_stock_redis_timeout)
    for tag, port in zip(tags, ours_ports):
        if "dongne" in args.scenarios:
            servers.uvicorn(f"dongne-{tag}", "district.asgi:application", port, penv)
    # Where replies are posted: process A (which also holds half the sockets), or a
    # separate web process without sockets (the recommended split, see README).
    writer_port = ours_ports[0]
    if args.writer == "separate" and "dongne" in args.scenarios:
        writer_port = common.free_port()
        servers.uvicorn("dongne-W", "district.asgi:application", writer_port, penv)
    for tag, port in zip(tags, bare_ports):
        if "channels" in args.scenarios:
            servers.uvicorn(
                f"channels-{tag}",
                "bare_channels_app:application",
                port,
                benv,
                app_dir=str(common.BENCH),
            )
    if "floor" in args.scenarios:
        servers.start(
            "floor",
            [
                common.PY,
                str(common.BENCH / "bare_ws_server.py"),
                "--port",
                str(floor_port),
            ],
            dict(os.environ),
            floor_port,
        )

    # Publishers ---------------------------------------------------------------
    last_post: dict[int, float] = defaultdict(lambda: -1e9)
    run_id = int(time.time())

    def make_ours_publish(s):
        async def publish(i):
            who = i % len(sessions)
            wait = last_post[who] + args.poster_gap - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            body = f"bench {run_id} S={s} post {i}: 벤치마크 답글입니다."
            t0 = perf()
            last_post[who] = time.monotonic()
            status, payload = await http_post(
                writer_port,
                f"/forums/t/{thread_id}/reply/",
                {"body": body},
                sessions[who],
                args.timeout,
            )
            pub_ms = (perf() - t0) * 1000
            if status != 201:
                raise RuntimeError(f"HTTP {status}: {payload[:300]!r}")
            return json.loads(payload)["post_id"], t0, pub_ms

        return publish

    from channels_redis.core import RedisChannelLayer

    layer = RedisChannelLayer(
        hosts=[{"address": common.BARE_REDIS_URL, "socket_timeout": None}],
        prefix=common.BARE_PREFIX,
        capacity=1000,
        expiry=60,
    )
    pad = "x" * args.pad

    def make_bare_publish(s):
        async def publish(i):
            key = f"c{s}-{i}"
            t0 = perf()
            await layer.group_send(
                "bench", {"type": "bench.message", "id": key, "t0": t0, "pad": pad}
            )
            return key, t0, (perf() - t0) * 1000

        return publish

    floor_pub = None
    if "floor" in args.scenarios:
        floor_pub = await connect(
            f"ws://127.0.0.1:{floor_port}/publish",
            ping_interval=None,
            compression=None if args.no_compression else "deflate",
        )

    def make_floor_publish(s):
        async def publish(i):
            key = f"f{s}-{i}"
            t0 = perf()
            await floor_pub.send(json.dumps({"id": key, "t0": t0, "pad": pad}))
            return key, t0, (perf() - t0) * 1000

        return publish

    origin = lambda url: "http://" + url.split("/")[2]
    ours_urls = [f"ws://127.0.0.1:{p}/ws/live/" for p in ours_ports]
    bare_urls = [f"ws://127.0.0.1:{p}/ws/bench/" for p in bare_ports]
    floor_urls = [f"ws://127.0.0.1:{floor_port}/"]
    ours_sub = {"type": "subscribe", "topic": topic}

    def report(r: Result) -> None:
        results.append(r)
        lat = sorted(r.latencies_ms)
        common.log(
            f"{r.scenario} S={r.subscribers}: p50 {common.percentile(lat, 50):.1f} "
            f"p99 {common.percentile(lat, 99):.1f} ms, missing {r.missing}, "
            f"closed sockets {len(r.closed_sockets)}"
        )

    busy = {"posts": args.posts, "warmup": args.warmup, "gap": args.gap}
    try:
        for s in args.subscribers:
            for scenario in args.scenarios:
                if scenario == "dongne":
                    r = await run_scenario(
                        "dongne",
                        s,
                        args,
                        ours_urls,
                        origin,
                        ours_sub,
                        key_dongne(topic),
                        make_ours_publish(s),
                        servers,
                        **busy,
                    )
                elif scenario == "channels":
                    r = await run_scenario(
                        "channels",
                        s,
                        args,
                        bare_urls,
                        origin,
                        None,
                        key_bare,
                        make_bare_publish(s),
                        servers,
                        **busy,
                    )
                else:
                    r = await run_scenario(
                        "floor",
                        s,
                        args,
                        floor_urls,
                        origin,
                        None,
                        key_bare,
                        make_floor_publish(s),
                        servers,
                        **busy,
                    )
                report(r)
        if args.idle_posts:
            # A quiet thread: posts more than 5 s apart (channels-redis blocks 5 s per receive).
            s = min(args.subscribers)
            idle = {"posts": args.idle_posts, "warmup": 0, "gap": args.idle_gap}
            if "dongne" in args.scenarios:
                report(
                    await run_scenario(
                        "dongne-idle",
                        s,
                        args,
                        ours_urls,
                        origin,
                        ours_sub,
                        key_dongne(topic),
                        make_ours_publish(f"idle{s}"),
                        servers,
                        **idle,
                    )
                )
            if "channels" in args.scenarios:
                report(
                    await run_scenario(
                        "chan-idle",
                        s,
                        args,
                        bare_urls,
                        origin,
                        None,
                        key_bare,
                        make_bare_publish(f"idle{s}"),
                        servers,
                        **idle,
                    )
                )
    finally:
        if floor_pub is not None:
            await floor_pub.close()
        await layer.close_pools()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[100, 1000])
    parser.add_argument(
        "--posts", type=int, default=20, help="measured posts per scenario"
    )
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured posts first")
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        choices=range(1, 9),
        metavar="{1..8}",
        help="uvicorn processes for Dongne and for bare Channels (subscribers split evenly)",
    )
    parser.add_argument(
        "--writer",
        choices=["A", "separate"],
        default="A",
        help="post through socket process A, or through a third process without sockets",
    )
    parser.add_argument(
        "--scenarios",
        nargs="+",
        default=["dongne", "channels", "floor"],
        choices=["dongne", "channels", "floor"],
    )
    parser.add_argument(
        "--posters", type=int, default=8, help="poster accounts, round-robin"
    )
    parser.add_argument(
        "--poster-gap",
        type=float,
        default=5.5,
        help="min seconds between two posts of one account (limit: 5)",
    )
    parser.add_argument(
        "--gap", type=float, default=0.3, help="pause after each post is delivered"
    )
    parser.add_argument("--timeout", type=float, default=15.0, help="max wait per post")
    parser.add_argument(
        "--settle", type=float, default=2.0, help="pause after opening sockets"
    )
    parser.add_argument(
        "--batch", type=int, default=100, help="sockets opened concurrently"
    )
    parser.add_argument(
        "--pad",
        type=int,
        default=300,
        help="padding bytes in baseline messages (≈ size of a real post frame)",
    )
    parser.add_argument(
        "--no-compression",
        action="store_true",
        help="don't offer permessage-deflate (browsers do offer it)",
    )
    parser.add_argument(
        "--idle-posts",
        type=int,
        default=4,
        help="extra posts to a quiet thread (dongne-idle, chan-idle), at the smallest S; 0: skip",
    )
    parser.add_argument(
        "--idle-gap",
        type=float,
        default=12.0,
        help="seconds of silence before each idle post",
    )
    parser.add_argument(
        "--bare-stock-redis-timeout",
        action="store_true",
        help="bare Channels with redis-py's default socket_timeout (5 s in redis-py 8) "
        "instead of socket_timeout=None",
    )
    parser.add_argument(
        "--max-seconds", type=float, default=900, help="hard limit for the run"
    )
    args = parser.parse_args()

    runner = common.print_header(args.no_compression)
    servers = common.Servers()
    results: list[Result] = []
    rc = 0
    try:
        with runner:
            runner.run(
                asyncio.wait_for(bench(args, servers, results), args.max_seconds)
            )
    except BaseException as exc:  # noqa: BLE001
        rc = 1
        import traceback

        print("RUN ABORTED:", repr(exc), file=sys.stderr)
        traceback.print_exc()
    finally:
        logs = servers.logs()
        servers.stop_all()
    if results:
        print_table(results)
    print(f"\nserver logs: {common.LOG_DIR}")
    for line in common.summarize_logs(logs):
        print(line)
    print(f"load average after run: {os.getloadavg()}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
