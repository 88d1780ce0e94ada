"""Production settings: refuse to start without a secret, and pass Django's deployment check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        check=False,
        env={**base, "DJANGO_SETTINGS_MODULE": "district.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 20
    + "-a-long-random-production-secret-for-the-check-"
    + "y" * 20,
    "ALLOWED_HOSTS": "dongne.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://dongne.example.org",
    "WAGTAILADMIN_BASE_URL": "https://dongne.example.org",
}


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", env={"ALLOWED_HOSTS": "dongne.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_passes_the_deploy_check_without_warnings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
