"""The draw (추첨): places given at random at registration's close, reproducibly and in public.

Algorithm (anyone can re-run it with `manage.py verify_draw`):

1. the entries' tokens (16 hex characters, random, each shown only to its
   owner) are sorted;
2. `random.Random(seed).shuffle(tokens)` with the published seed (a string);
3. in that order, each entry takes its places while they fit, the rest join
   the waiting list in that order;
4. the published SHA-256 is that of the shuffled tokens joined by "\\n" (UTF-8).

The service, its background task (scheduled at the close, run by
`db_worker`) and its scheduling live together, like the reminders.
"""

import hashlib
import random
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from district import live
from events import permissions
from events.models import RSVP, Draw, Event, Occurrence, RSVPStatus
from events.services.common import tell, when
from events.services.rsvp import _publish_counts, lock_occurrence


def draw_order(tokens: Iterable[str], seed: str) -> list[str]:
    """The published order: tokens sorted, then shuffled by `random.Random(seed)`."""
    ordered = sorted(tokens)
    random.Random(seed).shuffle(ordered)
    return ordered


def draw_digest(ordered: list[str]) -> str:
    return hashlib.sha256("\n".join(ordered).encode()).hexdigest()


@live.atomic
def draw_run(
    *,
    occurrence: Occurrence,
    actor: AbstractUser | None = None,
    now: datetime | None = None,
    seed: str | None = None,
) -> Draw:
    """Draw one date's places once registration has closed; a second call returns the first draw.

    `actor` None is the scheduled task; an organiser may run it by hand
    after the close (if the worker was down).
    """
    occurrence = lock_occurrence(occurrence)
    event = occurrence.event
    if actor is not None and not permissions.can_manage_attendees(actor, event):
        raise PermissionDenied
    existing = Draw.objects.filter(occurrence=occurrence).first()
    if existing is not None:
        return existing
    if not event.is_draw:
        raise ValidationError(_("Places for this event are not drawn."))
    now = now or timezone.now()
    if event.registration_state(now) != "closed":
        raise ValidationError(_("The draw takes place once registration has closed."))
    entries = {
        r.entry_token: r
        for r in RSVP.objects.filter(occurrence=occurrence, status=RSVPStatus.ENTERED)
    }
    seed = seed or secrets.token_hex(16)
    order = draw_order(entries, seed)
    capacity = event.capacity
    placed, waiting = [], []
    for position, token in enumerate(order):
        rsvp = entries[token]
        if capacity is None or occurrence.going_count + rsvp.seats <= capacity:
            rsvp.status = RSVPStatus.GOING
            occurrence.going_count += rsvp.seats
            placed.append(rsvp.user_id)
        else:
            rsvp.status = RSVPStatus.WAITLISTED
            rsvp.waitlisted_at = now + timedelta(microseconds=position)
            occurrence.waitlist_count += 1
            waiting.append(rsvp.user_id)
    RSVP.objects.bulk_update(entries.values(), ["status", "waitlisted_at"])
    occurrence.save(update_fields=["going_count", "waitlist_count"])
    draw = Draw.objects.create(
        occurrence=occurrence,
        seed=seed,
        entries=len(order),
        tokens="\n".join(order),
        sha256=draw_digest(order),
    )
    _tell_after_commit(placed, waiting, event, when(occurrence.starts_at))
    _publish_counts(occurrence)
    live.publish(event.topic, "draw.done", {"occurrence_id": occurrence.pk})
    return draw


def _tell_after_commit(
    placed: list[int], waiting: list[int], event: Event, starts: str
) -> None:
    """Tell everyone drawn once the draw is committed, outside the date's lock (in their own transaction)."""

    def notify() -> None:
        with live.atomic():
            tell(placed, "rsvp_drawn", event, when=starts)
            tell(waiting, "rsvp_draw_waitlisted", event, when=starts)

    transaction.on_commit(notify, robust=True)


@task()
def occurrence_draw(occurrence_id: int) -> int:
    """Run the draw of one date (scheduled at the close); nothing if drawn already or not yet closed."""
    occurrence = (
        Occurrence.objects.select_related("event").filter(pk=occurrence_id).first()
    )
    if occurrence is None or not occurrence.event.is_draw:
        return 0
    if occurrence.event.registration_state() != "closed":
        return 0
    return draw_run(occurrence=occurrence).entries


def due_draws(now: datetime | None = None) -> list[Occurrence]:
    """Dates of draw events whose registration has closed and that have no draw yet (the sweep)."""
    now = now or timezone.now()
    return list(
        Occurrence.objects.select_related("event")
        .filter(
            event__allocation="draw",
            event__registration_closes_at__lte=now,
            draw__isnull=True,
            is_cancelled=False,
            starts_at__gt=now,
        )
        .order_by("pk")
    )


def schedule_draws(event: Event) -> None:
    """Queue each date's draw for the close, after commit (backends that cannot defer: the sweep)."""
    if not event.is_draw or not event.registration_closes_at:
        return
    pending = list(event.occurrences.values_list("pk", flat=True))
    closes_at = event.registration_closes_at

    def enqueue() -> None:
        if not occurrence_draw.get_backend().supports_defer:
            return
        for occurrence_id in pending:
            occurrence_draw.using(run_after=closes_at).enqueue(occurrence_id)

    transaction.on_commit(enqueue)
