"""One rate limiter for every resident action: reports, reactions, RSVPs, proposals, supports, votes.

A service calls `rate_limit("report", user=reporter)` just before it writes,
after it has found that the request would change something: a replay of an
idempotent request (the same RSVP again, a second support) is answered
without counting. Limits are per account, or per address for anonymous
requests, never global, so a rush of many residents acting once each (a vote,
a registration opening) is never throttled; only one account (or one
address) hammering is.

Limits are a setting, `RATE_LIMITS = {"report": "6/m,20/d", ...}`: one or more
`count/period` rules, the period being `s`, `m`, `h` or `d` with an optional
multiplier (`5/10m`). An action missing from the setting is not limited.

Counters live in the Django cache, so every server process shares them when
Redis is configured: with Redis, one round trip per action (`SET NX EX`,
`INCR` and `PTTL` in one MULTI/EXEC, whatever the number of rules), as every
write a resident makes pays it; with another cache, `add` then `incr`, atomic
there too. Each rule is a fixed window that opens at the account's first
action. If the cache cannot be reached the action is allowed (logged): a
limiter must not take the site down with it.

Views need nothing special: `RateLimited` is a `ValidationError`, so a form
shows it beside what was typed; `district.middleware.RateLimitedMiddleware`
answers one that reaches it with HTTP 429 (JSON clients) or a message and a
redirect (browsers).
"""

import logging
import math
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpRequest
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RULE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")
_enabled: ContextVar[bool] = ContextVar("rate_limits_enabled", default=True)
# Part of every counter's key. The same in every server process, so they share
# the counters; tests start afresh with `forget_all`.
_epoch = "0"


@dataclass(frozen=True)
class Rule:
    count: int
    seconds: int


class RateLimited(ValidationError):
    """Too many of one action from one account or address; `retry_after` is in whole seconds."""

    def __init__(self, action: str, retry_after: int):
        self.action = action
        self.retry_after = max(1, int(retry_after))
        super().__init__(wait_message(self.retry_after), code="rate_limited")


def wait_message(seconds: int) -> str:
    if seconds < 120:
        return ngettext(
            "You are doing this too often. Please wait %(count)d second and try again.",
            "You are doing this too often. Please wait %(count)d seconds and try again.",
            seconds,
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "You are doing this too often. Please wait %(count)d minute and try again.",
        "You are doing this too often. Please wait %(count)d minutes and try again.",
        minutes,
    ) % {"count": minutes}


def parse(spec: str) -> list[Rule]:
    """`"6/m,20/d"` → [Rule(6, 60), Rule(20, 86400)]."""
    rules = []
    for part in spec.split(","):
        if not part.strip():
            continue
        match = _RULE.match(part)
        if match is None:
            raise ImproperlyConfigured(f"Bad rate limit {part!r} in {spec!r}")
        count, multiplier, unit = match.groups()
        rules.append(Rule(int(count), int(multiplier or 1) * PERIODS[unit]))
    return rules


def client_address(request: HttpRequest) -> str:
    """The address that anonymous limits count by (REMOTE_ADDR, which the proxy in front sets)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def _who(user, request: HttpRequest | None) -> str:
    if user is not None and getattr(user, "is_authenticated", False):
        return f"u{user.pk}"
    if request is not None:
        return "a" + client_address(request)
    raise ValueError("rate_limit needs a signed-in user or the request")


def rate_limit(action: str, *, user=None, request: HttpRequest | None = None) -> None:
    """Count one `action` by `user` (or by the request's address); raise `RateLimited` past a limit."""
    spec = getattr(settings, "RATE_LIMITS", {}).get(action)
    if not spec or not _enabled.get():
        return
    who = _who(user, request)
    rules = parse(spec)
    keys = [f"rl:{_epoch}:{action}:{who}:{rule.seconds}" for rule in rules]
    try:
        client = _redis()
        counted = (
            _count_in_redis(client, keys, rules) if client else _count(keys, rules)
        )
    except Exception:  # noqa: BLE001 - the cache is down: allow, and say so
        logger.warning("rate limit for %s not checked: cache unavailable", action)
        return
    retry_after = max(
        (left for (count, left), rule in zip(counted, rules) if count > rule.count),
        default=0,
    )
    if retry_after:
        raise RateLimited(action, retry_after)


def _redis():
    """The Redis client behind the cache (django-redis), or None for another cache."""
    client = getattr(cache, "client", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


def _count_in_redis(
    client, keys: list[str], rules: list[Rule]
) -> list[tuple[int, int]]:
    """(count, seconds left in the window) per rule, in one round trip (MULTI/EXEC)."""
    pipe = client.pipeline(transaction=True)
    for key, rule in zip(keys, rules):
        key = cache.client.make_key(key)
        pipe.set(key, 0, ex=rule.seconds, nx=True)  # the window opens at the first
        pipe.incr(key)
        pipe.pttl(key)
    replies = pipe.execute()
    return [
        # Rounded up, as the in-process path: a wait obeyed is never refused again.
        (count, math.ceil(left / 1000) if left > 0 else rule.seconds)
        for count, left, rule in zip(replies[1::3], replies[2::3], rules)
    ]


def _count(keys: list[str], rules: list[Rule]) -> list[tuple[int, int]]:
    """The same with any Django cache: `add` then `incr`, the window's start kept beside."""
    now = time.time()
    counted = []
    for key, rule in zip(keys, rules):
        if cache.add(key, 1, rule.seconds):  # the first in this window
            cache.set(key + ":t", now, rule.seconds)
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, rule.seconds)
                count = 1
        started = (cache.get(key + ":t") or now) if count > rule.count else now
        counted.append((count, math.ceil(started + rule.seconds - now)))
    return counted


@contextmanager
def suspended() -> Iterator[None]:
    """No limits inside (seeding demo data through the services)."""
    token = _enabled.set(False)
    try:
        yield
    finally:
        _enabled.reset(token)


def forget_all() -> None:
    """Start every counter afresh in this process (tests: ids are reused after a rollback)."""
    global _epoch
    _epoch = uuid.uuid4().hex[:8]


def wants_json(request: HttpRequest) -> bool:
    """A client that is not a browser page: it asks for JSON, or does not ask for HTML at all."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept or "text/html" not in accept


__all__ = ["RateLimited", "rate_limit", "suspended", "wants_json"]
