"""Exactly-once writes when a browser retries: idempotency keys.

A write form carries a fresh key (`{% idempotency_field %}`, a UUID per page
render; fetch requests send it as the `Idempotency-Key` header). A view
decorated with `@idempotent("scope")` runs inside one `live.atomic` block and,
before that block commits, records its answer (a redirect, or a small JSON
body) under (user, key) in `district.models.IdempotencyKey`. So:

- a retry after the answer was lost (the phone lost signal, the process died
  between commit and response) finds the row and gets the first answer back;
  nothing runs and nothing is written again;
- two copies in flight at once both run, but the second one's insert waits on
  the unique index until the first commits, then inserts nothing: its whole transaction
  (its write included) rolls back and it answers with the first one's answer.

Only redirects and 2xx answers are recorded; an answer that shows a form with
its errors is not, so the resident can correct and send again. Requests
without a key (old pages, other clients) are served as before.

`DONGNE_FAULT_AFTER_COMMIT=<scope>` (test-only; production ignores it) makes
the process kill itself right after such a write commits, before it answers,
so a test can show that the retry through another process writes nothing.
"""

import functools
import os
import re
import signal
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from district import live
from district.models import IdempotencyKey

FIELD = "idempotency_key"
HEADER = "HTTP_IDEMPOTENCY_KEY"
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_BODY = 64 * 1024


class _Duplicate(Exception):
    """Another copy of this request committed first: roll ours back, answer with theirs."""


def key_of(request: HttpRequest) -> str | None:
    """The request's idempotency key (form field or header), or None when absent or malformed."""
    value = request.META.get(HEADER) or request.POST.get(FIELD) or ""
    return value if _KEY.match(value) else None


def _replay(row: IdempotencyKey) -> HttpResponse:
    if row.location:
        response = HttpResponseRedirect(row.location, status=row.status)
    else:
        response = HttpResponse(
            row.body, status=row.status, content_type=row.content_type or None
        )
    response["Idempotent-Replayed"] = "true"
    return response


def _recordable(response: HttpResponse) -> bool:
    if getattr(response, "streaming", False):
        return False
    if 300 <= response.status_code < 400:
        return "Location" in response
    return 200 <= response.status_code < 300 and len(response.content) <= MAX_BODY


@functools.cache
def _insert_once_sql(vendor: str) -> str:
    """INSERT of a key that does nothing if (user, key) exists, returning a row only when it inserted (per database vendor)."""
    qn = connection.ops.quote_name
    names = (
        "user",
        "key",
        "scope",
        "status",
        "location",
        "content_type",
        "body",
        "created_at",
    )
    columns = [qn(IdempotencyKey._meta.get_field(name).column) for name in names]
    return (
        f"INSERT INTO {qn(IdempotencyKey._meta.db_table)} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({columns[0]}, {columns[1]}) DO NOTHING RETURNING 1"
    )


def _record(
    request: HttpRequest,
    key: str,
    scope: str,
    response: HttpResponse,
    keep_body: bool = True,
) -> None:
    is_redirect = 300 <= response.status_code < 400
    if not is_redirect and not keep_body:
        # A page that must not be stored (a vote's receipt): the retry is sent to the page instead.
        response = HttpResponseRedirect(request.get_full_path(), status=303)
        is_redirect = True
    # One statement, no savepoint: it often runs while the write still holds a
    # busy row (a date's counter on registration day). A copy of this request
    # that inserted the key first makes PostgreSQL wait for its commit, then
    # insert nothing.
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_once_sql(connection.vendor),
            [
                request.user.pk,
                key,
                scope,
                response.status_code,
                response["Location"] if is_redirect else "",
                "" if is_redirect else response.get("Content-Type", ""),
                ""
                if is_redirect
                else response.content.decode(response.charset or "utf-8"),
                timezone.now(),
            ],
        )
        if cursor.fetchone() is None:
            raise _Duplicate


def fault_after_commit(scope: str) -> None:
    """Test-only: die like a crashed process right after the write committed (see module docstring)."""
    target = getattr(settings, "DONGNE_FAULT_AFTER_COMMIT", "")
    if target and target == scope:
        os.kill(os.getpid(), signal.SIGKILL)


def idempotent(scope: str, *, keep_body: bool = True) -> Callable:
    """Decorate a write view: a repeated key returns the first answer and writes nothing.

    `keep_body=False`: a 2xx page is not stored (it may hold a secret, like a
    vote's receipt); a retry gets a 303 to the same address instead.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def inner(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            key = key_of(request) if request.method == "POST" else None
            if key is None or not request.user.is_authenticated:
                return view(request, *args, **kwargs)
            found = IdempotencyKey.objects.filter(user=request.user, key=key).first()
            if found is not None:
                return _replay(found)
            try:
                with live.atomic():
                    response = view(request, *args, **kwargs)
                    if _recordable(response):
                        _record(request, key, scope, response, keep_body)
            except _Duplicate:
                return _replay(IdempotencyKey.objects.get(user=request.user, key=key))
            fault_after_commit(scope)
            return response

        return inner

    return decorate
