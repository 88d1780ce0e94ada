"""Create bench accounts, a fresh thread on board yeoksam-1, and a logged-in session per poster.

Run with the project env (see common.project_env); prints one JSON line:
{"thread_id": ..., "topic": "thread:...", "sessions": [...]}.
"""

import argparse
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

# Run as a script, bench/ comes first on sys.path, and bench/votes.py and
# bench/proposals.py would shadow the apps of those names.
sys.path[:] = [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]

import django

django.setup()

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from district.services import account_ensure
from forums.models import Board
from forums.services import thread_create


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posters", type=int, default=6)
    args = parser.parse_args()

    password = make_password("bench-password-123")
    month_ago = timezone.now() - timedelta(days=30)

    def user(name: str):
        u = account_ensure(
            email=f"{name}@bench.invalid", password_hash=password, display_name=name
        )
        u.date_joined = month_ago
        u.save(update_fields=["date_joined"])
        return u

    author = user("bench-author")
    board = Board.objects.get(slug="yeoksam-1")
    thread = thread_create(
        author=author, board=board, title=f"bench {int(time.time())}", body="bench"
    )
    sessions = []
    for i in range(args.posters):
        u = user(f"bench-poster-{i}")
        store = SessionStore()
        store["_auth_user_id"] = str(u.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = u.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    print(
        json.dumps(
            {"thread_id": thread.pk, "topic": thread.topic, "sessions": sessions}
        )
    )


if __name__ == "__main__":
    main()
