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
request's other sync work, e.g. `response.close()` and the database
connection's return, happen on the same thread, as before). Reading the
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

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase

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

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def get_asgi_application() -> OneHopASGIHandler:
    """`django.core.asgi.get_asgi_application`, with this handler."""
    import django

    django.setup(set_prefix=False)
    return OneHopASGIHandler()
