"""Registration day: thousands of residents press "sign up" in the opening second of 30 programmes.

    flock /tmp/dongne-bench.lock python bench/rush.py --residents 2000 --programmes 30 --hot 200

Two uvicorn processes of the project (HTTP, each a separate web process) on
PostgreSQL + Redis (database `dongne_bench` unless BENCH_DB_NAME, Redis db
13 unless BENCH_DONGNE_REDIS_URL; see bench/common.py). Setup creates
`--residents` accounts (`bench-rush-N@bench.invalid`, signed in by sessions
made server-side) and `--programmes` fresh single-date events on board
yeoksam-1 with `--capacity` places each and first-come allocation. Once the
servers are up, registration of all of them is set to open `--lead` seconds
later (server clock, in the database).

Demand: `--hot` residents want programme 0 (the 200 pressing on one date);
the others pick one of the remaining programmes at random. Each resident
presses at the opening second plus a jitter drawn from a normal law
(`--jitter-mean`, `--jitter-sd`, some press before the opening), on its own
connection, alternating processes by number; a refusal "opens at ..." (the
server refusing an early press) makes them press again `--repress` s later,
as a person would, up to 10 times; a "busy, try again" or a 303 back from
the sign-up lane (district.handler) likewise.

Meanwhile (same run, same processes) `--bystanders` anonymous visitors open
event pages (the hot programme's and the others', alternately, a new
connection each time, every `--bystander-interval` s) and `--healthz`
keep-alive clients loop on `/healthz`, from 2 s before the opening until
the rush has been served.

Printed: sign-ups/s (accepted sign-ups ÷ time from the opening to the last
one), p50/p95/p99 of sign-up requests (all, and the hot programme's),
errors (5xx, timeouts, broken connections), bystanders' p50/p95 and errors,
/healthz req/s and p95, and per programme: places given vs capacity (from the
RSVP rows, must be exact: going seats = counter <= capacity, waiting list rows =
counter), and anyone placed before the opening second (must be 0). Figures are
printed, never asserted; every process started is terminated and waited for.
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import sys
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    DATABASE_URL,
    DB_NAME,
    LOG_DIR,
    PY,
    Servers,
    ensure_database,
    free_port,
    log,
    new_event_loop_runner,
    percentile,
    project_env,
    raise_nofile,
    run,
    summarize_logs,
)
from rsvp import (
    Connection,
    classify_rsvp,
    fmt_ms,
    git_state,
    http_bytes,
    timed,
)

BOARD = "yeoksam-1"
ACCOUNT = "bench-rush-{}@bench.invalid"
ORGANISER = "bench-rush-organiser@bench.invalid"


# Django side (a child process with the project's environment) -----------------------


def child_setup(spec: dict) -> dict:
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

    board = Board.objects.select_related("dong").get(slug=BOARD)
    password = make_password(secrets.token_urlsafe(18))
    organiser = account_ensure(
        email=ORGANISER,
        password_hash=password,
        display_name="bench-rush-organiser",
        groups=(board.dong.leaders_group,),
    )
    sessions = []
    for number in range(spec["residents"]):
        user = account_ensure(
            email=ACCOUNT.format(number),
            password_hash=password,
            display_name=f"bench-rush-{number}",
            language="en",
        )
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store[languages.SESSION_KEY] = "en"
        store.create()
        sessions.append(store.session_key)
    start = (timezone.localtime() + timedelta(days=21)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    programmes = []
    for number in range(spec["programmes"]):
        event = event_create(
            organiser=organiser,
            board=board,
            title=f"bench rush programme {number} {stamp}",
            description="Benchmark programme (bench/rush.py).",
            starts_at=start + timedelta(hours=number % 8),
            ends_at=start + timedelta(hours=number % 8, minutes=50),
            capacity=spec["capacity"],
            registration_opens_at=timezone.now() + timedelta(days=1),  # set later
        )
        programmes.append(
            {
                "event_id": event.pk,
                "occurrence_id": event.occurrences.get().pk,
                "path": event.get_absolute_url(),
            }
        )
    return {"sessions": sessions, "programmes": programmes}


def django_setup(spec: dict) -> dict:
    out = run(
        [PY, str(Path(__file__).resolve()), "--_setup", json.dumps(spec)],
        project_env(),
        900,
    )
    return json.loads(out.strip().splitlines()[-1])


def open_registration_at(event_ids: list[int], lead: float) -> float:
    """Set every programme to open `lead` s from now by the database's clock; the epoch of the opening."""
    with psycopg.connect(DATABASE_URL, autocommit=True) as db:
        opens = db.execute(
            "UPDATE events_event SET registration_opens_at ="
            " date_trunc('second', now()) + make_interval(secs => %s)"
            " WHERE id = ANY(%s) RETURNING extract(epoch FROM registration_opens_at)",
            [int(lead), event_ids],
        ).fetchone()[0]
    return float(opens)


