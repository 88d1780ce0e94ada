"""Two hosts on one network: a post made through host A reaches a socket on host B, and a reconnect resumes.

Each "host" is a Linux network namespace with its own address, joined to the
others by veth pairs on a bridge (a small LAN; the test process sits on the
bridge, as a reverse proxy would):

    root namespace (this test, 10.213.N.254 on bridge dnbr<id>)
      ├── veth ── namespace dongne-a-<id>  10.213.N.1: PostgreSQL, Redis, uvicorn A
      └── veth ── namespace dongne-b-<id>  10.213.N.2: uvicorn B

PostgreSQL (run as the `postgres` user) and Redis are private to the test,
started inside host A and bound to its veth address only; host B reaches them
over the network like a second machine would. The machine's own PostgreSQL
and Redis (127.0.0.1) are not used or touched. Everything the test creates
(processes, namespaces, links, directories) is removed in `finally`.

Needs root and iproute2 (`ip netns`): skipped with the reason otherwise, except
in CI (DONGNE_REQUIRE_SERVICES=1), where it must run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import websockets

from tests.servers import ROOT, deflate_flag

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

HTTP_PORT = 8000
PG_PORT = 5432
REDIS_PORT = 6379

# Creates what the scenario needs in host A's database; prints one JSON line.
SCENE = """
import json
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from district.services import account_ensure
from forums.models import Board
from forums.services import thread_create

password = make_password("hosts-test-password-42")
month_ago = timezone.now() - timedelta(days=30)


def user(name):
    account = account_ensure(
        email=f"{name}@hosts.invalid", password_hash=password, display_name=name
    )
    account.date_joined = month_ago
    account.save(update_fields=["date_joined"])
    return account


