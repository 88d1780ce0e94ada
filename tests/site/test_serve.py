"""`manage.py serve` (what `make run` runs): Ctrl-C stops the server and the worker cleanly."""

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.servers import ROOT, migrated_sqlite_site


@pytest.fixture(scope="module")
def site_env(tmp_path_factory):
    return {**os.environ, **migrated_sqlite_site(tmp_path_factory.mktemp("serve"))}


SLEEPING_SERVER = [sys.executable, "-c", "import time; time.sleep(120)"]


def wait_for(path, text: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = path.read_text() if path.exists() else ""
        if text in content:
            return content
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared in {path}: {content!r}")


def test_ctrl_c_stops_server_then_worker_once_and_gracefully(tmp_path, site_env):
    env = site_env
    log = tmp_path / "worker.log"
    # Its own process group, as a terminal's foreground job: Ctrl-C signals the group.
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "serve",
            "--worker-log",
            str(log),
            "--",
            *SLEEPING_SERVER,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(log, "Starting worker")
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)

    assert process.returncode == 0, err
    assert "Stopped the server and the background worker." in out
    assert "Segmentation fault" not in out + err
    worker_log = wait_for(log, "shutting down gracefully")
    assert "terminating current task" not in worker_log  # one signal, not a forced quit


def test_server_that_fails_to_start_stops_the_worker_and_fails(tmp_path, site_env):
    env = site_env
    log = tmp_path / "worker.log"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "serve",
            "--worker-log",
            str(log),
            "--",
            sys.executable,
            "-c",
            "raise SystemExit(3)",
        ],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "exited with status 3" in result.stderr
    # serve waited for the worker it started: nothing is left writing to the log
    assert not log.exists() or "Task id=" not in log.read_text()
