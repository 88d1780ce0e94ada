"""RSVP throughput: many residents pressing "going" / "cancel" on ONE event date at once.

    flock /tmp/dongne-bench.lock .venv/bin/python bench/rsvp.py --clients 50 200 --seconds 20

Two uvicorn processes of the project on PostgreSQL + Redis (database
`dongne_bench`, see bench/README.md). For each number of clients C it creates
one fresh event on board yeoksam-1 (one date, capacity C/2 unless
`--capacity`), then

1. baseline: C keep-alive connections GET `/healthz` (full middleware stack)
   on the same two processes for `--warmup` + `--seconds`;
2. RSVP: C clients, each its own resident account (`bench-rsvp-N@bench.invalid`,
   signed in by a session made server-side) on its own keep-alive connection,
   alternating processes by client number, loop sign up (going=1, guests
   0..`--max-guests`), cancel (going=0), sign up, ... with form POSTs to
   `/events/o/<occurrence>/rsvp/` (CSRF cookie + csrfmiddlewaretoken) for the
   same time. The occurrence row is locked by every one of them, so the lock
   is contended for the whole run, the event is full most of the time and the
   waiting list and promotions run.

Only responses that finish inside the measured window (after `--warmup`) count.
An RSVP is accepted when the answer is a 302 to the event page carrying a
success message (the `messages` cookie is decoded, not verified); a 302 with an
error message (refused), a 302 elsewhere (e.g. to the login page), any other
status, a timeout or a broken connection is an error. While the RSVP phase
runs, a sampler reads `pg_stat_activity` of `dongne_bench` (who is in a
transaction, who waits on a lock, on which statement) and follows the event's
live-event log (every `rsvp.changed` count must respect the capacity). After
it, the occurrence is checked: going_count = seats of GOING rows,
waitlist_count = WAITLISTED rows, going <= capacity.

Figures are printed, never asserted; the exit status is 0 unless the
benchmark itself failed. Everything binds to 127.0.0.1; every process started
is terminated and waited for, also on errors, SIGTERM and `--max-seconds`.
"""

import argparse
import asyncio
import base64
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    DATABASE_URL,
    DB_NAME,
    LOG_DIR,
    PY,
    ROOT,
    VAR_DIR,
    Servers,
    cpu_seconds,
    ensure_database,
    free_port,
    install_signal_handlers,
    log,
    machine_cpu_ticks,
    new_event_loop_runner,
    percentile,
    project_env,
    raise_nofile,
    run,
    summarize_logs,
)

BOARD = "yeoksam-1"
ACCOUNT = "bench-rsvp-{}@bench.invalid"
ORGANISER = "bench-rsvp-organiser@bench.invalid"
SUCCESS, ERROR = 25, 40  # django.contrib.messages levels


# Django side (run in a child process with the project's environment) ---------