def verify(programmes: list[dict], capacity: int) -> list[dict]:
    rows = []
    with psycopg.connect(DATABASE_URL, autocommit=True) as db:
        for p in programmes:
            row = db.execute(
                """
                SELECT o.going_count, o.waitlist_count,
                  (SELECT coalesce(sum(1 + r.guests), 0) FROM events_rsvp r
                    WHERE r.occurrence_id = o.id AND r.status = 'going'),
                  (SELECT count(*) FROM events_rsvp r
                    WHERE r.occurrence_id = o.id AND r.status = 'waitlisted'),
                  (SELECT count(*) FROM events_rsvp r JOIN events_event e ON e.id = o.event_id
                    WHERE r.occurrence_id = o.id AND r.status IN ('going', 'waitlisted')
                    AND r.created_at < e.registration_opens_at)
                FROM events_occurrence o WHERE o.id = %s
                """,
                [p["occurrence_id"]],
            ).fetchone()
            going, waiting, seats, waiting_rows, early = row
            rows.append(
                {
                    "going": going,
                    "waiting": waiting,
                    "exact": going == seats <= capacity and waiting == waiting_rows,
                    "early": early,
                }
            )
    return rows


# Clients ------------------------------------------------------------------------------


async def resident(
    number: int,
    port: int,
    session: str,
    programme: dict,
    press_at: float,
    args,
    out: list,
    view_at: float | None = None,
) -> None:
    """Open the page at `view_at` (if given), press at `press_at` (monotonic); press again after an early or busy refusal."""
    rng = random.Random(number)
    token = secrets.token_hex(32)
    path = f"/events/o/{programme['occurrence_id']}/rsvp/"
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={token}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    if view_at is not None:  # waiting on the page with its countdown, signed in
        await asyncio.sleep(max(0.0, view_at - time.monotonic()))
        page = Connection(
            port
        )  # its own connection, as bystanders' (a page is read to its end)
        try:
            await timed(
                page,
                http_bytes(
                    "GET", programme["path"], port, {"Cookie": headers["Cookie"]}
                ),
                args.timeout,
            )
        finally:
            page.close()
    conn = Connection(port)
    try:
        await asyncio.sleep(max(0.0, press_at - time.monotonic()))
        for _attempt in range(10):
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "going": "1",
                    "guests": str(rng.choice((0, 0, 0, 1))),
                    "idempotency_key": secrets.token_hex(16),
                }
            ).encode()
            sent = time.monotonic()
            outcome, ms = await timed(
                conn, http_bytes("POST", path, port, headers, body), args.timeout
            )
            if isinstance(outcome, str):
                kind = outcome
            elif outcome[0] == 303 and "busy=1" in dict(outcome[1]).get("location", ""):
                kind = "busy: sent back by the sign-up queue"
            else:
                kind = classify_rsvp(outcome[0], outcome[1], programme["path"])
            out.append((sent, time.monotonic(), ms, kind, programme["hot"]))
            if kind.startswith("busy") or (
                kind.startswith("refused")
                and ("opens at" in kind.lower() or "try again" in kind.lower())
            ):
                await asyncio.sleep(args.repress)
                continue
            break
    finally:
        conn.close()


async def bystander(
    number: int, ports: list[int], paths: list[str], stop: asyncio.Event, args, out
) -> None:
    sent = number
    while not stop.is_set():
        port = ports[sent % len(ports)]
        path = paths[sent % len(paths)]
        sent += 1
        conn = Connection(port)
        try:
            outcome, ms = await timed(
                conn, http_bytes("GET", path, port, {}), args.timeout
            )
        finally:
            conn.close()
        kind = (
            outcome
            if isinstance(outcome, str)
            else ("ok" if outcome[0] == 200 else f"HTTP {outcome[0]}")
        )
        out.append((time.monotonic(), ms, kind, path == paths[0]))
        await asyncio.sleep(args.bystander_interval)


