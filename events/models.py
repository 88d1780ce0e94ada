from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.search import index

from district.validators import validate_one_line
from events.recurrence import RecurrenceError, describe, validate_rule


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


# What an organiser sets on an event (the rest comes from the board, the services and reviews).
ORGANISER_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "location_name",
    "address",
    "map_url",
    "online_url",
    "languages",
    "capacity",
    "rsvp_deadline",
    "registration_opens_at",
    "registration_closes_at",
    "allocation",
    "recurrence",
)


class ReviewState(models.TextChoices):
    """A resident's proposal waits for the board's organisers; organisers' own events start approved."""

    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Waiting for approval")
    REJECTED = "rejected", _("Not approved")


class EventKind(models.TextChoices):
    """A general assembly (주민총회) is where an association's ballot is voted on the day (votes app)."""

    REGULAR = "regular", _("Regular event")
    GENERAL_ASSEMBLY = "assembly", _("General assembly (주민총회)")


class Allocation(models.TextChoices):
    """How an event's places are given out once registration opens."""

    FIRST_COME = "first_come", _("First come, first served")
    DRAW = "draw", _("Draw (추첨) when registration closes")


class EventTag(TaggedItemBase):
    content_object = ParentalKey(
        "events.Event", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Event(index.Indexed, ClusterableModel):
    """A meeting, programme or gathering announced on a board (the board gives its dong and audience).

    A recurring event (weekly senior tea) has an RRULE with an end (COUNT or
    UNTIL); each occurrence takes its own RSVPs. Its discussion happens in a
    forum thread on the same board, created with the event.
    """

    board = models.ForeignKey(
        "forums.Board", on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(_("title"), max_length=150, validators=[validate_one_line])
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location_name = models.CharField(
        _("place"), max_length=150, blank=True, validators=[validate_one_line]
    )
    address = models.CharField(
        pgettext_lazy("street address", "address"),
        max_length=255,
        blank=True,
        validators=[validate_one_line],
    )
    map_url = models.URLField(_("map link"), blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    languages = models.CharField(
        _("languages spoken"),
        max_length=60,
        blank=True,
        help_text=_("e.g. ko, en"),
        validators=[validate_one_line],
    )
    tags = ClusterTaggableManager(through=EventTag, blank=True, verbose_name=_("tags"))
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty for unlimited.")
    )
    rsvp_deadline = models.DateTimeField(_("sign-up deadline"), null=True, blank=True)
    # Registration day: nothing is accepted before `registration_opens_at` (server time)
    # nor after `registration_closes_at`; a draw happens at the close.
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True
    )
    allocation = models.CharField(
        _("places given"),
        max_length=20,
        choices=Allocation.choices,
        default=Allocation.FIRST_COME,
    )
    recurrence = models.CharField(
        _("repeats (RRULE)"),
        max_length=200,
        blank=True,
        help_text=_("e.g. FREQ=WEEKLY;COUNT=8"),
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_events",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EventStatus.choices,
        default=EventStatus.SCHEDULED,
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=EventKind.choices,
        default=EventKind.REGULAR,
    )
    review_state = models.CharField(
        _("review"),
        max_length=20,
        choices=ReviewState.choices,
        default=ReviewState.APPROVED,
    )
    review_note = models.CharField(_("reviewer's note"), max_length=1000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    thread = models.OneToOneField(
        "forums.Thread",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # What a reader sees on the event page; who may find it is `events.search`.
    search_fields = (
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("description"),
        index.SearchField("location_name"),
        index.FilterField("review_state"),
        index.FilterField("status"),
    )

    class Meta:
        ordering = ("starts_at", "id")
        indexes = (models.Index(fields=("board", "review_state", "status")),)
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if len((self.title or "").strip()) < 2:
            errors["title"] = _("Please give the event a title.")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if self.capacity == 0:
            errors["capacity"] = _(
                "Give at least one place, or leave it empty for unlimited."
            )
        if (
            self.rsvp_deadline
            and self.starts_at
            and self.rsvp_deadline > self.starts_at
        ):
            errors["rsvp_deadline"] = _(
                "The sign-up deadline must be before the event starts."
            )
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _(
                "Registration must close after it opens."
            )
        if self.allocation == Allocation.DRAW and not self.registration_closes_at:
            errors["registration_closes_at"] = _(
                "A draw needs the time registration closes."
            )
        if self.recurrence:
            try:
                validate_rule(self.recurrence, self.starts_at)
            except RecurrenceError as error:
                errors["recurrence"] = str(error)
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return reverse("events:event", args=[self.pk])

    @property
    def approved(self) -> bool:
        return self.review_state == ReviewState.APPROVED

    def repeat_description(self) -> str:
        return describe(self.recurrence) if self.recurrence else ""

    @property
    def topic(self) -> str:
        return f"event:{self.pk}"

    def registration_state(self, now=None) -> str:
        """The registration window by the server's clock: "not_yet", "open" or "closed"."""
        now = now or timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if self.registration_closes_at and now >= self.registration_closes_at:
            return "closed"
        return "open"

    @property
    def is_draw(self) -> bool:
        return self.allocation == Allocation.DRAW


class Occurrence(models.Model):
    """One date of an event; RSVPs and places belong here. Counts are kept under a row lock."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="occurrences"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_cancelled = models.BooleanField(default=False)
    going_count = models.PositiveIntegerField(
        default=0, help_text="people going, guests included"
    )
    waitlist_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("starts_at", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("event", "starts_at"), name="occurrence_once_per_start"
            ),
        )
        # The calendar and the lists read dates in time order, a page at a time.
        indexes = (
            models.Index(fields=("starts_at", "id"), name="occurrence_starts"),
            # Where the upcoming list begins: the earliest start of a date not over yet.
            models.Index(fields=("ends_at", "starts_at"), name="occurrence_ends"),
        )

    def places_left(self) -> int | None:
        if self.event.capacity is None:
            return None
        return max(0, self.event.capacity - self.going_count)

    @property
    def called_off(self) -> bool:
        """This date will not happen: cancelled on its own or with its whole event."""
        return self.is_cancelled or self.event.status == EventStatus.CANCELLED

    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class RSVPStatus(models.TextChoices):
    ENTERED = "entered", _("Entered in the draw")
    GOING = "going", _("Going")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class RSVP(models.Model):
    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="rsvps"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    status = models.CharField(max_length=20, choices=RSVPStatus.choices)
    guests = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # A draw entry's pseudonymous token: published in the draw's list, shown only to its owner.
    entry_token = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("occurrence", "user"), name="rsvp_once_per_occurrence"
            ),
            models.CheckConstraint(
                condition=models.Q(guests__lte=10), name="rsvp_guests_at_most_10"
            ),
        )
        indexes = (models.Index(fields=("occurrence", "status", "waitlisted_at")),)

    @property
    def seats(self) -> int:
        return 1 + self.guests


class Draw(models.Model):
    """The published draw (추첨) of one date: anyone can re-run it (`manage.py verify_draw`).

    Algorithm (events.services.draw): the entries' tokens sorted, shuffled with
    `random.Random(seed)`; the first entries take the places in that order,
    the rest join the waiting list in that order. `tokens` is the shuffled
    list, one per line; `sha256` is the hex SHA-256 of that text (UTF-8).
    """

    occurrence = models.OneToOneField(
        Occurrence, on_delete=models.CASCADE, related_name="draw"
    )
    seed = models.CharField(max_length=64)
    drawn_at = models.DateTimeField(auto_now_add=True)
    entries = models.PositiveIntegerField()
    tokens = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64)

    def token_list(self) -> list[str]:
        return self.tokens.split("\n") if self.tokens else []


class BoardRegistrationPolicy(models.Model):
    """Per-resident limits over a season, set per board (e.g. 2 programmes of one association per quarter).

    The limit counts the resident's sign-ups (going, waiting or entered in a
    draw) for distinct events of boards of the same association (the same
    dong; district-wide boards count on their own) whose date falls in the
    same season: seasons are blocks of `season_months` months from January.
    """

    board = models.OneToOneField(
        "forums.Board", on_delete=models.CASCADE, related_name="registration_policy"
    )
    max_programmes = models.PositiveSmallIntegerField(
        _("programmes per resident per season")
    )
    season_months = models.PositiveSmallIntegerField(
        _("season length in months"),
        default=3,
        help_text=_("3 for a quarter, 6 for half a year, 12 for a year."),
    )

    class Meta:
        verbose_name = _("registration limit")
        verbose_name_plural = _("registration limits")

    def clean(self) -> None:
        if self.season_months not in (1, 2, 3, 4, 6, 12):
            raise ValidationError(
                {"season_months": _("A season is 1, 2, 3, 4, 6 or 12 months.")}
            )


class CalendarFeed(models.Model):
    """The secret address of a resident's "my events" calendar, for phone calendars that cannot sign in.

    Anyone holding the address sees the resident's dates, so it can be replaced
    (the old address stops working at once).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=43, unique=True)
    created_at = models.DateTimeField(auto_now=True)
