"""Forms of the event pages: the organiser's event form, filters, cancellation, review and attendance.

Forms check the shape of what was typed; the rules (end after start, places
not below the people going, a repeat that ends) live on the model and in the
services, whose errors the views put back on these forms.
"""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from district.forms import DongChoiceField
from district.pii import PersonalDataFormMixin
from district.validators import validate_one_line
from dong.models import DongPage
from events.models import ORGANISER_FIELDS, Allocation, Event
from events.recurrence import MAX_OCCURRENCES
from forums.forms import TagsField
from forums.models import Audience

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class LocalDateTimeField(forms.DateTimeField):
    """A phone's native date-and-time picker, read in Seoul time."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATETIME_FORMATS)
        super().__init__(**kwargs)


REPEATS = {
    "": "",
    "weekly": "FREQ=WEEKLY",
    "biweekly": "FREQ=WEEKLY;INTERVAL=2",
    "monthly": "FREQ=MONTHLY",
}


class EventForm(PersonalDataFormMixin, forms.Form):
    personal_data_fields = ("title", "description", "location_name", "address")

    title = forms.CharField(
        label=_("Title"), max_length=150, validators=[validate_one_line]
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What will happen, who it is for, what to bring. Markdown works: **bold**, - list, [link](https://…)."
        ),
    )
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    repeat = forms.ChoiceField(
        label=_("Repeats"),
        required=False,
        choices=(
            ("", _("Does not repeat")),
            ("weekly", _("Every week")),
            ("biweekly", _("Every two weeks")),
            ("monthly", _("Every month")),
            ("custom", _("Custom rule (RRULE)")),
        ),
    )
    repeat_count = forms.IntegerField(
        label=_("How many times in all"),
        required=False,
        min_value=2,
        max_value=MAX_OCCURRENCES,
        help_text=_("For a repeating event: the number of dates, the first included."),
    )
    recurrence = forms.CharField(
        label=_("Custom rule (RRULE)"),
        required=False,
        max_length=200,
        help_text=_("Only for “Custom rule”, e.g. FREQ=WEEKLY;BYDAY=TU,TH;COUNT=16"),
    )
    location_name = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=150,
        help_text=_("e.g. 역삼1동 주민센터 3층 강당"),
        validators=[validate_one_line],
    )
    address = forms.CharField(
        label=pgettext_lazy("street address", "Address"),
        required=False,
        max_length=255,
        validators=[validate_one_line],
    )
    map_url = forms.URLField(label=_("Map link"), required=False, assume_scheme="https")
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("For an online meeting: the link to join."),
    )
    languages = forms.CharField(
        label=_("Languages spoken"),
        required=False,
        max_length=60,
        help_text=_("e.g. 한국어, English"),
        validators=[validate_one_line],
    )
    tags = TagsField(help_text=_("Separate tags with commas, e.g. 어르신, 건강"))
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        help_text=_("Empty for unlimited. Guests count as places."),
    )
    rsvp_deadline = LocalDateTimeField(label=_("Sign-up deadline"), required=False)
    registration_opens_at = LocalDateTimeField(
        label=_("Registration opens"),
        required=False,
        help_text=_("Nobody can sign up before this time (the server's clock)."),
    )
    registration_closes_at = LocalDateTimeField(
        label=_("Registration closes"), required=False
    )
    allocation = forms.ChoiceField(
        label=_("Places given"),
        choices=Allocation.choices,
        initial=Allocation.FIRST_COME,
        required=False,  # first come when not sent (older pages, scripts)
        help_text=_(
            "A draw collects entries until registration closes, then draws the places at random and publishes the draw."
        ),
    )

    def clean_allocation(self) -> str:
        return self.cleaned_data.get("allocation") or Allocation.FIRST_COME

    def __init__(self, *args, event: Event | None = None, **kwargs):
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(event)
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(event: Event) -> dict:
        initial = {
            name: getattr(event, name)
            for name in ORGANISER_FIELDS
            if name
            not in (
                "starts_at",
                "ends_at",
                "rsvp_deadline",
                "registration_opens_at",
                "registration_closes_at",
                "recurrence",
            )
        }
        for name in ("registration_opens_at", "registration_closes_at"):
            if getattr(event, name):
                initial[name] = timezone.localtime(getattr(event, name))
        initial["starts_at"] = timezone.localtime(event.starts_at)
        initial["ends_at"] = timezone.localtime(event.ends_at)
        if event.rsvp_deadline:
            initial["rsvp_deadline"] = timezone.localtime(event.rsvp_deadline)
        initial["tags"] = ", ".join(sorted(t.name for t in event.tags.all()))
        rule = event.recurrence.removeprefix("RRULE:")
        initial["repeat"], initial["recurrence"] = "", ""
        for key, prefix in REPEATS.items():
            if (
                key
                and rule.startswith(prefix + ";COUNT=")
                and rule.count(";") == (prefix.count(";") + 1)
            ):
                initial["repeat"] = key
                initial["repeat_count"] = int(rule.rsplit("=", 1)[1])
                break
        else:
            if rule:
                initial["repeat"], initial["recurrence"] = "custom", rule
        return initial

    def clean(self):
        data = super().clean()
        repeat = data.get("repeat", "")
        if repeat == "custom":
            if not data.get("recurrence"):
                self.add_error(
                    "recurrence", _("Write the rule, or choose another repeat.")
                )
            data["rule"] = data.get("recurrence", "")
        elif repeat:
            if not data.get("repeat_count"):
                self.add_error(
                    "repeat_count",
                    _("Say how many times it happens (between 2 and %(max)d).")
                    % {"max": MAX_OCCURRENCES},
                )
            data["rule"] = f"{REPEATS[repeat]};COUNT={data.get('repeat_count') or 0}"
        else:
            data["rule"] = ""
        return data

    def service_fields(self) -> dict:
        """The cleaned data as the services take it."""
        data = {**self.cleaned_data, "recurrence": self.cleaned_data["rule"]}
        return {name: data[name] for name in ORGANISER_FIELDS}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the people signed up will see it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=pgettext_lazy("proposal review", "Decision"),
        choices=(("approve", _("Approve and publish")), ("reject", _("Decline"))),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the proposer (required when declining)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FilterForm(forms.Form):
    """The lists' filters; every field optional, bad values explained rather than ignored."""

    dong = DongChoiceField(
        label=_("Neighbourhood"),
        queryset=DongPage.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    audience = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=(("", _("All groups")), *Audience.choices),
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dong"].queryset = DongPage.objects.live().order_by("title")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("“Until” must not be before “From”."))
        return data

    def is_filtered(self) -> bool:
        return self.is_bound and any(
            self.cleaned_data.get(name) for name in self.fields
        )


def month_from(value: str | None, today: date) -> date:
    """`2026-12` → 1 December 2026; anything unreadable → this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError(year)
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
