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
"""

import asyncio
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase
from django.urls import set_script_prefix

IDLE_THREADS_KEPT = 64


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

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            raise ValueError(
                f"Django can only handle ASGI/HTTP connections, not {scope['type']}."
            )
        thread = self._idle.pop() if self._idle else _RequestThread()
        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send)
        finally:
            if thread.idle and len(self._idle) < IDLE_THREADS_KEPT:
                self._idle.append(thread)
            else:
                thread.shutdown(wait=False)

    async def handle(self, scope, receive, send) -> None:
        """Django's `ASGIHandler.handle`, with `request_started`, the response and its `close()` in one hop.

        Django crosses to a thread three times per request: for the
        `request_started` receivers, for the response and for `close()`
        (which sends `request_finished`). A response that is not streamed is
        whole once the view returns, so it is closed on the same crossing;
        a streamed one (a file) is closed after it is sent, as before. A
        client that goes away is noticed as by Django. A request Django
        cannot read (400, 413) is answered without `request_started`, and
        closed (`request_finished`) as by Django.
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
