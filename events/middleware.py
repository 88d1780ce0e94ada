"""A rush on sign-ups queues before it takes a database connection, so other pages keep theirs.

Every request checks a pooled connection out at its first query (the
session) and keeps it to the end. Without this, 200 residents pressing
"sign up" on one date hold every connection of a process while they wait
their turn at the date's counter, and an anonymous visitor opening any page
waits behind them. Here, at most EVENTS_SIGNUP_CONCURRENCY sign-ups per
process go past this point at once; the others wait in their own thread,
holding no connection, up to EVENTS_SIGNUP_QUEUE_SECONDS, after which they
are sent back to the page they came from (303) with `busy=1` in the address
and can press again (nothing was written). They go past in the order they
arrived (`FairSlots`): a resident who has waited is not passed by one who just
pressed.
"""

import re
import threading
from collections import deque

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

_SIGNUP = re.compile(r"^/events/o/(\d+)/rsvp/$")


class FairSlots:
    """A semaphore that serves waiters first come, first served.

    `threading.Semaphore` wakes a waiter, but a thread arriving at that moment
    may take the slot first, again and again: under a rush some residents
    wait far longer than others. Here a released slot is handed to the
    longest waiter directly.
    """

    def __init__(self, count: int) -> None:
        self._lock = threading.Lock()
        self._free = count
        self._waiters: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._lock:
            if self._free and not self._waiters:
                self._free -= 1
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._lock:
            if turn.is_set():  # handed over just as the wait ended: keep it
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().set()  # the slot passes on, never free
            else:
                self._free += 1


class SignupQueueMiddleware:
    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response
        self.slots = FairSlots(settings.EVENTS_SIGNUP_CONCURRENCY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or not _SIGNUP.match(request.path_info):
            return self.get_response(request)
        if not self.slots.acquire(timeout=settings.EVENTS_SIGNUP_QUEUE_SECONDS):
            back = request.META.get("HTTP_REFERER", "")
            if not url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}
            ):
                back = "/events/"
            back = back.split("#")[0]
            return HttpResponseRedirect(
                back + ("&" if "?" in back else "?") + "busy=1", status=303
            )
        try:
            return self.get_response(request)
        finally:
            self.slots.release()