async def healthz(port: int, stop: asyncio.Event, args, out) -> None:
    conn = Connection(port)
    data = http_bytes("GET", "/healthz", port, {})
    try:
        while not stop.is_set():
            outcome, ms = await timed(conn, data, args.timeout)
            kind = (
                outcome
                if isinstance(outcome, str)
                else ("ok" if outcome[0] == 200 else f"HTTP {outcome[0]}")
            )
            out.append((time.monotonic(), ms, kind))
            if isinstance(outcome, str):
                await asyncio.sleep(0.05)
    finally:
        conn.close()


def stats(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
    }


async def rush(data: dict, ports: list[int], opens_epoch: float, args) -> dict:
    programmes = data["programmes"]
    for index, p in enumerate(programmes):
        p["hot"] = index == 0
    opens_mono = time.monotonic() + (opens_epoch - time.time())
    rng = random.Random(7)
    presses, views, health = [], [], []
    stop = asyncio.Event()
    tasks = []
    for number, session in enumerate(data["sessions"]):
        programme = programmes[0] if number < args.hot else rng.choice(programmes[1:])
        jitter = max(-1.0, rng.gauss(args.jitter_mean, args.jitter_sd))
        view_at = (
            opens_mono - args.lead + 2 + rng.random() * (args.lead - 8)
            if args.page_first
            else None
        )
        tasks.append(
            resident(
                number,
                ports[number % 2],
                session,
                programme,
                opens_mono + jitter,
                args,
                presses,
                view_at,
            )
        )
    paths = [programmes[0]["path"]] + [p["path"] for p in programmes[1:6]]
    background = []

    async def start_background():
        await asyncio.sleep(max(0.0, opens_mono - 2 - time.monotonic()))
        for number in range(args.bystanders):
            background.append(
                asyncio.create_task(bystander(number, ports, paths, stop, args, views))
            )
        for number in range(args.healthz):
            background.append(
                asyncio.create_task(healthz(ports[number % 2], stop, args, health))
            )

    starter = asyncio.create_task(start_background())
    await asyncio.gather(*tasks)
    ended = time.monotonic()
    await starter
    stop.set()
    await asyncio.gather(*background)
    window = (opens_mono - 2, ended)
    return {
        "presses": presses,
        "views": [v for v in views if window[0] <= v[0] <= window[1]],
        "health": [h for h in health if window[0] <= h[0] <= window[1]],
        "opens": opens_mono,
        "window": window,
    }


