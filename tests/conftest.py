"""Suite-wide fixtures: the seeded district, accounts per role, and the PostgreSQL/Redis gates.

Tests marked `postgres` or `redis` skip on a laptop without those services and
fail in CI's PostgreSQL + Redis run, where skipping would hide a gap.
"""

import io
import os

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from district.services import account_ensure
from dong.models import DongPage

TEST_PASSWORD = "correct-horse-battery-42"


def _services_required() -> bool:
    """CI's PostgreSQL + Redis run sets DONGNE_REQUIRE_SERVICES=1: there a missing service fails."""
    return os.environ.get("DONGNE_REQUIRE_SERVICES", "0") == "1"


def pytest_runtest_setup(item):
    on_postgres = (
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    )
    for marker, available, variable in (
        ("postgres", on_postgres, "DATABASE_URL"),
        ("redis", bool(settings.REDIS_URL), "REDIS_URL"),
    ):
        if item.get_closest_marker(marker) and not available:
            if _services_required():
                pytest.fail(f"this run must provide {marker} ({variable})")
            pytest.skip(f"needs {marker} ({variable} not set)")


def seed() -> None:
    _ensure_wagtail_roots()
    call_command("seed_district", stdout=io.StringIO())


def _ensure_wagtail_roots() -> None:
    """Put back the root page, locale and collection that Wagtail's migrations made.

    A transactional test empties every table when it ends, those rows included,
    and seeding needs them.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.utils.translation import get_supported_language_variant
    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(
        language_code=get_supported_language_variant(settings.LANGUAGE_CODE)
    )
    if not Page.objects.exists():
        Page.add_root(
            instance=Page(
                title="Root",
                slug="root",
                content_type=ContentType.objects.get_for_model(Page),
            )
        )
    if not Collection.objects.exists():
        Collection.add_root(name="Root")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the 22 associations once; each test then runs in a transaction that rolls back."""
    with django_db_blocker.unblock():
        seed()


@pytest.fixture
def district(db):
    """The seeded district's associations, in data-file order (re-seeded after a transactional test)."""
    if not DongPage.objects.exists():
        seed()
    return list(
        DongPage.objects.select_related("leaders_group", "collection").order_by("path")
    )


@pytest.fixture(scope="session")
def password_hash():
    return make_password(TEST_PASSWORD)


@pytest.fixture
def make_user(db, password_hash):
    counter = iter(range(1, 10_000))

    def make(
        *,
        email=None,
        display_name=None,
        groups=(),
        home_dong=None,
        language="",
        is_superuser=False,
    ):
        n = next(counter)
        return account_ensure(
            email=email or f"user{n}@example.org",
            password_hash=password_hash,
            display_name=display_name or f"주민{n}",
            home_dong=home_dong,
            language=language,
            groups=tuple(groups),
            is_superuser=is_superuser,
        )

    return make


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """A channel layer per test: channels-redis connections belong to one event loop, and each async test has its own."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def forget_cached_sites():
    """The Site cache (district.page_routing) outlives a test's rolled-back rows: start each test without it."""
    from district.page_routing import forget_sites

    forget_sites()
    yield
    forget_sites()


@pytest.fixture(autouse=True)
def forget_rate_limits():
    """Counters in the cache (rate limits, open sockets per account) outlive a test's rolled-back accounts, whose ids are reused: each test starts with none."""
    from django.core.cache import cache

    from district.ratelimit import forget_all

    forget_all()
    cache.clear()
    yield


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last (after pytest-django's ordering).

    Playwright's sync API keeps an event loop running in the main thread for
    the session-scoped browser; tests after it would see a running loop
    (Django refuses sync database calls, `asyncio.run` fails, async tests can
    hang). The sort is stable: every other test keeps its place.
    """
    items.sort(key=lambda item: "tests/browser/" in str(item.fspath))


@pytest.fixture
def libretranslate(settings):
    """A local LibreTranslate-speaking server, with the site pointed at it (tests/libretranslate.py)."""
    from tests.libretranslate import FakeLibreTranslate

    server = FakeLibreTranslate().start()
    settings.LIBRETRANSLATE_URL = server.url
    settings.LIBRETRANSLATE_API_KEY = ""
    settings.LIBRETRANSLATE_TIMEOUT = 1
    settings.TRANSLATION_BACKEND = "district.translation.backends.LibreTranslateBackend"
    settings.TRANSLATION_RETRY_DELAYS = [0, 0]
    yield server
    server.stop()
