"""With Redis down every page is still served (uncached), residents sign in and post; when it is back the cache works again.

Before the fix the cache backend raised on a connection error, so the page
cache, Wagtail's cached site root paths and allauth's rate limits answered
500. The test uses the run's own cache settings (Redis in CI) pointed at a
private redis-server it stops and restarts mid-test.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from district.cache import VERSION_KEY
from forums import services
from forums.models import Board, Post
from tests.conftest import TEST_PASSWORD
from tests.servers import RedisProcess

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def private_redis(settings):
    redis = RedisProcess()
    redis.start()
    cache_settings = {**settings.CACHES["default"], "LOCATION": redis.url}
    settings.CACHES = {"default": cache_settings}
    settings.PAGE_CACHE_SECONDS = 60
    settings.FORUMS_MIN_SECONDS_BETWEEN_POSTS = 0
    yield redis
    redis.stop()


@pytest.fixture
def resident(make_user):
    user = make_user(email="resident@example.org")
    user.date_joined = timezone.now() - timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def thread(district, resident):
    board = Board.objects.filter(dong=district[0]).first()
    return services.thread_create(
        author=resident, board=board, title="레디스 점검", body="첫 글입니다"
    )


def pages(district, thread) -> list[str]:
    return [
        "/",
        district[0].url,
        district[1].url,
        thread.get_absolute_url(),
        reverse("forums:boards"),
        reverse("events:index"),
        reverse("search") + "?q=자치",
        reverse("account_login"),
    ]


def test_pages_sign_in_and_posting_work_while_redis_is_down(
    private_redis, district, thread, resident
):
    anonymous = Client()
    for url in pages(district, thread):
        assert anonymous.get(url).status_code == 200, url
    assert cache.get(VERSION_KEY) is not None  # the page cache was in use

    private_redis.stop()

    for url in pages(district, thread):
        assert anonymous.get(url).status_code == 200, url
    assert anonymous.get("/").status_code == 200  # twice: nothing half-cached

    reader = Client()
    signed_in = reader.post(
        reverse("account_login"),
        {"login": resident.email, "password": TEST_PASSWORD},
    )
    assert signed_in.status_code == 302
    assert reader.get("/").status_code == 200
    posted = reader.post(
        reverse("forums:reply", args=[thread.pk]), {"body": "레디스 없이 씁니다"}
    )
    assert posted.status_code == 302
    assert Post.objects.filter(thread=thread, body="레디스 없이 씁니다").exists()
    assert reader.get(thread.get_absolute_url()).status_code == 200

    private_redis.start()  # same port, empty

    assert anonymous.get("/").status_code == 200
    assert cache.get(VERSION_KEY) is not None  # caching again
    cache.set("dongne:test:back", "yes")
    assert cache.get("dongne:test:back") == "yes"
