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


# Turns: requests wait on the event loop, first come, first served.


def test_a_released_turn_goes_to_the_longest_waiter_not_to_a_newcomer():
    from district.handler import Turns

    async def go():
        turns, order = Turns(1), []
        assert await turns.take(1)  # the request running now

        async def request(name):
            if await turns.take(5):
                order.append(name)
                await asyncio.sleep(0.01)
                turns.give_back()

        waiting = []
        for name in ("first", "second", "third"):
            waiting.append(asyncio.create_task(request(name)))
            await asyncio.sleep(0)  # each joins the line in turn
        assert turns.waiting == 3
        turns.give_back()
        # Someone arriving at that very moment does not pass the three who waited.
        assert not await turns.take(0)
        await asyncio.gather(*waiting)
        assert order == ["first", "second", "third"]
        assert turns.held == 0 and turns.waiting == 0

    async_to_sync(go)()


def test_a_request_whose_turn_does_not_come_in_time_leaves_the_line():
    from district.handler import Turns

    async def go():
        turns = Turns(1)
        assert await turns.take(1)
        assert not await turns.take(0.05)
        assert turns.waiting == 0  # nobody left behind holds a place
        turns.give_back()
        assert await turns.take(0)

    async_to_sync(go)()


def test_a_request_cancelled_while_it_waits_passes_its_turn_on():
    """The server cancelling a waiting request (shutdown) neither loses a turn nor leaves a ghost in line."""
    from district.handler import Turns

    async def go():
        turns = Turns(1)
        assert await turns.take(1)
        waiting = asyncio.create_task(turns.take(5))
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert turns.waiting == 0
        # Handed the turn, then cancelled before it could run: the turn goes on.
        handed = asyncio.create_task(turns.take(5))
        after = asyncio.create_task(turns.take(5))
        await asyncio.sleep(0)
        turns.give_back()
        handed.cancel()
        with pytest.raises(asyncio.CancelledError):
            await handed
        assert await after
        turns.give_back()
        assert turns.held == 0

    async_to_sync(go)()


_in_view = threading.Event()
_leave_view = threading.Event()


def _one_at_a_time(settings, wait: float) -> OneHopASGIHandler:
    """A handler letting one request into Django at a time; the others wait up to `wait` s."""
    settings.ROOT_URLCONF = __name__
    settings.HTTP_CONCURRENCY = 1
    settings.HTTP_QUEUE_SECONDS = wait
    return OneHopASGIHandler()


async def _until_in_view():
    deadline = asyncio.get_running_loop().time() + 10
    while not _in_view.is_set():
        assert asyncio.get_running_loop().time() < deadline, "the view never started"
        await asyncio.sleep(0.005)


def _slow_view(request):
    _in_view.set()
    _leave_view.wait(10)
    return HttpResponse("slow")


urlpatterns.append(path("slow", _slow_view))


def _two_at_once(app, first: str, second: tuple, before_second=None):
    """Start `first` (a GET held in its view), then send `second` (method, url, body, headers) and answer both."""

    async def go():
        _in_view.clear()
        _leave_view.clear()
        held = asyncio.create_task(
            HttpCommunicator(app, "GET", first, headers=HOST).get_response(timeout=20)
        )
        await _until_in_view()
        if before_second:
            await before_second()
        method, url, body, headers = second
        try:
            answer = await HttpCommunicator(
                app, method, url, body=body, headers=[*HOST, *headers]
            ).get_response(timeout=20)
        finally:
            _leave_view.set()
        return await held, answer

    return async_to_sync(go)()


@pytest.mark.django_db(transaction=True)
def test_a_visitor_who_cannot_start_in_time_is_told_the_site_is_busy_in_their_language(
    settings,
):
    app = _one_at_a_time(settings, wait=0.1)
    held, busy = _two_at_once(
        app, "/slow", ("GET", "/thread", b"", [(b"accept-language", b"en")])
    )
    assert held["status"] == 200 and held["body"] == b"slow"
    assert busy["status"] == 503
    headers = dict(busy["headers"])
    assert headers[b"Retry-After"] == str(settings.HTTP_RETRY_AFTER_SECONDS).encode()
    assert b"Many people are using the site right now" in busy["body"]
    assert b'lang="en"' in busy["body"]
    # Once the first is answered, the line is empty and the next one goes through.
    assert app.turns["general"].held == 0
    assert fetch(app, "GET", "/thread")["status"] == 200


@pytest.mark.django_db(transaction=True)
def test_the_busy_page_is_korean_by_default(settings):
    app = _one_at_a_time(settings, wait=0.1)
    _, busy = _two_at_once(app, "/slow", ("GET", "/thread", b"", []))
    assert busy["status"] == 503
    assert 'lang="ko"' in busy["body"].decode()
    assert "잠시 후 다시" in busy["body"].decode()


@pytest.mark.django_db(transaction=True)
def test_a_request_waits_for_its_turn_without_a_thread_and_then_is_served(
    settings, monkeypatch
):
    from district import handler

    started = []

    class Counted(handler._RequestThread):
        def __init__(self):
            super().__init__()
            started.append(self)

    monkeypatch.setattr(handler, "_RequestThread", Counted)
    app = _one_at_a_time(settings, wait=10)
    seen = {}

    async def go():
        _in_view.clear()
        _leave_view.clear()
        held = asyncio.create_task(
            HttpCommunicator(app, "GET", "/slow", headers=HOST).get_response(timeout=20)
        )
        await _until_in_view()
        second = asyncio.create_task(
            HttpCommunicator(app, "GET", "/thread", headers=HOST).get_response(
                timeout=20
            )
        )
        await asyncio.sleep(0.2)
        # The second request is in line, and no thread was started for it.
        seen["waiting"] = app.turns["general"].waiting
        seen["threads"] = len(started)
        _leave_view.set()
        return await held, await second

    held, second = async_to_sync(go)()
    assert seen["waiting"] == 1
    assert seen["threads"] == 1  # the slow request's
    assert held["status"] == second["status"] == 200
    assert len(started) == 1  # and then it borrowed the same one


@pytest.mark.django_db(transaction=True)
def test_a_slow_client_does_not_hold_up_others_once_its_page_is_ready(settings):
    """A whole response gives its turn back before it is sent: a phone on a weak signal blocks nobody."""
    app = _one_at_a_time(settings, wait=5)

    async def go():
        received = asyncio.Event()  # the slow client has not read a byte yet

        async def receive():
            if not received.is_set():
                received.set()
                return {"type": "http.request"}
            await asyncio.sleep(30)

        reading = asyncio.Event()

        async def slow_send(message):
            await reading.wait()

        scope = {
            "type": "http",
            "method": "GET",
            "path": "/thread",
            "query_string": b"",
            "headers": HOST,
        }
        slow = asyncio.create_task(app(scope, receive, slow_send))
        try:
            other = await HttpCommunicator(
                app, "GET", "/thread", headers=HOST
            ).get_response(timeout=4)
        finally:
            reading.set()
        await slow
        return other

    assert async_to_sync(go)()["status"] == 200
