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
"""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase


class OneHopASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def get_asgi_application() -> OneHopASGIHandler:
    """`django.core.asgi.get_asgi_application`, with this handler."""
    import django

    django.setup(set_prefix=False)
    return OneHopASGIHandler()
