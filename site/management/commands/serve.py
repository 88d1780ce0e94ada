"""Run the background worker and a server command together; Ctrl-C stops both cleanly.

`make run` used to start both from a shell with `trap 'kill 0'`: Ctrl-C reached
every process, then the trap signalled them all again (itself included). The
worker took the second signal as "force quit", left the task it was running
marked as running for good, and make ended on "Segmentation fault".

Here the worker runs in its own session, so the terminal's Ctrl-C reaches only
the server (in the foreground, as before). When the server has stopped, the
worker gets exactly one SIGTERM, finishes its current task and exits. The
worker does not reload on code changes (its reloader would SIGKILL it mid-task
on the way out): restart `make run` after changing a task.

A uvicorn server command gets the project's socket flags it does not set
itself (`district.consumers.uvicorn_socket_options`: the frame cap, and
permessage-deflate as `DONGNE_WS_PERMESSAGE_DEFLATE` says).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

WORKER_GRACE_SECONDS = 60


def with_socket_options(command: list[str]) -> list[str]:
    """`command` plus the project's uvicorn socket flags it lacks (unchanged if it is not uvicorn)."""
    from district.consumers import uvicorn_socket_options

    if not any(Path(part).name == "uvicorn" for part in command):
        return command
    options = uvicorn_socket_options()
    missing: list[str] = []
    for flag, value in zip(options[::2], options[1::2], strict=True):
        if not any(part == flag or part.startswith(flag + "=") for part in command):
            missing += [flag, value]
    return [*command, *missing]


class Command(BaseCommand):
    help = "Run `manage.py db_worker` in the background and SERVER_COMMAND in the foreground."

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-log", type=Path, default=settings.VAR_DIR / "worker.log"
        )
        parser.add_argument(
            "server_command", nargs="+", help="the server to run, after `--`"
        )

    def handle(self, *args, worker_log: Path, server_command: list[str], **options):
        worker_log.parent.mkdir(parents=True, exist_ok=True)
        stopping: list[int] = []

        def stop(signum, frame) -> None:
            stopping.append(signum)
            if server.poll() is None and signum != signal.SIGINT:
                server.send_signal(signum)  # Ctrl-C already reached the server

        with worker_log.open("ab") as log:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--queue-name",
                    "*",
                    "--no-reload",
                ],
                cwd=settings.BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            try:
                server = subprocess.Popen(
                    with_socket_options(server_command), cwd=settings.BASE_DIR
                )
            except OSError as error:
                worker.terminate()
                worker.wait()
                raise CommandError(
                    f"Cannot start {server_command[0]}: {error}"
                ) from error
            previous = {
                signum: signal.signal(signum, stop)
                for signum in (signal.SIGINT, signal.SIGTERM)
            }
            try:
                returncode = server.wait()
                worker.terminate()
                try:
                    worker.wait(timeout=WORKER_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    self.stderr.write(
                        f"The background worker is still finishing a task; see {worker_log}."
                    )
                    worker.wait()
            finally:
                for signum, handler in previous.items():
                    signal.signal(signum, handler)
        self.stdout.write("Stopped the server and the background worker.")
        if returncode and not stopping:
            raise CommandError(f"{server_command[0]} exited with status {returncode}.")
