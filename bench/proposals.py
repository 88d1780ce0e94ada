"""Support ("공감") throughput: many residents supporting and withdrawing on ONE proposal at once.

    flock /tmp/dongne-bench.lock .venv/bin/python bench/proposals.py --clients 50 --seconds 20

Two uvicorn processes of the project on PostgreSQL + Redis (database
`dongne_bench_proposals`, created if missing, then `migrate` and
`seed_district`; Redis db 5). Each run creates a fresh cycle in
its proposing phase in association yeoksam-1 and one proposal, and `--clients` resident accounts
(`bench-support-N@bench.invalid`, signed in by a session made server-side).

1. baseline: C keep-alive connections GET `/healthz` (full middleware stack)
   on the same two processes for `--warmup` + `--seconds`;
2. support: C clients, each on its own keep-alive connection, alternating
   processes by client number, loop support, withdraw, support, ... with form
   POSTs to `/proposals/p/<id>/support/` (CSRF cookie + token, `Accept:
   application/json`, so the answer is 200 with the new count). Every one of
   them locks the proposal's row, so the lock is contended the whole time;
   the proposal crosses its threshold once, early. Meanwhile two clients GET
   `/healthz` (the same run's health check while the site is busy).

Only responses that finish inside the measured window count. Afterwards the
proposal's support_count is compared with its Support rows. Figures are
printed, never asserted. Every process started is terminated and waited for.
"""

import argparse
import asyncio
import json
import os
import secrets
import shutil
import sys
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    LOG_DIR,
    PY,
    VAR_DIR,
    Servers,
    ensure_database,
    free_port,
    install_signal_handlers,
    log,
    percentile,
    project_env,
    raise_nofile,
    run,
)
from rsvp import Connection, http_bytes, timed

DB_NAME = "dongne_bench_proposals"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/5"
ACCOUNT = "bench-support-{}@bench.invalid"
DONG = "yeoksam-1"


def env() -> dict[str, str]:
    values = project_env()
    values.update(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL)
    return values


# Django side (a child process with the project's environment) ---------------------


def child_setup(spec: dict) -> dict:
    # This script's folder is first on sys.path, and this script is called
    # proposals.py: take it out so that `proposals` is the app.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.modules.pop("proposals", None)
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from district import languages
    from district.services import account_ensure
    from proposals import services
    from proposals.models import Cycle, today
    from proposals.rules import support_threshold

    password = make_password(secrets.token_urlsafe(18))  # nobody signs in with it
    author = account_ensure(
        email="bench-support-author@bench.invalid",
        password_hash=password,
        display_name="bench-support-author",
    )
    sessions = []
    for number in range(spec["accounts"]):
        user = account_ensure(
            email=ACCOUNT.format(number),
            password_hash=password,
            display_name=f"bench-support-{number}",
            language="en",
        )
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store[languages.SESSION_KEY] = "en"
        store.create()
        sessions.append(store.session_key)
    day = today()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    from dong.models import DongPage

    cycle = services.cycle_create(
        actor=None,
        cycle=Cycle(
            dong=DongPage.objects.get(slug=DONG),
            name=f"bench {stamp}",
            year=day.year,
            budget=100_000_000,
            proposing_from=day - timedelta(days=1),
            screening_from=day + timedelta(days=30),
            deliberation_from=day + timedelta(days=60),
            selection_from=day + timedelta(days=70),
            implementation_from=day + timedelta(days=80),
            ends_on=day + timedelta(days=365),
        ),
    )
    proposal = services.proposal_create(
        author=author,
        cycle=cycle,
        title=f"bench proposal {stamp}",
        description="Benchmark proposal (bench/proposals.py).",
        category="other",
    )
    return {
        "sessions": sessions,
        "proposal_id": proposal.pk,
        "threshold": support_threshold(cycle),
    }


def django_setup(spec: dict) -> dict:
    out = run(
        [PY, str(Path(__file__).resolve()), "--_setup", json.dumps(spec)], env(), 600
    )
    return json.loads(out.strip().splitlines()[-1])


# Load ------------------------------------------------------------------------------


class Results:
    def __init__(self) -> None:
        self.rows: list[tuple[float, float, str]] = []
        self.window = (0.0, 0.0)

    def in_window(self) -> list[tuple[float, float, str]]:
        start, end = self.window
        return [r for r in self.rows if start <= r[0] <= end]


async def healthz_client(port: int, stop_at: float, out: Results, timeout: float):
    conn = Connection(port)
    data = http_bytes("GET", "/healthz", port, {})
    try:
        while time.monotonic() < stop_at:
            outcome, ms = await timed(conn, data, timeout)
            kind = (
                outcome
                if isinstance(outcome, str)
                else ("ok" if outcome[0] == 200 else f"HTTP {outcome[0]}")
            )
            out.rows.append((time.monotonic(), ms, kind))
            if isinstance(outcome, str):
                await asyncio.sleep(0.05)
    finally:
        conn.close()


