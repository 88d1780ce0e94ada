"""Shared helpers for the benchmarks in bench/: environment, database setup, server processes, RSS, stats.

Nothing here touches the project's code; servers are started as separate
processes with `python -m uvicorn`. Everything binds to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PY = sys.executable

# BENCH_DB_NAME / BENCH_DONGNE_REDIS_URL let one engineer bench on their own database and Redis db.
DB_NAME = os.environ.get("BENCH_DB_NAME", "dongne_bench")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = os.environ.get(
    "BENCH_DONGNE_REDIS_URL", "redis://127.0.0.1:6379/13"
)  # ours (channels-redis, prefix "dongne")
BARE_REDIS_URL = os.environ.get(
    "BENCH_BARE_REDIS_URL", "redis://127.0.0.1:6379/12"
)  # bare Channels baseline
BARE_PREFIX = "benchbare"
SECRET_KEY = "bench-only-secret-key-" + "x" * 40

# One var dir for every process started by one benchmark run: dev settings read
# SECRET_KEY from <var>/secret_key, so all processes share it.
VAR_DIR = Path(tempfile.mkdtemp(prefix="dongne-bench-var-"))
(VAR_DIR / "secret_key").write_text(SECRET_KEY)
LOG_DIR = Path(tempfile.mkdtemp(prefix="dongne-bench-logs-"))


def project_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        # dev with DEBUG off; its own folder, as bench/ holds votes.py and proposals.py (the apps' names)
        DJANGO_SETTINGS_MODULE="served_settings",
        PYTHONPATH=str(BENCH / "settings") + os.pathsep + env.get("PYTHONPATH", ""),
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        SECRET_KEY=SECRET_KEY,
        DONGNE_VAR_DIR=str(VAR_DIR),
        PYTHONUNBUFFERED="1",
    )
    return env


def bare_env(stock_redis_timeout: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    env["BENCH_STOCK_TIMEOUT"] = "1" if stock_redis_timeout else ""
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="bare_settings",
        PYTHONPATH=str(BENCH) + os.pathsep + env.get("PYTHONPATH", ""),
        BENCH_REDIS_URL=BARE_REDIS_URL,
        BENCH_PREFIX=BARE_PREFIX,
        PYTHONUNBUFFERED="1",
    )
    return env


def raise_nofile() -> int:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# Database -------------------------------------------------------------------


def run(cmd: list[str], env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"command failed ({result.returncode}): {shlex.join(cmd)}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result.stdout


def prepare_database(posters: int) -> dict:
    """Create dongne_bench if needed, migrate, seed, and make a fresh thread + poster sessions."""
    ensure_database()
    env = project_env()
    out = run([PY, str(BENCH / "setup_data.py"), "--posters", str(posters)], env)
    return json.loads(out.strip().splitlines()[-1])


def ensure_database(db_name: str = DB_NAME, env: dict[str, str] | None = None) -> None:
    """Create the benchmark database if needed, migrate and seed it; nothing else (no thread, no sessions).

    `db_name` and `env` (with its DATABASE_URL) let each benchmark keep its own database.
    """
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres"]
    exists = subprocess.run(
        [*psql, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{db_name}'"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.strip()
    if exists != "1":
        log(f"creating database {db_name}")
        subprocess.run(
            [*psql, "-c", f"CREATE DATABASE {db_name}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    env = env or project_env()
    log("migrate")
    run([PY, "manage.py", "migrate", "--no-input", "-v", "0"], env, timeout=600)
    log("seed_district")
    run([PY, "manage.py", "seed_district"], env, timeout=600)


# Server processes -------------------------------------------------------------


class Servers:
    """Start processes, wait for their ports, and always terminate + wait them."""

    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []

    def start(
        self,
        name: str,
        cmd: list[str],
        env: dict[str, str],
        port: int,
        timeout: float = 60.0,
    ) -> subprocess.Popen:
        logfile = LOG_DIR / f"{name}.log"
        with open(logfile, "wb") as fh:
            proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs.append((name, proc, logfile))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {proc.returncode}; log {logfile}:\n"
                    + logfile.read_text(errors="replace")[-4000:]
                )
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    log(f"{name} up on port {port} (pid {proc.pid})")
                    return proc
            time.sleep(0.1)
        raise RuntimeError(f"{name} did not open port {port} within {timeout}s")

    def uvicorn(
        self,
        name: str,
        app: str,
        port: int,
        env: dict[str, str],
        app_dir: str | None = None,
        deflate: bool | None = None,
    ) -> subprocess.Popen:
        """deflate: uvicorn's --ws-per-message-deflate; None leaves uvicorn's default (on),
        except for the project's app, which gets the project's setting
        (DONGNE_WS_PERMESSAGE_DEFLATE in `env`, off by default) as `manage.py serve` passes it.
        """
        if deflate is None and app.startswith("district."):
            deflate = env.get("DONGNE_WS_PERMESSAGE_DEFLATE", "0") == "1"
        cmd = [
            PY,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws-max-size",
            "65536",  # as the project serves (district.consumers.SERVER_MAX_FRAME_BYTES)
            "--log-level",
            "warning",
            "--lifespan",
            "off",
        ]
        if app_dir:
            cmd += ["--app-dir", app_dir]
        if deflate is not None:
            cmd += ["--ws-per-message-deflate", "true" if deflate else "false"]
        return self.start(name, cmd, env, port)

    def stop_all(self) -> None:
        for name, proc, _ in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for name, proc, _ in reversed(self.procs):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        self.procs.clear()

    def stop(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        self.procs = [p for p in self.procs if p[1] is not proc]

    def check_alive(self) -> list[str]:
        return [
            f"{n} exited with {p.returncode}"
            for n, p, _ in self.procs
            if p.poll() is not None
        ]

    def logs(self) -> dict[str, str]:
        return {
            n: f.read_text(errors="replace") for n, _, f in self.procs if f.exists()
        }


def all_logs() -> dict[str, str]:
    return {
        f.stem: f.read_text(errors="replace") for f in sorted(LOG_DIR.glob("*.log"))
    }


def summarize_logs(logs: dict[str, str]) -> list[str]:
    """One line per server log: counts of the errors seen while benchmarking."""
    out = []
    for name, text in logs.items():
        lines = [line for line in text.splitlines() if line.strip()]
        bad = [
            line
            for line in lines
            if any(
                w in line
                for w in ("Exception in ASGI", "WARNING", "ERROR", "Traceback")
            )
            or line.startswith("live:")
        ]

        def count(needle: str, lines: list[str] = lines) -> int:
            return sum(needle in line for line in lines)

        out.append(
            f"  {name}: {len(lines)} lines; 'Exception in ASGI application' x{count('Exception in ASGI')}, "
            f"redis TimeoutError x{count('redis.exceptions.TimeoutError')}, "
            f"hub 'live: channel layer unavailable' x{count('live: channel layer unavailable')}, "
            f"other error/warning lines {len(bad) - count('Exception in ASGI') - count('live: channel layer unavailable')}"
            + (f"; first: {bad[0][:160]}" if bad else "")
        )
    return out


def install_signal_handlers() -> None:
    """Turn SIGTERM/SIGHUP into SystemExit so `finally` blocks clean up subprocesses."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs so far, from /proc/stat; diff two readings for a busy share."""
    values = [
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ]
    # user nice system idle iowait irq softirq steal; guest time is already in user
    values = values[:8]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def clean_bare_redis() -> None:
    """Remove the bare baseline's keys (its own prefix, its own db 12) left by earlier runs."""
    import redis

    client = redis.Redis.from_url(BARE_REDIS_URL)
    keys = list(client.scan_iter(match=f"{BARE_PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


# Stats ----------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 100)) - 1))
    return sorted_values[k]


def new_event_loop_runner():
    try:
        import uvloop

        return asyncio.Runner(loop_factory=uvloop.new_event_loop), "uvloop"
    except ImportError:  # pragma: no cover
        return asyncio.Runner(), "asyncio"


def csrf_token() -> str:
    return secrets.token_hex(32)


def print_header(no_compression: bool):
    """Print the command and the machine, raise the open-files limit; return the event-loop runner."""
    import shlex

    import websockets

    print("command:", shlex.join([sys.executable, *sys.argv]), flush=True)
    nofile = raise_nofile()
    runner, loop_name = new_event_loop_runner()
    print(
        f"python {sys.version.split()[0]}, websockets {websockets.__version__}, client loop {loop_name}, "
        f"cpus {os.cpu_count()}, loadavg {os.getloadavg()[0]:.2f}, RLIMIT_NOFILE {nofile}, "
        f"compression {'off' if no_compression else 'permessage-deflate offered'}",
        flush=True,
    )
    install_signal_handlers()
    return runner
