"""Soak: minutes of mixed traffic; memory, Redis clients and PostgreSQL connections must stay flat.

    python bench/soak.py --minutes 20

Two uvicorn processes of the project (PostgreSQL database `BENCH_DB_NAME`,
default dongne_bench, + Redis `BENCH_DONGNE_REDIS_URL`) and one
`manage.py db_worker`, as in production. One asyncio client runs, all at once:

- reads: anonymous GETs of the home page, a thread, the board and the event
  (`--reads-per-second`), alternating processes;
- posts: replies to the soak threads through either process
  (`--posts-per-second`, accounts round-robin, each at most once per 5.5 s);
- RSVPs: sign up / cancel on the soak event (`--rsvps-per-second`, accounts
  round-robin, inside the 10/min and 60/h limits);
- sockets: `--sockets` logical readers, each subscribed to one thread and to
  the event; every second `--churn-per-second` of them drop their socket and
  reconnect (to either process) with the last sequence number they saw per
  topic (docs/live.md resume).

Every `--sample-seconds` (60) it prints a row: RSS of each server process,
Redis clients on the project's Redis db (CLIENT LIST, db=N), PostgreSQL
connections to the database (pg_stat_activity). After the traffic stops and
settles, each reader's sequence numbers per topic are checked against the
topic's last one: every number from its first subscription on exactly once
(lost, duplicated, out of order are printed).

Figures are printed, never asserted. Every process started is terminated in
`finally`, also on SIGTERM and `--max-seconds`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import secrets
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import websockets
from websockets.asyncio.client import connect

BOARD = "yeoksam-1"


# Setup (in a child process with the project's environment) -------------------------


def child_setup(spec: dict) -> dict:
    # bench/ first on sys.path would shadow the votes and proposals apps.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from district import languages
    from district.services import account_ensure
    from events.services import event_create
    from forums.models import Board
    from forums.services import thread_create

    board = Board.objects.select_related("dong").get(slug=BOARD)
    password = make_password(secrets.token_urlsafe(18))
    month_ago = timezone.now() - timedelta(days=30)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")

    def account(name: str, groups=()):
        user = account_ensure(
            email=f"{name}@bench.invalid",
            password_hash=password,
            display_name=name,
            language="en",
            groups=groups,
        )
        user.date_joined = month_ago
        user.save(update_fields=["date_joined"])
        return user

    def session(user) -> str:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store[languages.SESSION_KEY] = "en"
        store.create()
        return store.session_key

    organiser = account("bench-soak-organiser", (board.dong.leaders_group,))
    threads = [
        thread_create(
            author=organiser,
            board=board,
            title=f"soak {stamp} #{n}",
            body="soak thread",
        )
        for n in range(spec["threads"])
    ]
    start = (timezone.localtime() + timedelta(days=14)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    event = event_create(
        organiser=organiser,
        board=board,
        title=f"soak {stamp}",
        description="Soak event (bench/soak.py).",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=max(1, spec["rsvpers"] // 2),
    )
    occurrence = event.occurrences.get()
    return {
        "threads": [
            {"id": t.pk, "topic": t.topic, "path": f"/forums/t/{t.pk}/"}
            for t in threads
        ],
        "board_path": board.get_absolute_url()
        if hasattr(board, "get_absolute_url")
        else "/",
        "board_topic": f"board:{board.pk}",
        "event": {
            "topic": event.topic,
            "path": event.get_absolute_url(),
            "rsvp_path": f"/events/o/{occurrence.pk}/rsvp/",
        },
        "posters": [
            session(account(f"bench-soak-poster-{n}")) for n in range(spec["posters"])
        ],
        "rsvpers": [
            session(account(f"bench-soak-rsvp-{n}")) for n in range(spec["rsvpers"])
        ],
    }


# HTTP ---------------------------------------------------------------------------------


async def http(
    port: int,
    method: str,
    path: str,
    *,
    session: str | None = None,
    form: dict | None = None,
    json_accept: bool = False,
    timeout: float = 20.0,
) -> int:
    token = common.csrf_token()
    headers = [f"Host: 127.0.0.1:{port}", "Connection: close"]
    if session:
        headers.append(f"Cookie: sessionid={session}; csrftoken={token}")
        headers.append(f"X-CSRFToken: {token}")
    if json_accept:
        headers.append("Accept: application/json")
    body = b""
    if form is not None:
        form = {**form, "csrfmiddlewaretoken": token}
        body = urllib.parse.urlencode(form).encode()
        headers.append("Content-Type: application/x-www-form-urlencoded")
        headers.append(f"Content-Length: {len(body)}")
    head = f"{method} {path} HTTP/1.1\r\n" + "\r\n".join(headers) + "\r\n\r\n"

    async def go() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(head.encode("latin-1") + body)
            await writer.drain()
            return await reader.read()
        finally:
            writer.close()

    data = await asyncio.wait_for(go(), timeout)
    return int(data.split(b" ", 2)[1])


@dataclass
class Counts:
    by_kind: Counter = field(default_factory=Counter)

    def add(self, kind: str, outcome: str) -> None:
        self.by_kind[f"{kind} {outcome}"] += 1


async def paced(rate: float, stop: asyncio.Event, action) -> None:
    """Call action(i) about `rate` times a second (each in its own task) until stop."""
    if rate <= 0:
        return
    i = 0
    pending: set[asyncio.Task] = set()
    started = time.monotonic()
    while not stop.is_set():
        task = asyncio.create_task(action(i))
        pending.add(task)
        task.add_done_callback(pending.discard)
        i += 1
        delay = started + i / rate - time.monotonic()
        if delay > 0:
            try:
                await asyncio.wait_for(stop.wait(), delay)
            except TimeoutError:
                pass
    if pending:
        await asyncio.wait(pending, timeout=30)


# Live readers ---------------------------------------------------------------------------


@dataclass
class Reader:
    number: int
    topics: list[str]
    seen: dict = field(default_factory=dict)  # topic -> list of seqs received
    start: dict = field(default_factory=dict)  # topic -> seq at first subscription
    ws: object = None
    task: asyncio.Task | None = None
    reconnects: int = 0
    resyncs: int = 0
    busy: bool = False
    closed_by_server: list = field(default_factory=list)

    def last(self, topic: str) -> int:
        seqs = self.seen.get(topic)
        return max(seqs) if seqs else self.start[topic]


async def reader_connect(reader: Reader, port: int) -> None:
    ws = await connect(
        f"ws://127.0.0.1:{port}/ws/live/",
        origin=f"http://127.0.0.1:{port}",
        open_timeout=20,
        ping_interval=None,
        close_timeout=5,
        max_queue=None,
    )
    for topic in reader.topics:
        frame = {"type": "subscribe", "topic": topic}
        if topic in reader.start:
            frame["after"] = reader.last(topic)
        await ws.send(json.dumps(frame))
    reader.ws = ws
    reader.task = asyncio.create_task(reader_loop(reader, ws))


async def reader_loop(reader: Reader, ws) -> None:
    try:
        async for raw in ws:
            msg = json.loads(raw)
            kind, topic = msg.get("type"), msg.get("topic")
            if kind == "subscribed" and topic not in reader.start:
                reader.start[topic] = msg["seq"]
                reader.seen.setdefault(topic, [])
            elif kind == "event":
                reader.seen.setdefault(topic, []).append(msg["seq"])
            elif kind == "resync":
                reader.resyncs += 1
        if ws.close_code not in (1000, 1001, None):
            reader.closed_by_server.append(ws.close_code)
    except websockets.ConnectionClosed:
        pass


async def reader_drop(reader: Reader) -> None:
    if reader.ws is not None:
        await reader.ws.close()
    if reader.task is not None:
        await asyncio.gather(reader.task, return_exceptions=True)
    reader.ws = reader.task = None


# Sampling -------------------------------------------------------------------------------


def redis_clients(url: str) -> int:
    import redis

    db = int(url.rsplit("/", 1)[1] or 0)
    client = redis.Redis.from_url(url.rsplit("/", 1)[0] + "/0")
    try:
        return sum(1 for c in client.client_list() if int(c.get("db", -1)) == db)
    finally:
        client.close()


def pg_connections(db_name: str) -> int:
    out = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAc",
            f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{db_name}'",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return int(out.stdout.strip())


def sample(pids: dict[str, int]) -> dict:
    row = {"t": time.monotonic()}
    for name, pid in pids.items():
        try:
            row[name] = common.rss_kb(pid)
        except (OSError, RuntimeError):
            row[name] = -1
    row["redis"] = redis_clients(common.REDIS_URL)
    row["pg"] = pg_connections(common.DB_NAME)
    return row


# Main -----------------------------------------------------------------------------------


def start_worker(servers: common.Servers, env: dict[str, str]) -> subprocess.Popen:
    """`manage.py db_worker` as `manage.py serve` starts it; stopped with the servers."""
    log = common.LOG_DIR / "worker.log"
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [common.PY, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"],
            cwd=common.ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    servers.procs.append(("worker", worker, log))
    return worker


async def soak(args, servers: common.Servers, report: dict) -> None:
    common.ensure_database(common.DB_NAME)
    spec = {"threads": args.threads, "posters": args.posters, "rsvpers": args.rsvpers}
    out = common.run(
        [common.PY, str(Path(__file__).resolve()), "--_setup", json.dumps(spec)],
        common.project_env(),
    )
    scene = json.loads(out.strip().splitlines()[-1])
    env = common.project_env()
    ports = [common.free_port() for _ in range(args.processes)]
    pids: dict[str, int] = {}
    for n, port in enumerate(ports):
        proc = servers.uvicorn(f"uvicorn-{n}", "district.asgi:application", port, env)
        pids[f"uvicorn-{n}"] = proc.pid
    if args.worker:
        worker = start_worker(servers, env)
        pids["worker"] = worker.pid

    counts = Counts()
    rng = random.Random(args.seed)
    threads, event = scene["threads"], scene["event"]
    pages = ["/", scene["board_path"], event["path"]] + [t["path"] for t in threads]

    async def read(i: int) -> None:
        try:
            status = await http(ports[i % len(ports)], "GET", rng.choice(pages))
            counts.add("read", str(status))
        except Exception as exc:  # noqa: BLE001
            counts.add("read", type(exc).__name__)

    last_post: dict[int, float] = {}

    async def post(i: int) -> None:
        who = i % len(scene["posters"])
        wait = last_post.get(who, -1e9) + 5.5 - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        last_post[who] = time.monotonic()
        thread = threads[i % len(threads)]
        try:
            status = await http(
                ports[i % len(ports)],
                "POST",
                f"/forums/t/{thread['id']}/reply/",
                session=scene["posters"][who],
                form={"body": f"soak reply {i}: 오래 달리기"},
                json_accept=True,
            )
            counts.add("post", str(status))
        except Exception as exc:  # noqa: BLE001
            counts.add("post", type(exc).__name__)

    going: dict[int, bool] = {}

    async def rsvp(i: int) -> None:
        who = i % len(scene["rsvpers"])
        going[who] = not going.get(who, False)
        try:
            status = await http(
                ports[(i + 1) % len(ports)],
                "POST",
                event["rsvp_path"],
                session=scene["rsvpers"][who],
                form={"going": "1" if going[who] else "0", "guests": "0"},
            )
            counts.add("rsvp", str(status))
        except Exception as exc:  # noqa: BLE001
            counts.add("rsvp", type(exc).__name__)

    readers = [
        Reader(n, [threads[n % len(threads)]["topic"], event["topic"]])
        for n in range(args.sockets)
    ]
    common.log(f"opening {len(readers)} reader sockets")
    for start in range(0, len(readers), 50):
        await asyncio.gather(
            *(
                reader_connect(r, ports[r.number % len(ports)])
                for r in readers[start : start + 50]
            )
        )
    await asyncio.sleep(2)

    async def churn(i: int) -> None:
        reader = rng.choice(readers)
        if reader.busy or reader.ws is None:
            return
        reader.busy = True
        try:
            await reader_drop(reader)
            await asyncio.sleep(rng.uniform(0, args.max_offline))
            for _attempt in range(5):
                try:
                    await reader_connect(reader, rng.choice(ports))
                    reader.reconnects += 1
                    counts.add("socket", "reconnect")
                    return
                except Exception as exc:  # noqa: BLE001
                    counts.add("socket", f"reconnect {type(exc).__name__}")
                    await asyncio.sleep(1)
        finally:
            reader.busy = False

    samples: list[dict] = []
    names = list(pids)
    header = (
        f"{'min':>5} "
        + " ".join(f"{n + ' MB':>12}" for n in names)
        + f" {'redis clients':>13} {'pg conns':>8}  traffic so far"
    )
    print(header, flush=True)

    def print_row(row: dict) -> None:
        minutes = (row["t"] - samples[0]["t"]) / 60 if samples else 0.0
        traffic = ", ".join(f"{k} {v}" for k, v in sorted(counts.by_kind.items()))
        print(
            f"{minutes:>5.1f} "
            + " ".join(f"{row[n] / 1024:>12.1f}" for n in names)
            + f" {row['redis']:>13} {row['pg']:>8}  {traffic}",
            flush=True,
        )

    stop = asyncio.Event()

    async def sampler() -> None:
        while True:
            row = await asyncio.to_thread(sample, pids)
            samples.append(row)
            print_row(row)
            try:
                await asyncio.wait_for(stop.wait(), args.sample_seconds)
                return
            except TimeoutError:
                pass

    sampling = asyncio.create_task(sampler())
    stop_at = time.monotonic() + args.minutes * 60
    traffic = [
        asyncio.create_task(paced(args.reads_per_second, stop, read)),
        asyncio.create_task(paced(args.posts_per_second, stop, post)),
        asyncio.create_task(paced(args.rsvps_per_second, stop, rsvp)),
        asyncio.create_task(paced(args.churn_per_second, stop, churn)),
    ]
    while time.monotonic() < stop_at:
        dead = servers.check_alive()
        if dead:
            raise RuntimeError(f"server died: {dead}")
        await asyncio.sleep(1)
    stop.set()
    await asyncio.gather(*traffic)
    await sampling
    common.log(f"traffic stopped; settling {args.settle}s")
    await asyncio.sleep(args.settle)
    # Reconnect anyone offline, so every reader catches up before the check.
    for r in readers:
        if r.ws is None:
            await reader_connect(r, rng.choice(ports))
    await asyncio.sleep(args.settle)
    final_row = await asyncio.to_thread(sample, pids)
    samples.append(final_row)
    print_row(final_row)

    # The last seq of each topic, from a fresh subscription.
    last: dict[str, int] = {}
    probe = await connect(
        f"ws://127.0.0.1:{ports[0]}/ws/live/", origin=f"http://127.0.0.1:{ports[0]}"
    )
    topics = sorted({t for r in readers for t in r.topics})
    for topic in topics:
        await probe.send(json.dumps({"type": "subscribe", "topic": topic}))
    while len(last) < len(topics):
        msg = json.loads(await asyncio.wait_for(probe.recv(), 10))
        if msg.get("type") == "subscribed":
            last[msg["topic"]] = msg["seq"]
    await probe.close()

    lost = duplicated = out_of_order = delivered = never_subscribed = 0
    for r in readers:
        for topic in r.topics:
            if topic not in r.start:
                never_subscribed += 1
                continue
            seqs = r.seen.get(topic, [])
            delivered += len(seqs)
            expected = set(range(r.start[topic] + 1, last[topic] + 1))
            lost += len(expected - set(seqs))
            duplicated += len(seqs) - len(set(seqs))
            out_of_order += sum(1 for a, b in itertools.pairwise(seqs) if b <= a)
    for r in readers:
        await reader_drop(r)
    report.update(
        samples=samples,
        names=names,
        counts=dict(counts.by_kind),
        last=last,
        delivered=delivered,
        lost=lost,
        duplicated=duplicated,
        out_of_order=out_of_order,
        never_subscribed=never_subscribed,
        reconnects=sum(r.reconnects for r in readers),
        resyncs=sum(r.resyncs for r in readers),
        closed_by_server=Counter(c for r in readers for c in r.closed_by_server),
    )


def print_report(report: dict) -> None:
    samples, names = report["samples"], report["names"]
    print()
    print(
        "traffic:", ", ".join(f"{k} {v}" for k, v in sorted(report["counts"].items()))
    )
    print(f"topic last seqs: {report['last']}")
    print(
        f"live messages: delivered {report['delivered']}, lost {report['lost']}, "
        f"duplicated {report['duplicated']}, out of order {report['out_of_order']}, "
        f"subscriptions never confirmed {report['never_subscribed']}; "
        f"reconnects with resume {report['reconnects']}, resyncs {report['resyncs']}, "
        f"closed by server {dict(report['closed_by_server'])}"
    )
    if len(samples) >= 3:
        # Compare the end with the second sample (after the first minute's warm-up).
        first, end = samples[1], samples[-1]
        for n in names:
            delta = (end[n] - first[n]) / 1024
            print(
                f"{n}: RSS {first[n] / 1024:.1f} MB at minute 1 -> {end[n] / 1024:.1f} MB "
                f"at the end ({delta:+.1f} MB, {100 * delta * 1024 / max(1, first[n]):+.1f}%); "
                f"max {max(s[n] for s in samples[1:]) / 1024:.1f} MB"
            )
        for key, label in (
            ("redis", "Redis clients"),
            ("pg", "PostgreSQL connections"),
        ):
            values = [s[key] for s in samples]
            print(f"{label}: min {min(values)}, max {max(values)}, series {values}")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--_setup":
        import shutil

        shutil.rmtree(common.VAR_DIR, ignore_errors=True)
        shutil.rmtree(common.LOG_DIR, ignore_errors=True)
        print(json.dumps(child_setup(json.loads(sys.argv[2]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--worker", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--posters", type=int, default=12)
    parser.add_argument("--rsvpers", type=int, default=40)
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--reads-per-second", type=float, default=4)
    parser.add_argument("--posts-per-second", type=float, default=1)
    parser.add_argument("--rsvps-per-second", type=float, default=0.5)
    parser.add_argument("--churn-per-second", type=float, default=2)
    parser.add_argument(
        "--max-offline",
        type=float,
        default=3.0,
        help="a dropped reader stays away up to this many seconds",
    )
    parser.add_argument("--sample-seconds", type=float, default=60)
    parser.add_argument("--settle", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=None)
    args = parser.parse_args()
    max_seconds = args.max_seconds or args.minutes * 60 + 600

    runner = common.print_header(no_compression=False)
    print(
        f"database {common.DB_NAME}, redis {common.REDIS_URL}, {args.processes} uvicorn "
        f"processes{' + db_worker' if args.worker else ''}",
        flush=True,
    )
    servers = common.Servers()
    report: dict = {}
    rc = 0
    try:
        with runner:
            runner.run(asyncio.wait_for(soak(args, servers, report), max_seconds))
    except BaseException as exc:  # noqa: BLE001
        rc = 1
        import traceback

        print("RUN ABORTED:", repr(exc), file=sys.stderr)
        traceback.print_exc()
    finally:
        logs = servers.logs()
        servers.stop_all()
    if report:
        print_report(report)
    print(f"\nserver logs: {common.LOG_DIR}")
    for line in common.summarize_logs(logs):
        print(line)
    print(f"load average after run: {os.getloadavg()}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