async def support_client(
    port: int,
    session: str,
    proposal_id: int,
    stop_at: float,
    out: Results,
    timeout: float,
):
    conn = Connection(port)
    token = secrets.token_hex(32)
    path = f"/proposals/p/{proposal_id}/support/"
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={token}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    supporting = False
    try:
        while time.monotonic() < stop_at:
            action = "withdraw" if supporting else "support"
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "action": action}
            ).encode()
            outcome, ms = await timed(
                conn, http_bytes("POST", path, port, headers, body), timeout
            )
            if isinstance(outcome, str):
                kind = outcome
                await asyncio.sleep(0.05)
            elif outcome[0] == 200:
                kind = action
                supporting = not supporting
            else:
                kind = f"HTTP {outcome[0]}"
                # a refusal (400) means our idea of the state is stale: flip it
                supporting = not supporting if outcome[0] == 400 else supporting
            out.rows.append((time.monotonic(), ms, kind))
    finally:
        conn.close()


async def phase(makers: list, warmup: float, seconds: float, outs: list[Results]):
    start = time.monotonic()
    window = (start + warmup, start + warmup + seconds)
    for out in outs:
        out.window = window
    await asyncio.gather(*(make(window[1]) for make in makers))


def figures(out: Results, accepted: set[str], seconds: float) -> dict:
    rows = out.in_window()
    kinds = Counter(kind for _t, _ms, kind in rows)
    values = sorted(ms for _t, ms, kind in rows if kind in accepted)
    return {
        "count": len(values),
        "rate": len(values) / seconds,
        "p50": percentile(values, 50),
        "p99": percentile(values, 99),
        "max": values[-1] if values else float("nan"),
        "other": {k: n for k, n in kinds.items() if k not in accepted},
    }


def line(name: str, f: dict) -> str:
    return (
        f"{name}: {f['rate']:,.1f}/s ({f['count']} in window), p50 {f['p50']:.1f} ms, "
        f"p99 {f['p99']:.1f} ms, max {f['max']:.1f} ms, other {f['other'] or 'none'}"
    )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--_setup":
        shutil.rmtree(VAR_DIR, ignore_errors=True)
        shutil.rmtree(LOG_DIR, ignore_errors=True)
        print(json.dumps(child_setup(json.loads(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--health-clients", type=int, default=2)
    args = parser.parse_args()
    print("command:", " ".join([sys.executable, *sys.argv]), flush=True)
    raise_nofile()
    install_signal_handlers()
    servers = Servers()
    try:
        ensure_database(DB_NAME, env())
        data = django_setup({"accounts": args.clients})
        log(f"proposal {data['proposal_id']}, threshold {data['threshold']}")
        ports = [free_port(), free_port()]
        for n, port in enumerate(ports):
            servers.uvicorn(f"web{n}", "district.asgi:application", port, env())
        runner = asyncio.Runner()
        base = Results()
        runner.run(
            phase(
                [
                    (
                        lambda stop, n=n: healthz_client(
                            ports[n % 2], stop, base, args.timeout
                        )
                    )
                    for n in range(args.clients)
                ],
                args.warmup,
                args.seconds,
                [base],
            )
        )
        supports, health = Results(), Results()
        makers = [
            (
                lambda stop, n=n: support_client(
                    ports[n % 2],
                    data["sessions"][n],
                    data["proposal_id"],
                    stop,
                    supports,
                    args.timeout,
                )
            )
            for n in range(args.clients)
        ] + [
            (lambda stop, n=n: healthz_client(ports[n % 2], stop, health, args.timeout))
            for n in range(args.health_clients)
        ]
        runner.run(phase(makers, args.warmup, args.seconds, [supports, health]))
        runner.close()
        alive = servers.check_alive()
        with psycopg.connect(DATABASE_URL) as conn:
            count, rows, status = conn.execute(
                "SELECT p.support_count, (SELECT count(*) FROM proposals_support s "
                "WHERE s.proposal_id = p.id), p.status FROM proposals_proposal p WHERE p.id = %s",
                [data["proposal_id"]],
            ).fetchone()
        b = figures(base, {"ok"}, args.seconds)
        s = figures(supports, {"support", "withdraw"}, args.seconds)
        h = figures(health, {"ok"}, args.seconds)
        print(
            f"clients {args.clients}, {args.seconds:.0f} s measured after {args.warmup:.0f} s warm-up, 2 uvicorn processes, PostgreSQL + Redis"
        )
        print(f"loadavg {os.getloadavg()[0]:.2f}, cpus {os.cpu_count()}")
        print(line("baseline /healthz alone", b))
        print(line("supports + withdrawals", s))
        print(line("/healthz during the supports", h))
        if b["rate"]:
            print(
                f"supports/s as a share of /healthz req/s alone: {s['rate'] / b['rate']:.3f}"
            )
        print(
            f"after: support_count {count}, Support rows {rows}, consistent {count == rows}, status {status}"
        )
        if alive:
            print("processes that died:", alive)
        print(f"server logs: {LOG_DIR}")
    finally:
        servers.stop_all()


if __name__ == "__main__":
    main()