def report(result: dict, verified: list[dict], args) -> None:
    presses = result["presses"]
    opens = result["opens"]
    kinds = Counter(p[3] for p in presses)
    accepted = [p for p in presses if p[3] in ("going", "waitlisted")]
    errors = [
        p for p in presses if p[3].startswith(("HTTP", "error", "302 to", "302 with"))
    ]
    served = [p for p in presses if p[0] >= opens]
    last = max((p[1] for p in accepted), default=opens)
    rate = len(accepted) / max(0.001, last - opens)
    all_ms = stats([p[2] for p in served])
    hot_ms = stats([p[2] for p in served if p[4]])
    print("\nsign-up presses by outcome:")
    for kind, count in kinds.most_common():
        print(f"  {count:6d}  {kind}")
    print(
        f"\naccepted sign-ups: {len(accepted)} in {last - opens:.2f} s after the opening"
        f" = {rate:,.1f}/s"
    )
    print(
        f"sign-up requests sent at/after the opening: n={all_ms['n']} p50 {fmt_ms(all_ms['p50'])}"
        f" p95 {fmt_ms(all_ms['p95'])} p99 {fmt_ms(all_ms['p99'])} ms"
    )
    print(
        f"  hot programme ({args.hot} residents, one date): n={hot_ms['n']} p50 {fmt_ms(hot_ms['p50'])}"
        f" p95 {fmt_ms(hot_ms['p95'])} p99 {fmt_ms(hot_ms['p99'])} ms"
    )
    print(f"errors (5xx, timeouts, broken connections, wrong redirects): {len(errors)}")
    views = result["views"]
    view_ms = stats([v[1] for v in views if v[2] == "ok"])
    hot_view = stats([v[1] for v in views if v[2] == "ok" and v[3]])
    view_errors = [v for v in views if v[2] != "ok"]
    print(
        f"bystanders (anonymous event pages): n={view_ms['n']} p50 {fmt_ms(view_ms['p50'])}"
        f" p95 {fmt_ms(view_ms['p95'])} ms; the hot programme's page p50 {fmt_ms(hot_view['p50'])}"
        f" p95 {fmt_ms(hot_view['p95'])} ms; errors {len(view_errors)}"
        + (
            f" {Counter(v[2] for v in view_errors).most_common(3)}"
            if view_errors
            else ""
        )
    )
    health = result["health"]
    span = result["window"][1] - result["window"][0]
    ok = [h for h in health if h[2] == "ok"]
    health_ms = stats([h[1] for h in ok])
    print(
        f"/healthz in the same run: {len(ok) / max(span, 0.001):,.0f} req/s,"
        f" p50 {fmt_ms(health_ms['p50'])} p95 {fmt_ms(health_ms['p95'])} ms,"
        f" errors {len(health) - len(ok)}"
    )
    print(
        "\n| programme | capacity | going | waiting | exact | placed before opening |"
    )
    print("| ---: | ---: | ---: | ---: | --- | ---: |")
    for index, row in enumerate(verified):
        print(
            f"| {index}{' (hot)' if index == 0 else ''} | {args.capacity} | {row['going']} "
            f"| {row['waiting']} | {'yes' if row['exact'] else 'NO'} | {row['early']} |"
        )
    print(
        f"\nall exact: {all(r['exact'] for r in verified)}; placed before opening: "
        f"{sum(r['early'] for r in verified)}; early presses refused: "
        f"{sum(c for k, c in kinds.items() if 'opens at' in k.lower())}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--programmes", type=int, default=30)
    parser.add_argument("--hot", type=int, default=200, help="residents on programme 0")
    parser.add_argument("--capacity", type=int, default=20)
    parser.add_argument(
        "--lead", type=float, default=40, help="s from setup to opening"
    )
    parser.add_argument(
        "--no-page-first",
        dest="page_first",
        action="store_false",
        help="residents press without having opened the programme's page first "
        "(by default each opens it once, signed in, at a random moment of the "
        "lead but its last 6 s, as people wait on the countdown)",
    )
    parser.add_argument("--jitter-mean", type=float, default=0.3)
    parser.add_argument("--jitter-sd", type=float, default=0.4)
    parser.add_argument("--repress", type=float, default=0.5)
    parser.add_argument("--bystanders", type=int, default=10)
    parser.add_argument("--bystander-interval", type=float, default=0.2)
    parser.add_argument("--healthz", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--max-seconds", type=int, default=1200)
    args = parser.parse_args()

    def out_of_time(*_):
        raise SystemExit(f"stopped: --max-seconds {args.max_seconds} reached")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, out_of_time)
    signal.alarm(args.max_seconds)
    nofile = raise_nofile()
    runner, loop_name = new_event_loop_runner()
    print("command:", " ".join(["python", *sys.argv]))
    print(
        f"python {sys.version.split()[0]}, cpus {os.cpu_count()}, loadavg "
        f"{os.getloadavg()[0]:.2f}, client loop {loop_name}, RLIMIT_NOFILE {nofile}, "
        f"{git_state()}",
        flush=True,
    )
    servers = Servers()
    try:
        ensure_database()
        log(f"{args.residents} accounts and sessions, {args.programmes} programmes")
        data = django_setup(
            {
                "residents": args.residents,
                "programmes": args.programmes,
                "capacity": args.capacity,
            }
        )
        ports = [free_port(), free_port()]
        for name, port in zip(("dongne-A", "dongne-B"), ports, strict=True):
            servers.uvicorn(name, "district.asgi:application", port, project_env())
        opens = open_registration_at(
            [p["event_id"] for p in data["programmes"]], args.lead
        )
        print(
            f"servers: 2 x uvicorn district.asgi (bench/settings/served_settings.py: dev with DEBUG off), PostgreSQL {DB_NAME}"
            f" + Redis; registration opens at {time.strftime('%H:%M:%S', time.localtime(opens))}"
            f" (server clock); {args.residents} residents, {args.hot} on programme 0",
            flush=True,
        )
        with runner:
            result = runner.run(rush(data, ports, opens, args))
        if dead := servers.check_alive():
            raise RuntimeError("; ".join(dead))
        report(result, verify(data["programmes"], args.capacity), args)
        print("\nserver logs:")
        for line in summarize_logs(servers.logs()):
            print(line)
        print(f"  (in {LOG_DIR})")
    finally:
        signal.alarm(0)
        servers.stop_all()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--_setup"]:
        print(json.dumps(child_setup(json.loads(sys.argv[2]))))
    else:
        main()
