"""Real server processes for tests that cross process boundaries (scale-out, browsers)."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_database_url() -> str:
    """The URL of the database this test run created (PostgreSQL), for server processes to share."""
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def deflate_flag() -> str:
    """uvicorn's `--ws-per-message-deflate` value as the project serves (DONGNE_WS_PERMESSAGE_DEFLATE)."""
    return "true" if settings.DONGNE_WS_PERMESSAGE_DEFLATE else "false"


def wait_until_up(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(
                f"http://127.0.0.1:{port}/static/district/css/site.css", timeout=2
            )
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def migrated_sqlite_site(var_dir: Path, *, demo: bool = False) -> dict[str, str]:
    """Migrate and seed a SQLite site in `var_dir` for server processes; return their environment."""
    env = {
        "DJANGO_SETTINGS_MODULE": "district.settings.dev",
        "DONGNE_VAR_DIR": str(var_dir),
        "DATABASE_URL": "",
        "REDIS_URL": "",
    }
    full_env = {**os.environ, **env}
    seed = ["seed_district", "--demo"] if demo else ["seed_district"]
    for command in (["migrate", "--no-input", "-v", "0"], seed):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=full_env,
            check=True,
            capture_output=True,
        )
    return env


def start_uvicorn(env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    """Start one uvicorn process serving district.asgi on a free port; the caller stops it."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "district.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws-max-size",
            "65536",  # district.consumers.SERVER_MAX_FRAME_BYTES
            "--ws-per-message-deflate",
            deflate_flag(),
            "--timeout-graceful-shutdown",
            str(settings.DONGNE_GRACEFUL_SHUTDOWN_SECONDS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": settings.SECRET_KEY, **env},
    )
    try:
        wait_until_up(port)
    except RuntimeError:
        process.kill()
        raise
    return process, port


@contextlib.contextmanager
def uvicorn(env: dict[str, str], *, workers: int = 1) -> Iterator[int]:
    """Serve district.asgi with uvicorn on a free port with `env` added; yield the port."""
    port = free_port()
    full_env = {**os.environ, "SECRET_KEY": settings.SECRET_KEY, **env}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "district.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws-max-size",
            "65536",  # district.consumers.SERVER_MAX_FRAME_BYTES
            "--ws-per-message-deflate",
            deflate_flag(),
            "--timeout-graceful-shutdown",
            str(settings.DONGNE_GRACEFUL_SHUTDOWN_SECONDS),
        ]
        + (["--workers", str(workers)] if workers > 1 else [])
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=full_env,
    )
    try:
        wait_until_up(port)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


class RedisProcess:
    """A private Redis on a free port, so a test can stop and restart it without touching the shared one."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class PostgresCluster:
    """A private PostgreSQL cluster on a free port, so a test can restart it without touching the shared one.

    PostgreSQL refuses to run as root: as root (CI), the cluster belongs to
    the `postgres` user and every command runs through `runuser`.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.bin = self._find_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="dongne-pg-"))
        self.data = self.dir / "data"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    @staticmethod
    def _find_bin() -> Path:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not found:
            raise RuntimeError("PostgreSQL server binaries not found")
        return found[-1].parent

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        subprocess.run(
            [*prefix, str(self.bin / command[0]), *command[1:]],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def _pg_ctl(self, action: str, *extra: str) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "log"),
            "-w",
            *extra,
            action,
        )

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._pg_ctl("start", "-o", options)

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