board = Board.objects.create(name="두 호스트", name_en="Two hosts", slug="two-hosts")
thread = thread_create(
    author=user("author"), board=board, title="두 호스트", body="시작합니다"
)
sessions = []
for n in range(3):
    poster = user(f"poster{n}")
    store = SessionStore()
    store["_auth_user_id"] = str(poster.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = poster.get_session_auth_hash()
    store.create()
    sessions.append(store.session_key)
print(json.dumps({"thread_id": thread.pk, "topic": thread.topic, "sessions": sessions}))
"""


def unavailable() -> str | None:
    if sys.platform != "linux":
        return "network namespaces are Linux only"
    if os.geteuid() != 0:
        return "needs root to create network namespaces (ip netns)"
    for binary in ("ip", "runuser", "redis-server"):
        if not shutil.which(binary):
            return f"needs the `{binary}` binary"
    if not sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        return "needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin)"
    return None


def run(*command: str, timeout: float = 60) -> str:
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def wait_for_port(address: str, port: int, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex((address, port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {address}:{port}")


class Lan:
    """Two namespaces on a bridge in the root namespace, with the processes started in them."""

    def __init__(self) -> None:
        self.id = secrets.token_hex(3)
        self.subnet = self._free_subnet()
        self.bridge = f"dnbr{self.id}"
        self.hosts = {
            "a": (f"dongne-a-{self.id}", f"{self.subnet}.1"),
            "b": (f"dongne-b-{self.id}", f"{self.subnet}.2"),
        }
        self.dir = Path(tempfile.mkdtemp(prefix="dongne-hosts-"))
        self.processes: list[subprocess.Popen] = []
        self.pg_bin = max(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")).parent
        self.pg_dir = self.dir / "pg"
        self.pg_started = False
        self.made: list[tuple[str, ...]] = []  # undo commands, run in reverse

    @staticmethod
    def _free_subnet() -> str:
        used = run("ip", "-4", "-o", "addr", "show")
        for _ in range(50):
            subnet = f"10.213.{secrets.randbelow(250) + 1}"
            if f" {subnet}." not in used:
                return subnet
        raise RuntimeError("no free 10.213.N.0/24 subnet")

    def ns(self, host: str) -> str:
        return self.hosts[host][0]

    def address(self, host: str) -> str:
        return self.hosts[host][1]

    def build(self) -> None:
        run("ip", "link", "add", self.bridge, "type", "bridge")
        self.made.append(("ip", "link", "del", self.bridge))
        run("ip", "addr", "add", f"{self.subnet}.254/24", "dev", self.bridge)
        run("ip", "link", "set", self.bridge, "up")
        for host, (ns, address) in self.hosts.items():
            run("ip", "netns", "add", ns)
            self.made.append(("ip", "netns", "del", ns))
            veth = f"dnv{host}{self.id}"
            # The peer is made inside the namespace: the root one may have an eth0.
            run(
                *["ip", "link", "add"],
                veth,
                *["type", "veth", "peer", "name", "eth0", "netns"],
                ns,
            )
            self.made.append(("ip", "link", "del", veth))
            run("ip", "link", "set", veth, "master", self.bridge)
            run("ip", "link", "set", veth, "up")
            inside = ("ip", "netns", "exec", ns, "ip")
            run(*inside, "link", "set", "lo", "up")
            run(*inside, "addr", "add", f"{address}/24", "dev", "eth0")
            run(*inside, "link", "set", "eth0", "up")

    def start(self, host: str, command: list[str], env: dict[str, str], log: str):
        with open(self.dir / log, "wb") as out:
            process = subprocess.Popen(
                ["ip", "netns", "exec", self.ns(host), *command],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def reachable(self, host: str, address: str, port: int) -> bool:
        """Whether a TCP connection from inside `host` to address:port succeeds."""
        probe = (
            "import socket, sys; s = socket.socket(); s.settimeout(2); "
            f"sys.exit(s.connect_ex(({address!r}, {port})) != 0)"
        )
        return (
            subprocess.run(
                ["ip", "netns", "exec", self.ns(host), sys.executable, "-c", probe],
                timeout=30,
                check=False,
            ).returncode
            == 0
        )

    def log(self, name: str) -> str:
        path = self.dir / name
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    # PostgreSQL, as the postgres user, inside host A, on A's address only.
    def _pg(self, *command: str, timeout: float = 120) -> str:
        return run(
            "ip",
            "netns",
            "exec",
            self.ns("a"),
            "runuser",
            "-u",
            "postgres",
            "--",
            str(self.pg_bin / command[0]),
            *command[1:],
            timeout=timeout,
        )

    def start_postgres(self) -> str:
        self.pg_dir.mkdir()
        shutil.chown(self.dir, "postgres", "postgres")
        shutil.chown(self.pg_dir, "postgres", "postgres")
        data = self.pg_dir / "data"
        self._pg("initdb", "-D", str(data), "-A", "trust", "-U", "postgres")
        with open(data / "pg_hba.conf", "a") as hba:
            hba.write(f"host all all {self.subnet}.0/24 trust\n")
        options = (
            f"-p {PG_PORT} -k {self.pg_dir} "
            f"-c listen_addresses={self.address('a')} -c max_connections=100"
        )
        self.pg_started = True
        self._pg(
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(self.pg_dir / "log"),
            "-w",
            "-o",
            options,
            "start",
        )
        return f"postgres://postgres@{self.address('a')}:{PG_PORT}/postgres"

    def start_redis(self) -> str:
        self.start(
            "a",
            [
                "redis-server",
                "--bind",
                self.address("a"),
                "--port",
                str(REDIS_PORT),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
            ],
            dict(os.environ),
            "redis.log",
        )
        wait_for_port(self.address("a"), REDIS_PORT, "redis-server")
        return f"redis://{self.address('a')}:{REDIS_PORT}/0"

    def start_uvicorn(self, host: str, env: dict[str, str]) -> None:
        process = self.start(
            host,
            [
                sys.executable,
                "-m",
                "uvicorn",
                "district.asgi:application",
                "--host",
                self.address(host),
                "--port",
                str(HTTP_PORT),
                "--ws-max-size",
                "65536",
                "--ws-per-message-deflate",
                deflate_flag(),
                "--log-level",
                "warning",
            ],
            env,
            f"uvicorn-{host}.log",
        )
        deadline = time.monotonic() + 60
        url = f"http://{self.address(host)}:{HTTP_PORT}/static/district/css/site.css"
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"uvicorn on host {host} exited:\n{self.log(f'uvicorn-{host}.log')}"
                )
            try:
                urllib.request.urlopen(url, timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"uvicorn on host {host} did not answer")

    def tear_down(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if self.pg_started:
            with contextlib.suppress(Exception):
                self._pg(
                    "pg_ctl", "-D", str(self.pg_dir / "data"), "-m", "immediate", "stop"
                )
        # Anything still running in a namespace (nothing should be) is killed by pid.
        for ns, _address in self.hosts.values():
            with contextlib.suppress(Exception):
                for pid in run("ip", "netns", "pids", ns).split():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(pid), signal.SIGKILL)
        for command in reversed(self.made):
            with contextlib.suppress(Exception):
                run(*command)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def lan():
    reason = unavailable()
    if reason:
        if os.environ.get("DONGNE_REQUIRE_SERVICES", "0") == "1":
            pytest.fail(f"this run must test two hosts, but: {reason}")
        pytest.skip(reason)
    lan = Lan()
    try:
        lan.build()
        yield lan
    finally:
        lan.tear_down()


def site_env(lan: Lan, database_url: str, redis_url: str) -> dict[str, str]:
    var = lan.dir / "var"
    var.mkdir(exist_ok=True)
    (var / "secret_key").write_text(secrets.token_urlsafe(50))  # both hosts share it
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "district.settings.dev",
        "DONGNE_VAR_DIR": str(var),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": f"{lan.address('a')},{lan.address('b')}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SECRET_KEY", None)
    return env


def manage(env: dict[str, str], *command: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def post_reply(address: str, thread_id: int, session: str, body: str) -> int:
    token = secrets.token_hex(32)
    request = urllib.request.Request(
        f"http://{address}:{HTTP_PORT}/forums/t/{thread_id}/reply/",
        data=f"body={urllib.parse.quote(body)}".encode(),
        headers={
            "Cookie": f"sessionid={session}; csrftoken={token}",
            "X-CSRFToken": token,
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 201
        return json.loads(response.read())["post_id"]


async def subscribe(address: str, topic: str, after: int | None):
    socket_ = await websockets.connect(
        f"ws://{address}:{HTTP_PORT}/ws/live/",
        origin=f"http://{address}:{HTTP_PORT}",
    )
    frame = {"type": "subscribe", "topic": topic}
    if after is not None:
        frame["after"] = after
    await socket_.send(json.dumps(frame))
    while True:
        reply = json.loads(await asyncio.wait_for(socket_.recv(), 10))
        if reply.get("topic") == topic:
            break
    assert reply["type"] == "subscribed", reply
    return socket_, reply["seq"]


async def events(socket_, topic: str, count: int, quiet: float) -> list[dict]:
    """The next `count` events of `topic`, then anything else that arrives within `quiet` seconds."""
    received: list[dict] = []
    deadline = time.monotonic() + 15
    while True:
        wait = deadline - time.monotonic() if len(received) < count else quiet
        try:
            frame = json.loads(await asyncio.wait_for(socket_.recv(), max(0.05, wait)))
        except TimeoutError:
            return received
        if frame.get("type") == "event" and frame.get("topic") == topic:
            received.append(frame)


def test_a_post_through_host_a_reaches_host_b_and_a_reconnect_resumes(lan):
    database_url = lan.start_postgres()
    redis_url = lan.start_redis()
    env = site_env(lan, database_url, redis_url)
    manage(env, "migrate", "--no-input", "-v", "0")
    scene = json.loads(manage(env, "shell", "-v", "0", "-c", SCENE).splitlines()[-1])
    thread_id, topic, sessions = scene["thread_id"], scene["topic"], scene["sessions"]
    lan.start_uvicorn("a", env)
    lan.start_uvicorn("b", env)
    host_a, host_b = lan.address("a"), lan.address("b")

    async def scenario():
        socket_, seq = await subscribe(host_b, topic, None)
        first = await asyncio.to_thread(
            post_reply, host_a, thread_id, sessions[0], "A에서 B로"
        )
        live = await events(socket_, topic, 1, quiet=0.5)
        await socket_.close()
        missed = [
            await asyncio.to_thread(
                post_reply, host_a, thread_id, sessions[n], f"끊긴 동안 {n}"
            )
            for n in (1, 2)
        ]
        socket_, _ = await subscribe(host_b, topic, live[-1]["seq"] if live else seq)
        resumed = await events(socket_, topic, 2, quiet=1.0)
        await socket_.close()
        return seq, first, live, missed, resumed

    seq, first, live, missed, resumed = asyncio.run(scenario())

    assert [(f["event"], f["data"]["post_id"], f["seq"]) for f in live] == [
        ("post.created", first, seq + 1)
    ], lan.log("uvicorn-b.log")
    assert [(f["event"], f["data"]["post_id"], f["seq"]) for f in resumed] == [
        ("post.created", missed[0], seq + 2),
        ("post.created", missed[1], seq + 3),
    ]
    # The hosts really are apart: from host B, nothing listens on loopback
    # (the machine's own PostgreSQL and Redis are out of reach), so B's
    # database and Redis traffic went over the veth to host A.
    assert not lan.reachable("b", "127.0.0.1", 5432)
    assert not lan.reachable("b", "127.0.0.1", 6379)
    assert lan.reachable("b", host_a, PG_PORT)
    assert lan.reachable("b", host_a, REDIS_PORT)
