"""The test suite. Imports base, not dev: tests see what production sees, minus speed traps."""

import os
import secrets

from .base import *
from .base import DATABASES

# Random per run, unless a test hands its key to server processes it starts.
SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "email"],
    }
}
NOTIFICATION_EMAIL_DELAY_MINUTES = 0
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "exports": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

# Off by default in tests (query-count and content tests read fresh pages); the
# cache tests turn it on.
PAGE_CACHE_SECONDS = 0
EVENTS_PAGE_CACHE_SECONDS = 0
