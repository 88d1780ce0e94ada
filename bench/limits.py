"""What the abuse checks cost: one `rate_limit` call (two rules) and a display name's two skeletons.

    python bench/limits.py                                  # in-memory cache
    REDIS_URL=redis://127.0.0.1:6379/13 python bench/limits.py   # Redis (db 13, keys expire in a day)

Prints figures; asserts nothing.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district.settings.test")

import django

django.setup()

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from district.names import skeleton, skeleton_upper
from district.ratelimit import rate_limit

CALLS = 2000


def main() -> None:
    settings.RATE_LIMITS = {"bench": "1000000/m,1000000/d"}
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    anonymous = AnonymousUser()
    started = time.perf_counter()
    for _ in range(CALLS):
        rate_limit("bench", user=anonymous, request=request)
    per_call = (time.perf_counter() - started) / CALLS
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"rate_limit, 2 rules, {backend}: {per_call * 1e6:.0f} µs per call")
    names = ["김민지", "ѕtaff", "Nguyễn Văn An", "김 John", "관리자"] * (CALLS // 5)
    started = time.perf_counter()
    for name in names:
        skeleton(name)
        skeleton_upper(name)
    per_name = (time.perf_counter() - started) / len(names)
    print(f"display name, both skeletons: {per_name * 1e6:.0f} µs per name")


if __name__ == "__main__":
    main()