def child_setup(spec: dict) -> dict:
    """Accounts, one session each, and one fresh single-date event per client count."""
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from district import languages
    from district.models import LiveEvent
    from district.services import account_ensure
    from events.services import event_create
    from forums.models import Board

    board = Board.objects.select_related("dong").get(slug=BOARD)
    password = make_password(secrets.token_urlsafe(18))  # nobody signs in with it
    organiser = account_ensure(
        email=ORGANISER,
        password_hash=password,
        display_name="bench-rsvp-organiser",
        groups=(board.dong.leaders_group,),
    )
    sessions = []
    for number in range(spec["accounts"]):
        user = account_ensure(
            email=ACCOUNT.format(number),
            password_hash=password,
            display_name=f"bench-rsvp-{number}",
            language="en",  # messages in English, so the client can tell going from waiting
        )
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store[languages.SESSION_KEY] = "en"  # else the first request writes the session
        store.create()
        sessions.append(store.session_key)
    start = (timezone.localtime() + timedelta(days=14)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    levels = []
    for clients, capacity in spec["levels"]:
        event = event_create(
            organiser=organiser,
            board=board,
            title=f"bench rsvp {clients} clients {stamp}",
            description="Benchmark event (bench/rsvp.py).",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            capacity=capacity,
        )
        occurrence = event.occurrences.get()
        if not getattr(event, "approved", True):
            raise SystemExit(f"event {event.pk} was created unapproved")
        levels.append(
            {
                "clients": clients,
                "capacity": capacity,
                "event_id": event.pk,
                "occurrence_id": occurrence.pk,
                "event_path": event.get_absolute_url(),
                "topic": event.topic,
            }
        )
    return {
        "sessions": sessions,
        "levels": levels,
        "tables": {"liveevent": LiveEvent._meta.db_table},
        "verify_sql": verify_sql(),
    }


def verify_sql() -> dict:
    """The after-run check as one SQL query with parameters, built from the models' metadata.

    Run by the parent with psycopg, so the check does not import the project's
    code again (it may be mid-edit by then).
    """
    from django.db import connection

    from district.models import Notification
    from events.models import RSVP, Event, Occurrence, RSVPStatus

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def col(model, name: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(name).column)

    def rsvps(status: str) -> str:
        return (
            f"FROM {table(RSVP)} r WHERE r.{col(RSVP, 'occurrence')} = o.{col(Occurrence, 'id')}"
            f" AND r.{col(RSVP, 'status')} = %({status})s"
        )

    guests = f"r.{col(RSVP, 'guests')}"
    sql = f"""
        SELECT
          e.{col(Event, "capacity")} AS capacity,
          o.{col(Occurrence, "going_count")} AS going_count,
          o.{col(Occurrence, "waitlist_count")} AS waitlist_count,
          (SELECT coalesce(sum(1 + {guests}), 0) {rsvps("going")}) AS going_seats,
          (SELECT count(*) {rsvps("going")}) AS going_rows,
          (SELECT count(*) {rsvps("waitlisted")}) AS waitlisted_rows,
          (SELECT count(*) {rsvps("cancelled")}) AS cancelled_rows,
          (SELECT 1 + {guests} {rsvps("waitlisted")}
            ORDER BY r.{col(RSVP, "waitlisted_at")}, r.{col(RSVP, "id")} LIMIT 1) AS head_seats,
          (SELECT count(*) FROM {table(Notification)} n
            WHERE n.{col(Notification, "kind")} = 'rsvp_promoted'
            AND n.{col(Notification, "url")} = %(url)s) AS promotions
        FROM {table(Occurrence)} o
        JOIN {table(Event)} e ON e.{col(Event, "id")} = o.{col(Occurrence, "event")}
        WHERE o.{col(Occurrence, "id")} = %(occurrence)s
    """
    return {
        "sql": " ".join(sql.split()),
        "params": {
            "going": RSVPStatus.GOING.value,
            "waitlisted": RSVPStatus.WAITLISTED.value,
            "cancelled": RSVPStatus.CANCELLED.value,
        },
    }


def verify(level: dict, query: dict) -> dict:
    """The occurrence's counters against its RSVP rows, after the run (the query from setup)."""
    params = {
        **query["params"],
        "occurrence": level["occurrence_id"],
        "url": level["event_path"],
    }
    with psycopg.connect(DATABASE_URL, autocommit=True) as db:
        cursor = db.execute(query["sql"], params)
        names = [column.name for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def child_main(argument: str) -> None:
    # bench/ holds votes.py and proposals.py: off the path, or they shadow the apps of those names.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    # Importing common made two temp dirs for this process; the parent's are in the environment.
    shutil.rmtree(VAR_DIR, ignore_errors=True)
    shutil.rmtree(LOG_DIR, ignore_errors=True)
    print(json.dumps(child_setup(json.loads(argument))))


def django_setup(spec: dict, timeout: float = 600) -> dict:
    """Run child_setup in a child process with the project's environment."""
    out = run(
        [PY, str(Path(__file__).resolve()), "--_setup", json.dumps(spec)],
        project_env(),
        timeout,
    )
    return json.loads(out.strip().splitlines()[-1])


# HTTP client ----------------------------------------------------------------------


class Connection:
    """One HTTP/1.1 keep-alive connection; reconnects after an error."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, data: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                "127.0.0.1", self.port
            )
        reader = self.reader
        self.writer.write(data)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status_line, *lines = head.split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = []
        for line in lines:
            if line:
                name, _, value = line.partition(":")
                headers.append((name.strip().lower(), value.strip()))
        values = dict(headers)
        if "content-length" in values:
            body = await reader.readexactly(int(values["content-length"]))
        elif "chunked" in values.get("transfer-encoding", "").lower():
            body = b""
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                body += (await reader.readexactly(size + 2))[:-2]
            await reader.readuntil(b"\r\n")
        else:
            body = await reader.read()
            self.close()
        if values.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def decode_messages(headers: list[tuple[str, str]]) -> list[tuple[int, str]]:
    """(level, text) of the messages Django put in the `messages` cookie (signature not checked)."""
    found = []
    for name, value in headers:
        if name != "set-cookie" or not value.startswith("messages="):
            continue
        payload = value.split(";", 1)[0][len("messages=") :].strip('"')
        data = payload.split(":", 1)[0]
        compressed = data.startswith(".")
        data = data.lstrip(".")
        raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        if compressed:
            raw = zlib.decompress(raw)
        for item in json.loads(raw):
            if isinstance(item, list) and len(item) >= 4:
                found.append((item[2], str(item[3])))
    return found


def classify_rsvp(status: int, headers: list[tuple[str, str]], event_path: str) -> str:
    if status != 302:
        return f"HTTP {status}"
    location = dict(headers).get("location", "")
    if urllib.parse.urlsplit(location).path != event_path:
        return f"302 to {urllib.parse.urlsplit(location).path or '?'}"
    try:
        messages = decode_messages(headers)
    except (
        ValueError,
        zlib.error,
    ):  # binascii.Error and JSONDecodeError are ValueErrors
        return "302 with an unreadable messages cookie"
    errors = [text for level, text in messages if level >= ERROR]
    if errors:
        return f"refused: {errors[0][:60]}"
    text = " ".join(text for level, text in messages if level == SUCCESS).lower()
    if not text:
        return "302 without a message"
    if "waiting list" in text:
        return "waitlisted"
    if "no longer" in text:
        return "cancelled"
    if "going" in text:
        return "going"
    return "accepted (other message)"


ACCEPTED = {"going", "waitlisted", "cancelled", "accepted (other message)"}


@dataclass
class Phase:
    """Completed requests of one phase: (finish time, latency ms, kind)."""

    results: list[tuple[float, float, str]] = field(default_factory=list)
    window: tuple[float, float] = (0.0, 0.0)
    cpu: dict = field(default_factory=dict)
    # RSVP phase: the server ("A" or "B") of each result
    servers: list[str] = field(default_factory=list)

    def in_window(self) -> list[tuple[float, float, str]]:
        start, end = self.window
        return [r for r in self.results if start <= r[0] <= end]


def http_bytes(
    method: str, path: str, port: int, headers: dict[str, str], body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def timed(conn: Connection, data: bytes, timeout: float):
    started = time.perf_counter()
    try:
        status, headers, _body = await asyncio.wait_for(conn.request(data), timeout)
        outcome = (status, headers)
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as error:
        conn.close()
        outcome = f"error: {type(error).__name__}"
    except TimeoutError:
        conn.close()
        outcome = "error: timeout"
    except ValueError as error:  # a malformed answer
        conn.close()
        outcome = f"error: {type(error).__name__}"
    return outcome, (time.perf_counter() - started) * 1000


async def healthz_client(port: int, stop_at: float, phase: Phase, timeout: float):
    conn = Connection(port)
    data = http_bytes("GET", "/healthz", port, {})
    try:
        while time.monotonic() < stop_at:
            outcome, ms = await timed(conn, data, timeout)
            if isinstance(outcome, str):
                kind = outcome
                await asyncio.sleep(0.05)
            else:
                kind = "ok" if outcome[0] == 200 else f"HTTP {outcome[0]}"
            phase.results.append((time.monotonic(), ms, kind))
    finally:
        conn.close()


async def rsvp_client(
    number: int,
    port: int,
    session: str,
    level: dict,
    stop_at: float,
    phase: Phase,
    args: argparse.Namespace,
):
    conn = Connection(port)
    rng = random.Random(number)
    token = secrets.token_hex(32)
    path = f"/events/o/{level['occurrence_id']}/rsvp/"
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={token}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    going = True
    try:
        while time.monotonic() < stop_at:
            guests = rng.randint(0, args.max_guests) if going else 0
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "going": "1" if going else "0",
                    "guests": str(guests),
                }
            ).encode()
            outcome, ms = await timed(
                conn, http_bytes("POST", path, port, headers, body), args.timeout
            )
            if isinstance(outcome, str):
                kind = outcome
                await asyncio.sleep(0.05)
            else:
                kind = classify_rsvp(*outcome, level["event_path"])
            phase.results.append((time.monotonic(), ms, kind))
            phase.servers.append("AB"[number % 2])
            going = not going
    finally:
        conn.close()


async def probe_client(
    ports: list[int], path: str, stop_at: float, probe: Phase, args: argparse.Namespace
):
    """A bystander: an anonymous visitor reading a page now and then, alternating processes.

    A new connection each time (uvicorn closes keep-alive connections idle for 5 s).
    """
    sent = 0
    while time.monotonic() < stop_at:
        conn = Connection(ports[sent % len(ports)])
        sent += 1
        try:
            outcome, ms = await timed(
                conn, http_bytes("GET", path, conn.port, {}), args.timeout
            )
        finally:
            conn.close()
        if isinstance(outcome, str):
            kind = outcome
        else:
            kind = "ok" if outcome[0] == 200 else f"HTTP {outcome[0]}"
        probe.results.append((time.monotonic(), ms, kind))
        await asyncio.sleep(args.probe_interval)


# Sampling PostgreSQL during the RSVP phase ------------------------------------------------


def query_label(query: str) -> str:
    """A short name for a statement: verb, main table, FOR UPDATE."""
    q = " ".join(query.split())
    upper = q.upper()
    for verb, pattern in (
        ("SELECT", r'\bFROM "?(\w+)"?'),
        ("INSERT", r'^INSERT INTO "?(\w+)"?'),
        ("UPDATE", r'^UPDATE "?(\w+)"?'),
        ("DELETE", r'^DELETE FROM "?(\w+)"?'),
    ):
        if upper.startswith(verb):
            match = re.search(pattern, q, re.IGNORECASE)
            if match is None and verb == "SELECT":
                # pg_stat_activity cuts the text at track_activity_query_size (1 kB):
                # name the first table of the column list instead.
                match = re.search(r'"(\w+)"\."\w+"', q)
            label = f"{verb} {match.group(1) if match else '?'}"
            if verb == "SELECT" and "COUNT(" in upper:
                label += " COUNT"
            if "FOR UPDATE" in upper:
                label += " FOR UPDATE"
            if "ON CONFLICT" in upper:
                label += " ON CONFLICT"
            return label
    return q[:40] or "(none)"


class Sampler(threading.Thread):
    """Polls pg_stat_activity (inside the window) and the event's live-event log (all along)."""

    def __init__(
        self,
        window: tuple[float, float],
        level: dict,
        tables: dict,
        interval: float,
        pids: dict[str, int],
    ):
        super().__init__(daemon=True)
        self.window, self.level, self.tables = window, level, tables
        self.pids = pids
        self.threads: dict[str, int] = dict.fromkeys(pids, 0)
        self.previous: tuple[int, int] | None = (
            None  # (going, waitlisted) of the last event
        )
        self.jumps = 0  # places taken straight away while others were waiting
        self.jumps_seats: Counter = Counter()  # seats taken by those sign-ups
        self.interval = interval
        self.stop = threading.Event()
        self.samples = 0
        self.in_transaction: list[int] = []
        self.waiting: list[int] = []
        self.states: Counter = Counter()
        self.active_statements: Counter = Counter()
        self.waiting_statements: Counter = Counter()
        self.idle_in_tx_after: Counter = Counter()
        self.connections: list[int] = []
        self.live_seen = 0
        self.live_last_seq = 0
        self.live_missing = 0
        self.live_max_going = 0
        self.live_over_capacity = 0
        self.error: str | None = None

    def run(self) -> None:
        try:
            with psycopg.connect(DATABASE_URL, autocommit=True) as db:
                next_live = 0.0
                while not self.stop.is_set():
                    now = time.monotonic()
                    if now >= next_live:
                        self.poll_live(db)
                        next_live = now + 0.25
                    if self.window[0] <= now <= self.window[1]:
                        self.sample(db)
                    self.stop.wait(self.interval)
                self.poll_live(db)
        except (
            psycopg.Error,
            OSError,
            ValueError,
            KeyError,
        ) as error:  # reported, not fatal
            self.error = f"{type(error).__name__}: {error}"

    def sample(self, db) -> None:
        rows = db.execute(
            "SELECT state, wait_event_type, wait_event, query FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'",
            [DB_NAME],
        ).fetchall()
        self.samples += 1
        in_tx = waiting = 0
        for state, wait_type, wait_event, query in rows:
            state = state or "?"
            if state == "active" or state.startswith("idle in transaction"):
                in_tx += 1
            wait = f"{wait_type}:{wait_event}" if wait_type else "running"
            if state == "active":
                self.states[f"active ({wait})"] += 1
                self.active_statements[query_label(query)] += 1
                if wait_type == "Lock":
                    waiting += 1
                    self.waiting_statements[query_label(query)] += 1
            else:
                self.states[state] += 1
                if state.startswith("idle in transaction"):
                    self.idle_in_tx_after[query_label(query)] += 1
        self.connections.append(len(rows))
        self.in_transaction.append(in_tx)
        self.waiting.append(waiting)
        for name, pid in self.pids.items():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("Threads:"):
                    self.threads[name] = max(self.threads[name], int(line.split()[1]))

    def poll_live(self, db) -> None:
        rows = db.execute(
            f'SELECT seq, data FROM "{self.tables["liveevent"]}"'
            " WHERE topic = %s AND seq > %s ORDER BY seq",
            [self.level["topic"], self.live_last_seq],
        ).fetchall()
        for seq, data in rows:
            consecutive = seq == self.live_last_seq + 1
            self.live_missing += seq - self.live_last_seq - 1
            self.live_last_seq = seq
            self.live_seen += 1
            if isinstance(data, str):
                data = json.loads(data)
            going = int(data.get("going") or 0)
            waitlisted = int(data.get("waitlisted") or 0)
            self.live_max_going = max(self.live_max_going, going)
            if going > self.level["capacity"]:
                self.live_over_capacity += 1
            # A sign-up straight to GOING leaves the waiting list as it was; a
            # promotion shortens it. Going up with people waiting = a queue jump.
            if self.previous and consecutive:
                before_going, before_waiting = self.previous
                if going > before_going and waitlisted == before_waiting > 0:
                    self.jumps += 1
                    self.jumps_seats[going - before_going] += 1
            self.previous = (going, waitlisted)


# Running -------------------------------------------------------------------------


def postgres_cpu() -> dict[int, float]:
    """CPU seconds of every process named postgres on the machine (all databases, not only ours)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        if "(postgres)" in text:
            fields = text.rsplit(")", 1)[1].split()
            found[int(stat.parent.name)] = (
                int(fields[11]) + int(fields[12])
            ) / os.sysconf("SC_CLK_TCK")
    return found


def cpu_snapshot(pids: dict[str, int]) -> dict:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "procs": {name: cpu_seconds(pid) for name, pid in pids.items()},
        "postgres": postgres_cpu(),
        "client": usage.ru_utime + usage.ru_stime,
        "machine": machine_cpu_ticks(),
    }


async def run_phase(
    name: str,
    clients: list,
    args: argparse.Namespace,
    pids: dict[str, int],
    phase: Phase,
    probe: Phase,
    probe_path: str,
    ports: list[int],
) -> Phase:
    """Start every client coroutine factory at once; measure between warm-up end and stop."""
    start = time.monotonic()
    phase.window = probe.window = (
        start + args.warmup,
        start + args.warmup + args.seconds,
    )
    tasks = [asyncio.create_task(make(phase.window[1], phase)) for make in clients]
    if args.probe_interval > 0:
        tasks.append(
            asyncio.create_task(
                probe_client(ports, probe_path, phase.window[1], probe, args)
            )
        )
    await asyncio.sleep(max(0.0, phase.window[0] - time.monotonic()))
    before = cpu_snapshot(pids)
    await asyncio.sleep(max(0.0, phase.window[1] - time.monotonic()))
    after = cpu_snapshot(pids)
    await asyncio.gather(*tasks)
    busy = after["machine"][0] - before["machine"][0]
    total = after["machine"][1] - before["machine"][1]
    phase.cpu = {
        "procs": {n: after["procs"][n] - before["procs"][n] for n in pids},
        "postgres": sum(
            seconds - before["postgres"].get(pid, 0.0)
            for pid, seconds in after["postgres"].items()
        ),
        "client": after["client"] - before["client"],
        "machine_busy": busy / total if total else float("nan"),
    }
    log(f"{name}: {len(phase.results)} responses")
    return phase


def latency_figures(values: list[float]) -> dict:
    values = sorted(values)
    return {
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": values[-1] if values else float("nan"),
        "mean": sum(values) / len(values) if values else float("nan"),
    }


def fmt_ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def summarise(phase: Phase, seconds: float, accepted_kinds: set[str]) -> dict:
    window = phase.in_window()
    kinds = Counter(kind for _t, _ms, kind in window)
    accepted = [ms for _t, ms, kind in window if kind in accepted_kinds]
    start, end = phase.window
    outside = {"warm-up": Counter(), "drain": Counter()}
    for t, _ms, kind in phase.results:
        if t < start or t > end:
            bucket = outside["warm-up" if t < start else "drain"]
            bucket["accepted" if kind in accepted_kinds else kind] += 1
    return {
        "kinds": kinds,
        "outside": outside,
        "drain_errors": sum(
            n for kind, n in outside["drain"].items() if kind != "accepted"
        ),
        "accepted": len(accepted),
        "errors": sum(n for kind, n in kinds.items() if kind not in accepted_kinds),
        "rate": len(accepted) / seconds,
        "all_rate": len(window) / seconds,
        **latency_figures(accepted),
    }


def print_spread(phase: Phase) -> None:
    """Where the slow answers are: latency by server and by outcome (accepted answers in the window)."""
    start, end = phase.window
    groups: dict[str, list[float]] = {}
    for (t, ms, kind), server in zip(phase.results, phase.servers, strict=True):
        if start <= t <= end and kind in ACCEPTED:
            groups.setdefault(f"dongne-{server}", []).append(ms)
            groups.setdefault(kind, []).append(ms)
    seconds: dict[int, list[float]] = {}
    for t, ms, kind in phase.results:
        if start <= t <= end and kind in ACCEPTED:
            seconds.setdefault(int((t - start) // 2), []).append(ms)
    print(
        "    by 2-second span (answers, p50 / max ms): "
        + "; ".join(
            f"{2 * k}s {len(v)} {fmt_ms(percentile(sorted(v), 50))}/{fmt_ms(max(v))}"
            for k, v in sorted(seconds.items())
        )
    )
    print(
        "    latency by server and outcome (p50 / p99 ms, count): "
        + "; ".join(
            f"{name} {fmt_ms(percentile(sorted(v), 50))} / {fmt_ms(percentile(sorted(v), 99))} ({len(v):,})"
            for name, v in sorted(groups.items())
        )
    )


def print_outside(summary: dict) -> None:
    """What finished before the window (warm-up) and after it (requests in flight at its end)."""
    parts = []
    for name, label in (
        ("warm-up", "in the warm-up"),
        ("drain", "after the window (in flight at its end)"),
    ):
        bucket = summary["outside"][name]
        errors = {kind: n for kind, n in bucket.items() if kind != "accepted"}
        parts.append(
            f"{label} {bucket['accepted']:,} accepted, {sum(errors.values())} errors"
            + (f" {errors}" if errors else "")
        )
    print("    not counted: " + "; ".join(parts))


def print_cpu(cpu: dict, requests: int) -> None:
    servers = sum(cpu["procs"].values())
    per = ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu["procs"].items())
    each = (
        f" = {servers * 1000 / requests:.1f} ms + postgres "
        f"{cpu['postgres'] * 1000 / requests:.1f} ms per answered request"
        if requests
        else ""
    )
    print(
        f"    CPU in the window: servers {servers:.1f} s ({per}), all postgres processes "
        f"{cpu['postgres']:.1f} s{each}; load client {cpu['client']:.1f} s; "
        f"machine busy {cpu['machine_busy'] * 100:.0f}% of {os.cpu_count()} cores"
    )


def print_probe(probe: Phase, path: str, args: argparse.Namespace) -> None:
    if args.probe_interval <= 0:
        return
    p = summarise(probe, args.seconds, {"ok"})
    print(
        f"    bystander: anonymous GET {path} every {args.probe_interval:g} s meanwhile: "
        f"{p['accepted']} ok, latency p50 {fmt_ms(p['p50'])} ms, max {fmt_ms(p['max'])} ms; "
        f"errors {p['errors']}" + (f" {dict(p['kinds'])}" if p["errors"] else "")
    )


async def run_level(
    level: dict,
    sessions: list[str],
    ports: list[int],
    pids: dict[str, int],
    tables: dict,
    verify_query: dict,
    args: argparse.Namespace,
) -> dict:
    clients = level["clients"]
    print(
        f"\n== {clients} clients: event {level['event_id']} (occurrence "
        f"{level['occurrence_id']}), capacity {level['capacity']}, "
        f"0-{args.max_guests} guests per sign-up ==",
        flush=True,
    )

    # 1. Baseline: /healthz at the same concurrency on the same processes.
    log(f"{clients} clients: /healthz for {args.warmup:.0f}+{args.seconds:.0f} s")
    health_probe = Phase()
    health = await run_phase(
        "healthz",
        [
            (
                lambda stop, phase, port=ports[n % 2]: healthz_client(
                    port, stop, phase, args.timeout
                )
            )
            for n in range(clients)
        ],
        args,
        pids,
        Phase(),
        health_probe,
        level["event_path"],
        ports,
    )
    h = summarise(health, args.seconds, {"ok"})
    print(
        f"  /healthz: {h['accepted']:,} ok in {args.seconds:.0f} s = {h['rate']:,.1f} req/s; "
        f"latency p50 {fmt_ms(h['p50'])} ms, p95 {fmt_ms(h['p95'])} ms, "
        f"p99 {fmt_ms(h['p99'])} ms; errors {h['errors']}"
        + (f" {dict(h['kinds'])}" if h["errors"] else "")
    )
    print_outside(h)
    print_cpu(health.cpu, h["accepted"] + h["errors"])
    print_probe(health_probe, level["event_path"], args)

    # 2. RSVPs on one occurrence, sampled.
    log(f"{clients} clients: RSVP for {args.warmup:.0f}+{args.seconds:.0f} s")
    phase = Phase()
    start = time.monotonic()
    sampler = Sampler(
        (start + args.warmup, start + args.warmup + args.seconds),
        level,
        tables,
        args.sample_interval,
        pids,
    )
    sampler.start()
    rsvp_probe = Phase()
    try:
        await run_phase(
            "rsvp",
            [
                (
                    lambda stop, phase, n=n: rsvp_client(
                        n, ports[n % 2], sessions[n], level, stop, phase, args
                    )
                )
                for n in range(clients)
            ],
            args,
            pids,
            phase,
            rsvp_probe,
            level["event_path"],
            ports,
        )
    finally:
        sampler.stop.set()
        sampler.join(timeout=10)
    r = summarise(phase, args.seconds, ACCEPTED)
    outcomes = ", ".join(
        f"{kind} {r['kinds'][kind]:,}"
        for kind in ("going", "waitlisted", "cancelled", "accepted (other message)")
        if r["kinds"][kind]
    )
    error_kinds = {k: n for k, n in r["kinds"].items() if k not in ACCEPTED}
    print(
        f"  RSVP: {r['accepted']:,} accepted in {args.seconds:.0f} s = {r['rate']:,.1f} RSVPs/s "
        f"({outcomes}); latency p50 {fmt_ms(r['p50'])} ms, p95 {fmt_ms(r['p95'])} ms, "
        f"p99 {fmt_ms(r['p99'])} ms, max {fmt_ms(r['max'])} ms; errors {r['errors']}"
        + (f" {error_kinds}" if error_kinds else "")
    )
    print_outside(r)
    print_spread(phase)
    print_cpu(phase.cpu, r["accepted"] + r["errors"])
    print_probe(rsvp_probe, level["event_path"], args)
    print(
        "    server threads (max seen): "
        + ", ".join(f"{name} {count}" for name, count in sampler.threads.items())
    )
    ratio = h["rate"] / r["rate"] if r["rate"] else float("inf")
    print(
        f"  ratio: /healthz {h['rate']:,.1f} req/s / RSVP {r['rate']:,.1f} RSVPs/s = {ratio:.1f} "
        f"(an RSVP at 1/{ratio:.1f} of the trivial view)"
    )
    print(
        f"  Little's law: {r['rate']:,.1f} RSVPs/s x mean latency {r['mean'] / 1000:.3f} s "
        f"= {r['rate'] * r['mean'] / 1000:.1f} requests in flight (clients: {clients})"
    )
    if sampler.error:
        print(f"  PostgreSQL sampler failed: {sampler.error}")
    elif sampler.samples:
        n = sampler.samples
        states = ", ".join(
            f"{state} {count / n:.2f}" for state, count in sampler.states.most_common(6)
        )
        active = ", ".join(
            f"{label} {count / n:.2f}"
            for label, count in sampler.active_statements.most_common(6)
        )
        waiting = ", ".join(
            f"{label} {count / n:.2f}"
            for label, count in sampler.waiting_statements.most_common(4)
        )
        print(
            f"  PostgreSQL ({n} samples of pg_stat_activity, every {args.sample_interval * 1000:.0f} ms): "
            f"backends in a transaction mean {sum(sampler.in_transaction) / n:.2f}, "
            f"max {max(sampler.in_transaction)}; waiting on a lock mean "
            f"{sum(sampler.waiting) / n:.2f}, max {max(sampler.waiting)}, "
            f"in {sum(1 for w in sampler.waiting if w) / n * 100:.0f}% of samples"
        )
        idle_after = ", ".join(
            f"{label} {count / n:.2f}"
            for label, count in sampler.idle_in_tx_after.most_common(4)
        )
        print(
            f"    connections to {DB_NAME}: mean {sum(sampler.connections) / n:.1f}, "
            f"max {max(sampler.connections)}; by state (mean per sample): {states}"
        )
        print(
            f"    idle in transaction (Python working inside a transaction) after: {idle_after or 'none seen'}"
        )
        print(f"    running statements (mean per sample): {active or 'none seen'}")
        print(f"    statements waiting on a lock: {waiting or 'none seen'}")
    print(
        f"  live log of {level['topic']}: {sampler.live_seen:,} events read during the run "
        f"(last seq {sampler.live_last_seq:,}, {sampler.live_missing} trimmed before read); "
        f"max going {sampler.live_max_going} (capacity {level['capacity']}), "
        f"{sampler.live_over_capacity} over capacity; {sampler.jumps} sign-ups went straight "
        f"to GOING while others were waiting"
        + (
            " (seats taken: "
            + ", ".join(f"{k}: {n}" for k, n in sorted(sampler.jumps_seats.items()))
            + ")"
            if sampler.jumps
            else ""
        )
    )

    # 3. Consistency of the occurrence after the run.
    v = verify(level, verify_query)
    free = v["capacity"] - v["going_count"]
    checks = {
        "going_count = seats of GOING rows": v["going_count"] == v["going_seats"],
        "waitlist_count = WAITLISTED rows": v["waitlist_count"] == v["waitlisted_rows"],
        "going <= capacity": v["going_count"] <= v["capacity"]
        and sampler.live_over_capacity == 0,
    }
    consistent = all(checks.values())
    print(
        f"  consistency: {'OK' if consistent else 'INCONSISTENT'}: going_count {v['going_count']} "
        f"vs seats of {v['going_rows']} GOING rows {v['going_seats']}; waitlist_count "
        f"{v['waitlist_count']} vs WAITLISTED rows {v['waitlisted_rows']}; capacity "
        f"{v['capacity']}; CANCELLED rows {v['cancelled_rows']}; promotions (notifications) "
        f"{v['promotions']:,}"
    )
    for name, ok in checks.items():
        print(f"    {'ok ' if ok else 'FAIL'} {name}")
    if v["head_seats"] is not None:
        print(
            f"    head of the waiting list needs {v['head_seats']} seat(s), {free} free: "
            + (
                "would fit (a promotion was missed)"
                if v["head_seats"] <= free
                else "ok"
            )
        )
    return {
        "clients": clients,
        "capacity": level["capacity"],
        "rsvp": r,
        "healthz": h,
        "ratio": ratio,
        "consistent": consistent,
    }


def git_state() -> str:
    def git(*cmd: str) -> str:
        return subprocess.run(
            ["git", *cmd],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()

    dirty = git("status", "--porcelain", "--", "events", "site", "forums")
    return f"git {git('rev-parse', '--short', 'HEAD')}" + (
        f" + {len(dirty.splitlines())} uncommitted files in events/ site/ forums/"
        if dirty
        else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[50, 200])
    parser.add_argument(
        "--capacity",
        type=int,
        nargs="+",
        help="places per event, one per --clients value (default: clients / 2)",
    )
    parser.add_argument("--seconds", type=float, default=20, help="measured window")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured, first")
    parser.add_argument("--max-guests", type=int, default=1, choices=range(4))
    parser.add_argument("--timeout", type=float, default=30, help="per request")
    parser.add_argument("--sample-interval", type=float, default=0.05)
    parser.add_argument(
        "--probe-interval",
        type=float,
        default=0.5,
        help="a bystander GET of the event page every this many s (0: none)",
    )
    parser.add_argument("--max-seconds", type=int, default=900, help="whole run")
    args = parser.parse_args()
    capacities = args.capacity or [max(1, c // 2) for c in args.clients]
    if len(capacities) != len(args.clients):
        parser.error("give one --capacity per --clients value")

    install_signal_handlers()

    def out_of_time(signum, frame):
        raise SystemExit(f"stopped: --max-seconds {args.max_seconds} reached")

    signal.signal(signal.SIGALRM, out_of_time)
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
    results = []
    try:
        ensure_database()
        log("accounts, sessions, events")
        data = django_setup(
            {
                "accounts": max(args.clients),
                "levels": list(zip(args.clients, capacities, strict=True)),
            }
        )
        ports = [free_port(), free_port()]
        pids = {}
        for name, port in zip(("dongne-A", "dongne-B"), ports, strict=True):
            proc = servers.uvicorn(
                name, "district.asgi:application", port, project_env()
            )
            pids[name] = proc.pid
        print(
            f"servers: 2 x uvicorn district.asgi (bench/settings/served_settings.py: dev with DEBUG off), "
            f"PostgreSQL {DB_NAME} + Redis; clients alternate A/B by number; "
            f"window {args.warmup:.0f} s warm-up + {args.seconds:.0f} s measured per phase",
            flush=True,
        )
        with runner:
            for level in data["levels"]:
                results.append(
                    runner.run(
                        run_level(
                            level,
                            data["sessions"],
                            ports,
                            pids,
                            data["tables"],
                            data["verify_sql"],
                            args,
                        )
                    )
                )
                if dead := servers.check_alive():
                    raise RuntimeError("; ".join(dead))

        print(
            "\n| clients | places | accepted RSVPs/s | p50 ms | p95 ms | p99 ms | errors "
            "| /healthz req/s | ratio | consistency |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for res in results:
            r, h = res["rsvp"], res["healthz"]
            print(
                f"| {res['clients']} | {res['capacity']} | {r['rate']:,.1f} | {fmt_ms(r['p50'])} "
                f"| {fmt_ms(r['p95'])} | {fmt_ms(r['p99'])} | {r['errors']}"
                + (f" (+{r['drain_errors']} after)" if r["drain_errors"] else "")
                + f" | {h['rate']:,.0f} "
                f"| 1/{res['ratio']:.1f} | {'ok' if res['consistent'] else 'INCONSISTENT'} |"
            )
        print("\nserver logs:")
        for line in summarize_logs(servers.logs()):
            print(line)
        print(f"  (in {LOG_DIR})")
    except SystemExit as stop:
        log(f"stopping ({stop}); terminating the servers")
        raise
    finally:
        signal.alarm(0)
        servers.stop_all()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--_setup"]:
        child_main(sys.argv[2])
    else:
        main()
