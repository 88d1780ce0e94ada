"""Posting throughput: replies/s and latency through the whole write path (HTTP, transaction,
posting limits, Markdown, notifications, live-event log, publish), on PostgreSQL + Redis.

    .venv/bin/python bench/posting.py --posters 800 --clients 16 --seconds 20

Two uvicorn processes of the project; C concurrent clients post replies to one
thread, alternating processes. Each account may post once per 5 s (the
posting limit), so the clients take accounts round-robin and never reuse one
sooner than that; a refused post (4xx) is counted, not retried. Figures are
printed, never asserted.
"""

import argparse
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Servers, free_port, log, percentile, prepare_database, project_env

GAP = 10.0  # the limit is 5 s; a slow earlier post of the same account must not cause a refusal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posters", type=int, default=800)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    print("command:", " ".join(["python", *sys.argv]))
    data = prepare_database(args.posters)
    servers = Servers()
    try:
        ports = [free_port(), free_port()]
        for name, port in zip(("dongne-A", "dongne-B"), ports, strict=True):
            servers.uvicorn(name, "district.asgi:application", port, project_env())
        sessions = list(data["sessions"])
        next_free = {s: 0.0 for s in sessions}
        lock = threading.Lock()
        cursor = [0]
        latencies: list[float] = []
        refused = [0]
        deadline = time.monotonic() + args.seconds

        def take_session() -> str | None:
            while time.monotonic() < deadline:
                with lock:
                    session = sessions[cursor[0] % len(sessions)]
                    cursor[0] += 1
                    wait = next_free[session] - time.monotonic()
                    if wait <= 0:
                        next_free[session] = time.monotonic() + GAP
                        return session
                time.sleep(min(wait, 0.05))
            return None

        def client(number: int) -> None:
            sent = 0
            while (session := take_session()) is not None:
                port = ports[(number + sent) % 2]
                sent += 1
                token = secrets.token_hex(32)
                body = urllib.parse.urlencode(
                    {"body": f"벤치마크 답글 {number}-{sent}"}
                ).encode()
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/forums/t/{data['thread_id']}/reply/",
                    data=body,
                    method="POST",
                    headers={
                        "Cookie": f"sessionid={session}; csrftoken={token}",
                        "X-CSRFToken": token,
                        "Accept": "application/json",
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        response.read()
                        ok = response.status == 201
                except urllib.error.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        refused[0] += 1

        log(
            f"{args.clients} clients posting for {args.seconds:.0f}s with {len(sessions)} accounts"
        )
        started = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(n,)) for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        latencies.sort()
        print(
            f"\nposts accepted {len(latencies)}, refused {refused[0]}, in {elapsed:.1f}s: "
            f"{len(latencies) / elapsed:.1f} posts/s; latency p50 {percentile(latencies, 50):.1f} ms, "
            f"p95 {percentile(latencies, 95):.1f} ms, max {latencies[-1] if latencies else 0:.1f} ms"
        )
        print(
            f"account budget: {len(sessions)} accounts / {GAP} s = {len(sessions) / GAP:.1f} posts/s at most"
        )
    finally:
        servers.stop_all()


if __name__ == "__main__":
    main()
