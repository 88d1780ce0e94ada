"""What a signed-in resident costs against an anonymous visitor: req/s of /healthz and a 40-post thread.

Usage (from the project root, venv active, Debian's wrk installed):

    .venv/bin/python bench/signed_in.py                 # 8 s per figure
    .venv/bin/python bench/signed_in.py --seconds 5

It recreates the PostgreSQL database `dongne_s3_signed`, migrates and seeds the
district, adds a thread of 40 posts on board `yeoksam-1` and a resident with a
signed-in session, then serves production settings with uvicorn (2 workers,
Redis db 12 as cache, page cache on as in production) and runs `wrk -t2 -c16`
for each (page, visitor) pair in one run: anonymous (no cookie) and signed in
(the session cookie). Redis db 12 is flushed (FLUSHDB on that db only) at the
start. Figures are measured, never asserted.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DB_NAME = "dongne_s3_signed"
REDIS_DB = 12
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P50=%d P95=%d\\n", latency:percentile(50), latency:percentile(95)))
end
"""


def setup_data() -> None:
    """Runs inside the project (DJANGO_SETTINGS_MODULE set): thread of 40 posts + a session."""
    sys.path[0] = str(ROOT)  # not bench/, whose votes.py would hide the votes app
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from district.markup import render_markdown
    from district.services import account_ensure
    from forums.models import Board, Post, Thread
    from forums.services import thread_create

    password = make_password("bench-password-123")
    author = account_ensure(
        email="bench-author@bench.invalid",
        password_hash=password,
        display_name="bench-author",
    )
    reader = account_ensure(
        email="bench-reader@bench.invalid",
        password_hash=password,
        display_name="bench-reader",
    )
    board = Board.objects.get(slug="yeoksam-1")
    thread = thread_create(
        author=author, board=board, title="bench thread of 40 posts", body="first"
    )
    body = "A reply of an ordinary length, with **some** markup and a [link](https://example.org/)."
    html = render_markdown(body)
    posts = Post.objects.bulk_create(
        [
            Post(thread=thread, author=author, body=body, body_html=html)
            for _ in range(39)
        ]
    )
    Thread.objects.filter(pk=thread.pk).update(
        post_count=40, last_post=posts[-1], last_activity_at=timezone.now()
    )
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore()
    store["_auth_user_id"] = str(reader.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = reader.get_session_auth_hash()
    store.create()
    assert Session.objects.filter(session_key=store.session_key).exists()
    print(
        json.dumps({"thread": f"/forums/t/{thread.pk}/", "session": store.session_key})
    )


def prepare(var: Path) -> tuple[dict, dict]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "district.settings.production",
        "DONGNE_VAR_DIR": str(var),
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    }
    subprocess.run(
        ["redis-cli", "-n", str(REDIS_DB), "FLUSHDB"], check=True, capture_output=True
    )
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q"]
    subprocess.run(
        [
            *psql,
            "-c",
            f"DROP DATABASE IF EXISTS {DB_NAME}",
            "-c",
            f"CREATE DATABASE {DB_NAME}",
        ],
        check=True,
    )

    def run(cmd, e, **kw):
        return subprocess.run(cmd, cwd=ROOT, env=e, check=True, **kw)

    run([PY, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    dev_env = {**env, "DJANGO_SETTINGS_MODULE": "district.settings.dev"}
    run([PY, "manage.py", "seed_district"], dev_env, capture_output=True)
    out = (
        run([PY, __file__, "--setup"], env, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    run([PY, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)
    return env, json.loads(out)


def wrk(port: int, path: str, seconds: int, lua: Path, cookie: str | None):
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", str(lua)]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*cmd, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50, p95 = (int(x) / 1000 for x in re.search(r"P50=(\d+) P95=(\d+)", out).groups())
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p50, p95, int(errors.group(1)) if errors else 0


def fetch(port: int, path: str, cookie: str | None) -> bytes:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    return urllib.request.urlopen(request, timeout=10).read()


def main() -> None:
    if "--setup" in sys.argv:
        setup_data()
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    print(
        f"machine: {os.cpu_count()} cores; wrk -t2 -c16 -d{args.seconds}s on the same cores"
    )
    var = Path(tempfile.mkdtemp(prefix="dongne-bench-signed-"))
    env, data = prepare(var)
    lua = var / "p95.lua"
    lua.write_text(LUA)
    port = 8790
    cookie = f"sessionid={data['session']}"
    process = subprocess.Popen(
        [
            PY,
            "-m",
            "uvicorn",
            "district.asgi:application",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    rows = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                fetch(port, "/healthz", None)
                break
            except OSError:
                time.sleep(0.3)
        assert b"/accounts/profile/" in fetch(port, data["thread"], cookie), (
            "not signed in"
        )
        for name, path in (
            ("/healthz", "/healthz"),
            ("thread (40 posts)", data["thread"]),
        ):
            for who, c in (("anonymous", None), ("signed in", cookie)):
                for _ in range(5):
                    fetch(port, path, c)
                rows.append((name, who, *wrk(port, path, args.seconds, lua, c)))
    finally:
        process.terminate()
        process.wait(timeout=20)
    print(
        f"{'page':<20} {'visitor':<10} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7}  signed/anon"
    )
    anon = {}
    for name, who, rps, p50, p95, errors in rows:
        ratio = "" if who == "anonymous" else f"{anon[name] / rps:.2f}x"
        anon.setdefault(name, rps)
        warn = f"  ({errors} non-2xx)" if errors else ""
        print(
            f"{name:<20} {who:<10} {rps:>8.0f} {p50:>7.1f} {p95:>7.1f}  {ratio}{warn}"
        )


if __name__ == "__main__":
    main()
