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


def _signals_view(request):
    return HttpResponse("signals")


def _file_view(request):
    import io

    from django.http import FileResponse

    class Tracked(io.BytesIO):
        def close(self):
            _closed.append(self.getvalue()[:4])
            super().close()

    return FileResponse(Tracked(b"file" + b"x" * 200_000))


_closed: list[bytes] = []
urlpatterns += [path("signals", _signals_view), path("file", _file_view)]


@pytest.mark.django_db
def test_each_request_starts_and_finishes_once_on_its_own_thread_before_it_is_answered(
    app, settings
):
    """request_started and request_finished (the database connection's return) fire once each, on the request's thread, before the answer goes out."""
    from django.core import signals

    settings.ROOT_URLCONF = __name__
    seen = []

    def started(**kwargs):
        seen.append(("started", threading.get_ident()))

    def finished(**kwargs):
        seen.append(("finished", threading.get_ident()))

    async def go():
        messages = [{"type": "http.request"}]

        async def receive():
            if messages:
                return messages.pop()
            await asyncio.sleep(30)  # the client stays

        async def send(message):
            if message["type"] == "http.response.start":
                seen.append(("answer", message["status"]))

        scope = {
            "type": "http",
            "method": "GET",
            "path": "/signals",
            "query_string": b"",
            "headers": HOST,
        }
        await app(scope, receive, send)

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        async_to_sync(go)()
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert [name for name, _ in seen] == ["started", "finished", "answer"]
    assert seen[2][1] == 200
    assert (
        seen[0][1] == seen[1][1] != threading.get_ident()
    )  # one thread, not the loop's


@pytest.mark.django_db
def test_a_streamed_file_arrives_whole_and_is_closed_after_it_is_sent(app, settings):
    settings.ROOT_URLCONF = __name__
    from asgiref.testing import ApplicationCommunicator

    _closed.clear()
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/file",
        "query_string": b"",
        "headers": HOST,
    }

    async def go():
        communicator = ApplicationCommunicator(app, scope)
        await communicator.send_input({"type": "http.request"})
        start = await communicator.receive_output(20)
        body = b""
        while True:  # a streamed response ends with a body message that has no body
            message = await communicator.receive_output(20)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait(20)
        return start["status"], body

    status, body = async_to_sync(go)()
    assert status == 200 and body == b"file" + b"x" * 200_000
    assert _closed == [b"file"]
