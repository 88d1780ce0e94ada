"""CPU per RSVP in one process: what a sign-up or a cancellation costs the server, without the noise of a rush.

    .venv/bin/python bench/rsvp_cpu.py                  # 5 batches of 400
    .venv/bin/python bench/rsvp_cpu.py --batches 9 --profile 20

On the bench database (`dongne_bench`, PostgreSQL + Redis, served settings:
dev with DEBUG off, see bench/README.md), in a child process: one fresh event
with one date of `--capacity` places, `--residents` residents signed in with
Django's test client (the whole middleware stack, as a browser's form POST).
Each batch has every resident sign up, then every resident cancel, one after
another: half of them are placed, half wait, and the first cancellations move
the waiting list up (notices to those moved up). Every request also publishes
the date's counts (nothing to coalesce with, unlike a rush). Printed: the CPU
time of this process per RSVP (`time.process_time`, so PostgreSQL and Redis
are not counted) for each batch, and their median; `--profile N` prints the N
functions with the most cumulative CPU (cProfile on CPU time; it slows the run
about threefold, so only shares count). Compare two checkouts by running it in
each, alternately. Figures are printed, never asserted.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import LOG_DIR, PY, ROOT, VAR_DIR, ensure_database, log, project_env


def child(spec: dict) -> None:
    import cProfile
    import pstats
    import secrets
    import time
    from datetime import timedelta

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.test import Client
    from django.utils import timezone

    from district.services import account_ensure
    from events.services import event_create
    from forums.models import Board

    board = Board.objects.select_related("dong").get(slug="yeoksam-1")
    password = make_password(secrets.token_urlsafe(18))  # nobody signs in with it
    organiser = account_ensure(
        email="bench-rsvp-organiser@bench.invalid",
        password_hash=password,
        display_name="bench-rsvp-organiser",
        groups=(board.dong.leaders_group,),
    )
    start = (timezone.localtime() + timedelta(days=14)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    event = event_create(
        organiser=organiser,
        board=board,
        title=f"bench rsvp_cpu {secrets.token_hex(3)}",
        description="Benchmark event (bench/rsvp_cpu.py).",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=spec["capacity"],
    )
    path = f"/events/o/{event.occurrences.get().pk}/rsvp/"
    clients = []
    for number in range(spec["residents"]):
        resident = account_ensure(
            email=f"bench-rsvp-{number}@bench.invalid",
            password_hash=password,
            display_name=f"bench-rsvp-{number}",
            language="en",
        )
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(resident)
        clients.append(client)

    def batch() -> int:
        for going in ("1", "0"):
            for client in clients:
                response = client.post(path, {"going": going, "guests": "0"})
                if response.status_code != 302:
                    raise SystemExit(f"RSVP answered {response.status_code}")
        return 2 * len(clients)

    batch()  # warm: every thread-level cache, the rows, the connection
    per_rsvp = []
    for _ in range(spec["batches"]):
        started = time.process_time()
        count = batch()
        per_rsvp.append(1000 * (time.process_time() - started) / count)
    print(
        f"CPU per RSVP (ms), {spec['batches']} batches of {2 * len(clients)}: "
        + ", ".join(f"{value:.2f}" for value in per_rsvp)
    )
    print(f"median {statistics.median(per_rsvp):.2f} ms")
    if spec["profile"]:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        batch()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(spec["profile"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--_child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._child:
        # bench/ holds votes.py and proposals.py: off the path, or they shadow the apps of those names.
        here = Path(__file__).resolve().parent
        sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
        # Importing common made two temp dirs for this process; the parent's are in the environment.
        shutil.rmtree(VAR_DIR, ignore_errors=True)
        shutil.rmtree(LOG_DIR, ignore_errors=True)
        child(json.loads(args._child))
        return
    ensure_database()
    spec = {
        "residents": args.residents,
        "capacity": args.capacity,
        "batches": args.batches,
        "profile": args.profile,
    }
    log(f"{args.batches} batches of {2 * args.residents} RSVPs, in-process")
    env = project_env()
    subprocess.run(
        [PY, __file__, "--_child", json.dumps(spec)],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=3600,
    )


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
