"""Minimal Django settings for the bare Channels baseline: only channels, a Redis channel layer."""

import os

SECRET_KEY = "bench-bare-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["channels"]
DATABASES = {}
USE_TZ = True
ASGI_APPLICATION = "bare_channels_app.application"
# redis-py 8 made socket_timeout default to 5 s, the same as channels-redis's 5 s
# BZPOPMIN: every idle receive then raises redis TimeoutError and kills the consumer
# holding the receive lock (channels_redis#422). The baseline turns the client timeout
# off (as channels-redis behaved with redis-py < 8) unless BENCH_STOCK_TIMEOUT=1.
_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
# The pool also gets room for the load client's bursts of 100 connects (group_add) and
# 50 closes (group_discard) at once: redis-py's asyncio pool refuses the 101st connection.
_HOST = (
    _URL
    if os.environ.get("BENCH_STOCK_TIMEOUT")
    else {"address": _URL, "socket_timeout": None, "max_connections": 1000}
)

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # Same capacity/expiry as the project's layer (district.settings.base), own db and prefix.
        "CONFIG": {
            "hosts": [_HOST],
            "prefix": os.environ.get("BENCH_PREFIX", "benchbare"),
            "capacity": 1000,
            "expiry": 60,
        },
    }
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
