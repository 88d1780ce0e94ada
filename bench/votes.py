"""Votes under load: N residents each voting once on ONE ballot, through two uvicorn processes.

    flock /tmp/dongne-bench.lock .venv/bin/python bench/votes.py --voters 1000 --clients 50

PostgreSQL database `dongne_bench_votes` (created, migrated and seeded if
missing) and Redis db 4. One fresh ballot in 역삼1동 (a yes/no question, a
pick-2 choice among three items, a ranked question), N resident accounts
(`bench-vote-N@bench.invalid`, signed in by sessions made server-side), then

1. baseline: C keep-alive connections GET `/healthz` on the same two
   processes for `--healthz-seconds`;
2. votes: C clients on keep-alive connections (alternating processes by
   client number) take the next resident from a shared queue and POST that
   resident's ballot form to `/votes/<id>/` until all N have voted. A vote is
   accepted when the answer is 200 with the receipt page; anything else is an
   error;
3. double submits: `--doubles` more residents each submit the same vote on two
   connections at once, one to each process: exactly one must be accepted and
   the other refused (400 "already voted").

Afterwards the database is checked with SQL: participation rows = accepted
votes = papers, choices = 3 x papers, no user twice, and the ballot's live log
carries every participation count 1..P exactly once (each broadcast count is
exact). Figures are printed, never asserted.
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import signal
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from common import (
    LOG_DIR,
    PY,
    VAR_DIR,
    Servers,
    free_port,
    install_signal_handlers,
    log,
    new_event_loop_runner,
    raise_nofile,
    run,
    summarize_logs,
)
from rsvp import Connection, Phase, healthz_client, http_bytes, latency_figures

DB_NAME = "dongne_bench_votes"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/4"
ACCOUNT = "bench-vote-{}@bench.invalid"
LEADER = "bench-vote-leader@bench.invalid"
DONG = "yeoksam-1"


def env() -> dict[str, str]:
    values = common.project_env()
    values.update(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL)
    return values


# Django side (a child process with the project's environment) ------------------------


def child_setup(spec: dict) -> dict:
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from district import languages
    from district.services import account_ensure
    from dong.models import DongPage
    from votes import services

    dong = DongPage.objects.get(slug=DONG)
    password = make_password(secrets.token_urlsafe(18))
    leader = account_ensure(
        email=LEADER,
        password_hash=password,
        display_name="bench-vote-leader",
        groups=(dong.leaders_group,),
    )
    sessions = []
    for number in range(spec["accounts"]):
        user = account_ensure(
            email=ACCOUNT.format(number),
            password_hash=password,
            display_name=f"bench-vote-{number}",
            language="en",
            home_dong=dong,
        )
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store[languages.SESSION_KEY] = "en"
        store.create()
        sessions.append(store.session_key)
    Q, I = services.QuestionSpec, services.ItemSpec
    ballot = services.ballot_create(
        actor=leader,
        dong=dong,
        title=f"bench votes {time.strftime('%Y-%m-%d %H:%M:%S')}",
        opens_at=timezone.now() - timedelta(minutes=1),
        closes_at=timezone.now() + timedelta(days=1),
        questions=[
            Q("plan?", "yes_no", (I("plan"),)),
            Q("projects?", "choice", (I("a"), I("b"), I("c")), max_picks=2, winners=1),
            Q("rank?", "ranked", (I("x"), I("y"), I("z")), max_picks=2),
        ],
        publish=True,
    )
    questions = [
        {"id": q.pk, "kind": q.kind, "items": [i.pk for i in q.items.all()]}
        for q in ballot.questions.order_by("position")
    ]
    return {
        "sessions": sessions,
        "ballot_id": ballot.pk,
        "dong_id": dong.pk,
        "questions": questions,
    }


def django_setup(spec: dict) -> dict:
    out = run(
        [PY, str(Path(__file__).resolve()), "--_setup", json.dumps(spec)], env(), 900
    )
    return json.loads(out.strip().splitlines()[-1])


# Clients --------------------------------------------------------------------------------


def vote_body(data: dict, token: str, rng: random.Random) -> bytes:
    q1, q2, q3 = data["questions"]
    fields = [
        ("csrfmiddlewaretoken", token),
        ("dong", data["dong_id"]),
        ("category", "resident"),
        ("age_band", "18+"),
        ("consent", "on"),
        (f"q{q1['id']}-i{q1['items'][0]}", rng.choice(["yes", "yes", "no", "abstain"])),
        (f"q{q2['id']}", rng.choice(q2["items"])),
        (f"q{q3['id']}-r{rng.choice(q3['items'])}", "1"),
    ]
    return urllib.parse.urlencode(fields).encode()


def classify(outcome) -> str:
    if isinstance(outcome, str):
        return outcome
    status, _headers = outcome
    return "accepted" if status == 200 else f"HTTP {status}"


async def vote_request(conn: Connection, data: dict, session: str, rng, timeout: float):
    token = secrets.token_hex(32)
    path = f"/votes/{data['ballot_id']}/"
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={token}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    request = http_bytes("POST", path, conn.port, headers, vote_body(data, token, rng))
    started = time.perf_counter()
    try:
        status, headers, body = await asyncio.wait_for(conn.request(request), timeout)
    except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as error:
        conn.close()
        return f"error: {type(error).__name__}", (time.perf_counter() - started) * 1000
    ms = (time.perf_counter() - started) * 1000
    if status == 200 and b"data-receipt" in body:
        return "accepted", ms
    if status == 400 and b"already voted" in body:
        return "refused: already voted", ms
    return f"HTTP {status}", ms


async def vote_phase(
    data: dict, sessions: list[str], ports: list[int], clients: int, timeout: float
):
    queue: asyncio.Queue = asyncio.Queue()
    for session in sessions:
        queue.put_nowait(session)
    results: list[tuple[float, str]] = []

    async def client(number: int):
        conn = Connection(ports[number % 2])
        rng = random.Random(number)
        try:
            while True:
                try:
                    session = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                kind, ms = await vote_request(conn, data, session, rng, timeout)
                results.append((ms, kind))
        finally:
            conn.close()

    started = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return results, time.monotonic() - started


async def double_phase(
    data: dict, sessions: list[str], ports: list[int], timeout: float
):
    outcomes = []
    for session in sessions:
        conns = [Connection(ports[0]), Connection(ports[1])]
        try:
            pair = await asyncio.gather(
                *(
                    vote_request(c, data, session, random.Random(1), timeout)
                    for c in conns
                )
            )
        finally:
            for c in conns:
                c.close()
        outcomes.append(sorted(kind for kind, _ms in pair))
    return outcomes


async def healthz_phase(
    ports: list[int], clients: int, seconds: float, timeout: float
) -> tuple[Phase, float]:
    phase = Phase()
    start = time.monotonic()
    phase.window = (start + 1, start + 1 + seconds)
    await asyncio.gather(
        *(
            healthz_client(ports[n % 2], phase.window[1], phase, timeout)
            for n in range(clients)
        )
    )
    return phase, seconds


def verify(ballot_id: int) -> dict:
    with psycopg.connect(DATABASE_URL, autocommit=True) as db:
        one = lambda sql: db.execute(sql, {"b": ballot_id}).fetchone()[0]
        counts = [
            row[0]
            for row in db.execute(
                "SELECT (data->>'participants')::int FROM district_liveevent"
                " WHERE topic = %(t)s AND type = 'participation.changed' ORDER BY seq",
                {"t": f"ballot:{ballot_id}"},
            ).fetchall()
        ]
        return {
            "participations": one(
                "SELECT count(*) FROM votes_participation WHERE ballot_id = %(b)s"
            ),
            "distinct_users": one(
                "SELECT count(DISTINCT user_id) FROM votes_participation WHERE ballot_id = %(b)s"
            ),
            "papers": one(
                "SELECT count(*) FROM votes_ballotpaper WHERE ballot_id = %(b)s"
            ),
            "choices": one(
                "SELECT count(*) FROM votes_choice c JOIN votes_ballotpaper p ON p.id = c.paper_id"
                " WHERE p.ballot_id = %(b)s"
            ),
            "live_counts": counts,
        }


def fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--doubles", type=int, default=20, help="residents submitting twice at once"
    )
    parser.add_argument("--healthz-seconds", type=float, default=10)
    parser.add_argument("--timeout", type=float, default=60, help="per request")
    parser.add_argument("--max-seconds", type=int, default=1200, help="whole run")
    args = parser.parse_args()
    install_signal_handlers()

    def out_of_time(signum, frame):
        raise SystemExit(f"stopped: --max-seconds {args.max_seconds} reached")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.max_seconds)
    nofile = raise_nofile()
    runner, loop_name = new_event_loop_runner()
    print("command:", " ".join(["python", *sys.argv]))
    print(
        f"python {sys.version.split()[0]}, cpus {os.cpu_count()}, loadavg {os.getloadavg()[0]:.2f}, "
        f"client loop {loop_name}, RLIMIT_NOFILE {nofile}",
        flush=True,
    )
    servers = Servers()
    try:
        common.ensure_database(DB_NAME, env())
        log(f"{args.voters + args.doubles} accounts and sessions, one ballot")
        data = django_setup({"accounts": args.voters + args.doubles})
        ports = [free_port(), free_port()]
        for name, port in zip(("dongne-A", "dongne-B"), ports, strict=True):
            servers.uvicorn(name, "district.asgi:application", port, env())
        print(
            f"servers: 2 x uvicorn district.asgi (bench/settings/served_settings.py: dev with DEBUG off), PostgreSQL {DB_NAME} + Redis db 4; "
            f"{args.clients} clients alternate A/B",
            flush=True,
        )
        with runner:
            health, seconds = runner.run(
                healthz_phase(ports, args.clients, args.healthz_seconds, args.timeout)
            )
            health_ok = [ms for _t, ms, kind in health.in_window() if kind == "ok"]
            health_rate = len(health_ok) / seconds
            results, elapsed = runner.run(
                vote_phase(
                    data,
                    data["sessions"][: args.voters],
                    ports,
                    args.clients,
                    args.timeout,
                )
            )
            doubles = runner.run(
                double_phase(data, data["sessions"][args.voters :], ports, args.timeout)
            )
        accepted = [ms for ms, kind in results if kind == "accepted"]
        errors = {}
        for _ms, kind in results:
            if kind != "accepted":
                errors[kind] = errors.get(kind, 0) + 1
        lat = latency_figures(accepted)
        hl = latency_figures(health_ok)
        clean_doubles = sum(
            1 for pair in doubles if pair == ["accepted", "refused: already voted"]
        )
        check = verify(data["ballot_id"])
        expected = len(accepted) + clean_doubles
        counts = check.pop("live_counts")
        consistent = (
            check["participations"]
            == check["papers"]
            == check["distinct_users"]
            == expected
            and check["choices"] == 3 * check["papers"]
            and sorted(counts) == list(range(1, expected + 1))
        )
        rate = len(accepted) / elapsed
        print(
            "\n| voters | clients | votes/s | p50 ms | p95 ms | p99 ms | errors | /healthz req/s (p50/p99 ms) "
            "| ratio | double submits: one counted | consistency |"
        )
        print(
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
        )
        print(
            f"| {args.voters} | {args.clients} | {fmt(rate)} | {lat['p50']:.0f} | {lat['p95']:.0f} | {lat['p99']:.0f} "
            f"| {sum(errors.values())} | {fmt(health_rate)} ({hl['p50']:.0f}/{hl['p99']:.0f}) "
            f"| 1/{health_rate / rate:.1f} | {clean_doubles}/{len(doubles)} "
            f"| {'ok' if consistent else 'INCONSISTENT'} |"
        )
        print(
            f"\nall {args.voters} votes took {elapsed:.1f} s; errors: {errors or 'none'}"
        )
        print(
            f"double submits (sorted outcomes): {sorted({tuple(p) for p in doubles})}"
        )
        print(
            f"database: {check}; live counts {len(counts)}, last {counts[-1] if counts else None}"
        )
        print("\nserver logs:")
        for line in summarize_logs(servers.logs()):
            print(line)
        print(f"  (in {LOG_DIR})")
    finally:
        signal.alarm(0)
        servers.stop_all()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--_setup"]:
        # This file is named like the app: take bench/ off the path before Django imports `votes`.
        here = Path(__file__).resolve().parent
        sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
        shutil.rmtree(VAR_DIR, ignore_errors=True)
        shutil.rmtree(LOG_DIR, ignore_errors=True)
        print(json.dumps(child_setup(json.loads(sys.argv[2]))))
    else:
        main()
