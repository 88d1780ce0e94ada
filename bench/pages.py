"""Page speed: requests/s and latency of Wagtail pages against a trivial view on the same server.

Usage (from the project root, with the venv and `pip install -e '.[test,bench]'`, and
Debian's wrk installed):

    .venv/bin/python bench/pages.py                    # SQLite and PostgreSQL, uvicorn and gunicorn
    .venv/bin/python bench/pages.py --db sqlite --seconds 5

For each database (SQLite file; PostgreSQL database `dongne_bench_pages`, dropped
and recreated), it seeds the demo district, then serves it with uvicorn (ASGI, 2
workers) and gunicorn (WSGI, 2 sync workers), with the anonymous page cache off
and on, and runs `wrk -c16 -t2` against the trivial view `/healthz` (full
middleware stack) and the home, an association and a notice page. It prints
req/s, p50 and p95 latency, and each page's req/s as a fraction of /healthz's in
the same server. Figures are measured, never asserted.
"""

import argparse
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
URLS = {
    "hello (/healthz)": "/healthz",
    "home": "/",
    "dong page": "/yeoksam-1/",
    "notice page": "/yeoksam-1/notices/notice-1/",
    "forum thread": "/forums/t/1/",
}
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P50=%d P95=%d\\n", latency:percentile(50), latency:percentile(95)))
end
"""


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def prepare(db: str, var: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "district.settings.production",
        "DONGNE_VAR_DIR": str(var),
    }
    env.update(
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        REDIS_URL="",
        DATABASE_URL="",
    )
    if db == "postgres":
        name = "dongne_bench_pages"
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-q",
                "-c",
                f"DROP DATABASE IF EXISTS {name}",
                "-c",
                f"CREATE DATABASE {name}",
            ],
            check=True,
        )
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    run([PY, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    dev_env = {**env, "DJANGO_SETTINGS_MODULE": "district.settings.dev"}
    run([PY, "manage.py", "seed_district", "--demo"], dev_env, capture_output=True)
    run(
        [PY, "manage.py", "db_worker", "--batch", "--queue-name", "*"],
        dev_env,
        capture_output=True,
    )
    run([PY, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)
    return env


def serve(kind: str, env: dict, port: int, cache_seconds: int) -> subprocess.Popen:
    env = {**env, "PAGE_CACHE_SECONDS": str(cache_seconds)}
    if kind == "uvicorn":
        cmd = [
            PY,
            "-m",
            "uvicorn",
            "district.asgi:application",
            "--port",
            str(port),
            "--ws-max-size",
            "65536",
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--no-access-log",
        ]
    else:
        cmd = [
            PY,
            "-m",
            "gunicorn",
            "district.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--log-level",
            "warning",
        ]
    process = subprocess.Popen(cmd, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    for path in URLS.values():  # warm up
        for _ in range(5):
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10).read()
    return process


def wrk(port: int, path: str, seconds: int, lua: Path) -> tuple[float, float, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c16",
            f"-d{seconds}s",
            "-s",
            str(lua),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50, p95 = (int(x) / 1000 for x in re.search(r"P50=(\d+) P95=(\d+)", out).groups())
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        print(f"    warning: {errors.group(1)} non-2xx responses for {path}")
    return rps, p50, p95


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--server", choices=["uvicorn", "gunicorn", "both"], default="both"
    )
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    print(
        f"machine: {os.cpu_count()} cores; wrk -t2 -c16 -d{args.seconds}s on the same cores"
    )
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    servers = ["uvicorn", "gunicorn"] if args.server == "both" else [args.server]
    lua = Path(tempfile.mkdtemp()) / "p95.lua"
    lua.write_text(LUA)
    rows = []
    for db in dbs:
        var = Path(tempfile.mkdtemp(prefix=f"dongne-bench-{db}-"))
        env = prepare(db, var)
        for server in servers:
            for cache_seconds in (0, 60):
                port = 8700 + len(rows)
                process = serve(server, env, port, cache_seconds)
                try:
                    results = {
                        name: wrk(port, path, args.seconds, lua)
                        for name, path in URLS.items()
                    }
                finally:
                    process.terminate()
                    process.wait(timeout=20)
                hello = results["hello (/healthz)"][0]
                for name, (rps, p50, p95) in results.items():
                    rows.append(
                        (
                            db,
                            server,
                            "on" if cache_seconds else "off",
                            name,
                            rps,
                            p50,
                            p95,
                            rps / hello,
                        )
                    )
                    print(
                        f"{db:8} {server:8} cache={'on ' if cache_seconds else 'off'} {name:18} {rps:8.0f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  = 1/{hello / rps:4.1f} of hello"
                    )
        shutil.rmtree(var, ignore_errors=True)
    print("\n| db | server | anon cache | page | req/s | p50 ms | p95 ms | vs hello |")
    print("| --- | --- | --- | --- | ---: | ---: | ---: | ---: |")
    for db, server, cache, name, rps, p50, p95, ratio in rows:
        print(
            f"| {db} | {server} | {cache} | {name} | {rps:.0f} | {p50:.1f} | {p95:.1f} | 1/{1 / ratio:.1f} |"
        )


if __name__ == "__main__":
    main()
