"""The Redis cache, degrading to "no cache" while Redis is down (django-redis with IGNORE_EXCEPTIONS).

django-redis turns a connection error into a miss on reads and a no-op on
writes, but `add()` then answers None, "someone else holds the key". That is
what allauth's rate limiter takes a lock with, so with Redis down every sign-in
would wait a second for the lock and answer 429. Here `add()` answers True
instead: with no shared cache there is nothing to lock against, and the
request goes on as if uncached. Everything else is django-redis's own behaviour.
"""

from typing import Any

from django_redis.cache import RedisCache, omit_exception


class DegradingRedisCache(RedisCache):
    @omit_exception(return_value=True)
    def add(self, *args: Any, **kwargs: Any) -> bool:
        return self.client.add(*args, **kwargs)
