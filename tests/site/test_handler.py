"""The ASGI handler (`district.handler`): the whole middleware stack and the view in one thread hop."""

import asyncio
import threading

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.http import HttpResponse
from django.urls import path

from district.handler import OneHopASGIHandler, _RequestThread


async def _async_view(request):
    await asyncio.sleep(0)
    return HttpResponse(f"async {request.method}")


urlpatterns = [path("async", _async_view)]

HOST = [(b"host", b"testserver")]


def fetch(app, method, url, body=b"", headers=()):
    async def go():
        communicator = HttpCommunicator(
            app, method, url, body=body, headers=[*HOST, *headers]
        )
        return await communicator.get_response(timeout=20)

    return async_to_sync(go)()


@pytest.fixture
def app():
    return OneHopASGIHandler()


@pytest.mark.django_db
def test_a_page_is_served_with_the_whole_middleware_stack(app):
    response = fetch(app, "GET", "/healthz")
    assert response["status"] == 200 and response["body"] == b"ok"
    headers = dict(response["headers"])
    assert headers[b"X-Frame-Options"] == b"DENY"  # a response middleware ran
    assert b"Content-Security-Policy" in headers


@pytest.mark.django_db
def test_a_form_posted_without_its_csrf_token_is_refused(app):
    """CSRF's check runs before the view (a `process_view` hook): still applied."""
    response = fetch(
        app,
        "POST",
        "/events/o/1/rsvp/",
        body=b"going=1",
        headers=[(b"content-type", b"application/x-www-form-urlencoded")],
    )
    assert response["status"] == 403


@pytest.mark.django_db
def test_an_async_view_still_answers(app, settings):
    settings.ROOT_URLCONF = __name__
    response = fetch(app, "GET", "/async")
    assert response["status"] == 200 and response["body"] == b"async GET"


def _thread_view(request):
    return HttpResponse(str(threading.get_ident()))


urlpatterns.append(path("thread", _thread_view))


@pytest.mark.django_db
def test_requests_one_after_another_reuse_one_thread(app, settings):
    """No thread is started and stopped per request (Django's default)."""
    settings.ROOT_URLCONF = __name__
    threads = {fetch(app, "GET", "/thread")["body"] for _ in range(5)}
    assert len(threads) == 1 and threads != {str(threading.get_ident()).encode()}


def test_a_thread_still_working_when_its_request_ends_is_not_lent_again():
    """Work still running when its request's handling ends must not make the next request wait."""
    thread, release = _RequestThread(), threading.Event()
    try:
        assert thread.idle
        thread.submit(release.wait, 10)
        assert not thread.idle
    finally:
        release.set()
        thread.shutdown(wait=True)
    assert thread.idle
