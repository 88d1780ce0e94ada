"""Minimal Django settings for the bare Channels baseline: only channels, a Redis channel layer."""

import os

SECRET_KEY = "bench-bare-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["channels"]
DATABASES = {}
USE_TZ = True
ASGI_APPLICATION = "bare_channels_app.application"
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # Same capacity/expiry as the project's layer (district.settings.base), own db and prefix.
        "CONFIG": {
            "hosts": [os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")],
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
