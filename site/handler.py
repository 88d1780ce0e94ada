"""Django's ASGI handler, with the request crossing from the event loop to a thread once.

Our middleware chain and views are synchronous (Wagtail's, allauth's and
ours). Django's own `ASGIHandler` loads the chain in async mode, so every
request goes event loop → thread (the chain) → event loop (the view layer,
`_get_response_async`) → thread again for each `process_view` (CSRF, ...),
for the view and for each template-response hook. Each crossing costs the
event loop and a thread wake-up: about a tenth of a sign-up's CPU under a
rush (`bench/rsvp.py`, measured with `py-spy --gil`).

Here the chain is loaded in sync mode, as under WSGI, and the whole of
`get_response` runs in one `sync_to_async` call (thread-sensitive, so the
request's other sync work happens on the same thread, as before). The
`request_started` receivers and, for a response that is not streamed, its
`close()` (`request_finished`: the database connection's return) run on that
same crossing, where Django makes one crossing for each. Reading the
body, streaming the response and noticing a client that went away stay on
the event loop, unchanged. An async view, should one appear, still works:
Django's sync path runs it with `async_to_sync`.

Django also gives every request a thread of its own, started for it and
stopped after it (a fresh `ThreadSensitiveContext`), which costs the event
loop another tenth. Here a request borrows an idle one-thread executor
(asgiref's `ThreadSensitiveContext(executor=...)`, made for this) and gives
it back when it is done, as a threaded WSGI server reuses its threads. An
executor still running something when its request's handling ends (the
server cancelled the application, e.g. while shutting down) is not given
back but shut down once its work is done, so no request queues behind it.
A client that goes away does not end the handling early: Django waits for the
view (and `request_finished`) on the same thread, as with its own handler.

Before it gets a thread, a request waits for its turn on the event loop,
holding nothing but its place in line (`Turns`): at most HTTP_CONCURRENCY
requests of a process are in the middleware and the views at once, at most
the database pool's size, so none waits there for a connection, and threads
are not started and stopped by the hundred under a rush. An app can add a
lane of its own with a smaller limit (`register_lane`: the events app's
sign-ups), whose requests wait their turn there first, so a rush on one
button queues in its own lane and every other page keeps the rest. Turns
are given first come, first served. A request that cannot start in time is
still handed to Django, marked in its scope (`TURNED_AWAY`), and
`district.middleware.TurnedAwayMiddleware` answers it at once without the
database: the lane's own answer, or 503 "busy, try again" with Retry-After.
A response that is not streamed gives its turns back once it is whole,
before it is sent; static files take no turn. This is the ASGI handler's:
under WSGI nothing waits for a turn.
"""

import asyncio
import re
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase
from django.urls import set_script_prefix

IDLE_THREADS_KEPT = 64
TURNED_AWAY = "district.turned_away"  # in the scope: the lane whose turn did not come
GENERAL = "general"


class Turns:
    """At most `limit` holders at once; the others wait on the event loop, first come, first served.

    A released turn passes straight to the longest waiter, so a request
    arriving at that moment never takes it ahead of one that waited. Used
    from the event loop's thread only.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self._waiters: deque[asyncio.Future] = deque()

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    async def take(self, timeout: float) -> bool:
        """True once the turn is ours; False if it did not come within `timeout` seconds."""
        if self.held < self.limit and not self._waiters:
            self.held += 1
            return True
        turn = asyncio.get_running_loop().create_future()
        self._waiters.append(turn)
        try:
            async with asyncio.timeout(timeout):
                await turn
            return True
        except BaseException as error:
            if turn.done() and not turn.cancelled():
                # Handed over just as the wait ended: ours. Kept on a timeout;
                # passed on when the request itself is being cancelled.
                if isinstance(error, TimeoutError):
                    return True
                self.give_back()
            elif turn in self._waiters:  # a release may have skipped it already
                self._waiters.remove(turn)
            if isinstance(error, TimeoutError):
                return False
            raise

    def give_back(self) -> None:
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():
                turn.set_result(None)  # the turn passes on, never free
                return
        self.held -= 1


@dataclass(frozen=True)
class Lane:
    """Requests `method` `path` (a regular expression on the path) wait here before the general line."""

    name: str
    method: str
    path: re.Pattern[str]
    limit: Callable[[], int]
    wait_seconds: Callable[[], float]
    # (request) -> response, for a request whose turn did not come
    turned_away: Callable | None


_lanes: dict[str, Lane] = {}


def register_lane(
    name: str,
    *,
    method: str,
    path: str,
    limit: Callable[[], int],
    wait_seconds: Callable[[], float],
    turned_away: Callable | None = None,
) -> None:
    """Give matching requests a line of their own (at most `limit()` at once per process).

    `limit` and `wait_seconds` are read when a handler starts (a process, a
    test's handler). `turned_away(request)` answers a request that waited
    `wait_seconds()` without its turn (without it: the general 503).
    """
    _lanes[name] = Lane(
        name, method.upper(), re.compile(path), limit, wait_seconds, turned_away
    )


def lane(name: str) -> Lane | None:
    return _lanes.get(name)


class _RequestThread(ThreadPoolExecutor):
    """One worker thread, lent to one request at a time; knows whether it is still working."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="request")
        self._lock = threading.Lock()
        self._working = 0

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with self._lock:
            self._working += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future) -> None:
        with self._lock:
            self._working -= 1

    @property
    def idle(self) -> bool:
        with self._lock:
            return self._working == 0


class OneHopASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self._idle: list[_RequestThread] = []  # used from the event loop's thread only
        self.turns = {GENERAL: Turns(settings.HTTP_CONCURRENCY)}
        self._lanes = []
        for each in _lanes.values():
            self.turns[each.name] = Turns(min(each.limit(), settings.HTTP_CONCURRENCY))
            self._lanes.append((each, each.wait_seconds()))
        # Static files (WhiteNoise) touch no database and are streamed: they
        # take no turn, so slow phones fetching them hold up nobody.
        static = settings.STATIC_URL or ""
        self._static = static if static.startswith("/") else None
        self._answering_turned_away: _RequestThread | None = None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            raise ValueError(
                f"Django can only handle ASGI/HTTP connections, not {scope['type']}."
            )
        held: list[Turns] = []

        def give_back() -> None:  # once the response is whole, or at the end
            while held:
                held.pop().give_back()

        try:
            turned_away = await self._wait_for_turns(scope, held)
            if turned_away:
                scope = {**scope, TURNED_AWAY: turned_away}
            await self._on_a_thread(scope, receive, send, give_back)
        finally:
            give_back()

    async def _wait_for_turns(self, scope, held: list[Turns]) -> str:
        """Take the request's lane's turn, if any, then the general one.

        Returns "" once both are held, or the name of the line whose turn did
        not come (the lane's, for its requests, so they get its answer).
        """
        # The path_info Django's ASGIRequest will see.
        path = scope["path"].removeprefix(get_script_prefix(scope))
        if self._static and path.startswith(self._static):
            return ""
        line = GENERAL
        for each, wait in self._lanes:
            if scope["method"] == each.method and each.path.match(path):
                turns = self.turns[each.name]
                if not await turns.take(wait):
                    return each.name
                held.append(turns)
                line = each.name
                break
        turns = self.turns[GENERAL]
        if not await turns.take(settings.HTTP_QUEUE_SECONDS):
            return line
        held.append(turns)
        return ""

    async def _on_a_thread(self, scope, receive, send, answered) -> None:
        if scope.get(TURNED_AWAY):
            # Answered without the database, one after another on one shared
            # thread (never lent or pooled): a burst of them starts no threads.
            if self._answering_turned_away is None:
                self._answering_turned_away = _RequestThread()
            thread, lent = self._answering_turned_away, False
        else:
            thread, lent = self._idle.pop() if self._idle else _RequestThread(), True

        def give_back() -> None:
            nonlocal lent
            if lent:
                lent = False
                if thread.idle and len(self._idle) < IDLE_THREADS_KEPT:
                    self._idle.append(thread)
                else:
                    thread.shutdown(wait=False)

        def whole() -> None:
            # The response is whole and closed: the request makes no more
            # thread-sensitive calls, so its thread can serve the next while
            # this one is sent.
            answered()
            give_back()

        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send, whole)
        finally:
            give_back()

    async def handle(self, scope, receive, send, answered=None) -> None:
        """Django's `ASGIHandler.handle`, with `request_started`, the response and its `close()` in one hop.

        Django crosses to a thread three times per request: for the
        `request_started` receivers, for the response and for `close()`
        (which sends `request_finished`). A response that is not streamed is
        whole once the view returns, so it is closed on the same crossing;
        a streamed one (a file) is closed after it is sent, as before. A
        client that goes away is noticed as by Django. A request Django
        cannot read (400, 413) is answered without `request_started`, and
        closed (`request_finished`) as by Django. `answered()` is called once
        a response that is not streamed is whole: the request gives its turns
        back before it is sent.
        """
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            body_file.close()
            await self.send_response(error_response, send)
            await sync_to_async(error_response.close)()
            return

        async def process_request() -> HttpResponseBase:
            response = await self.run_get_response(request)
            if answered is not None and not response.streaming:
                # Whole, and closed on its thread (its connection back in the
                # pool): sending it is the event loop's work, however slow the
                # client. A streamed one keeps its turn until it is sent.
                answered()
            try:
                await self.send_response(response, send)
            except asyncio.CancelledError:
                pass  # the client went away while it was sent
            return response

        tasks = [
            asyncio.create_task(self.listen_for_disconnect(receive)),
            asyncio.create_task(process_request()),
        ]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:  # as Django: the listener first, then the request
            if task.done():
                try:
                    task.result()
                except RequestAborted:
                    pass
                except AssertionError:
                    body_file.close()
                    raise
            else:
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass
        try:
            response = tasks[1].result()
        except asyncio.CancelledError:
            # The client went away; the view still ran to its end on its thread,
            # and closed its response there unless it was streamed.
            if not getattr(request, "_closed_on_its_thread", False):
                await signals.request_finished.asend(sender=self.__class__)
        else:
            if response.streaming:
                await sync_to_async(response.close)()
        body_file.close()

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self._respond, thread_sensitive=True)(request)

    def _respond(self, request: HttpRequest) -> HttpResponseBase:
        signals.request_started.send(sender=self.__class__, scope=request.scope)
        response = self.get_response(request)
        # As run_get_response sets it, but before close() reads it.
        response._handler_class = self.__class__
        if not response.streaming:
            response.close()  # request_finished: the database connection goes back now
            request._closed_on_its_thread = True
        return response


def get_asgi_application() -> OneHopASGIHandler:
    """`django.core.asgi.get_asgi_application`, with this handler."""
    import django

    django.setup(set_prefix=False)
    return OneHopASGIHandler()
