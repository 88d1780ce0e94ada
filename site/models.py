import datetime
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from district.names import skeleton, skeleton_upper
from district.page_routing import SpecificChildRoutingMixin
from district.privacy import ViewRestrictionsInOneQueryMixin

display_name_validator = RegexValidator(
    r"^[\w][\w .·-]*$",
    _("Use letters, numbers, spaces, dots, hyphens or underscores only."),
)


class DistrictHomePage(
    SpecificChildRoutingMixin, ViewRestrictionsInOneQueryMixin, Page
):
    """The district's front door at `/`: every association, and the district-wide pages.

    There is exactly one; `seed_district` creates it and points the Wagtail Site at it.
    What it lists comes from the apps above the kernel, through the "home"
    slot (`district.slots`); which pages go below it, from their own
    `parent_page_types`.
    """

    introduction = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    search_fields = Page.search_fields + [index.SearchField("introduction")]

    parent_page_types = ("wagtailcore.Page",)
    max_count = 1

    class Meta:
        verbose_name = _("district home page")


class AgeBand(models.TextChoices):
    """A declared age band, never a birth date: enough for the minimum ages of votes (13, 14, 18) and of sign-up."""

    UNDER_13 = "under13", _("Under 13")
    AGE_13 = "13", _("13")
    AGE_14_17 = "14-17", _("14 to 17")
    ADULT = "18+", _("18 or older")


# The youngest age each band guarantees, to compare with a minimum age.
AGE_BAND_FLOOR = {"under13": 0, "13": 13, "14-17": 14, "18+": 18}


class Profile(models.Model):
    """What a resident tells us about themselves: a display name, an optional home dong, a language.

    Nothing else, on purpose (personal-information protection): no real name,
    phone number or resident registration number is ever asked for or stored.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        _("display name"),
        max_length=30,
        validators=[display_name_validator],
        help_text=_(
            "Shown next to what you write. Do not use your real name if you prefer not to."
        ),
    )
    home_dong = models.ForeignKey(
        "wagtailcore.Page",  # an association's page (see district.associations)
        verbose_name=_("home neighbourhood"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    age_band = models.CharField(
        _("age band"),
        max_length=8,
        choices=AgeBand.choices,
        blank=True,
        help_text=_(
            "Declared by you; used only to check who may vote or sign up. Empty: not declared."
        ),
    )
    display_name_skeleton = models.CharField(
        max_length=120, blank=True, db_index=True, editable=False
    )
    display_name_skeleton_upper = models.CharField(
        max_length=120, blank=True, db_index=True, editable=False
    )
    email_notifications = models.BooleanField(
        _("e-mail me notifications I have not seen"),
        default=True,
        help_text=_(
            "Sent a while after the notification, only if you have not read it on the site."
        ),
    )
    always_translate = models.BooleanField(
        _("always translate what residents write"),
        default=False,
        help_text=_(
            "Show a machine translation into your language under posts, events, notices and proposals written in another language. The original stays visible."
        ),
    )
    # Set when the resident closed the account (district.accounts.account_close):
    # the row stays as an opaque id, every personal field emptied.
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("profile")
        constraints = (
            # Closed accounts all have an empty name: only real names are unique.
            models.UniqueConstraint(
                Lower("display_name"),
                condition=~models.Q(display_name=""),
                name="profile_display_name_unique_ci",
            ),
        )

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs) -> None:
        # What the name looks like (district.names), stored beside it so a look-alike is one indexed query away.
        self.display_name_skeleton = skeleton(self.display_name)[:120]
        self.display_name_skeleton_upper = skeleton_upper(self.display_name)[:120]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:
            kwargs["update_fields"] = {
                *update_fields,
                "display_name_skeleton",
                "display_name_skeleton_upper",
            }
        super().save(*args, **kwargs)


class AppendOnlyError(RuntimeError):
    """An attempt to change or remove a row of an append-only record (a log, a history)."""


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk writes that would rewrite history are refused (cascades from deleted rows still work)."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only")


class AppendOnlyModel(models.Model):
    """A record that is only ever added to: the moderation log, a proposal's history, a box count.

    Saving an existing row, deleting one, and the queryset's `update`,
    `bulk_update` and `delete` all raise `AppendOnlyError`. (A database role
    without UPDATE/DELETE rights on these tables would close the raw-SQL
    path too; that is a deployment choice.)
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} is append-only")


def display_name(user) -> str:
    """How a resident is named next to what they do: their display name, never their e-mail.

    A closed account is "former member" (in the reader's language).
    """
    profile = getattr(user, "profile", None)
    if profile is not None and profile.closed_at is not None:
        return str(_("former member"))
    return profile.display_name if profile else user.get_username()


class LiveTopic(models.Model):
    """The last sequence number handed out for a live topic (`thread:42`).

    Incrementing it locks the row until the transaction commits, so within one
    topic sequence numbers are committed in order: a client that resumes after
    seq N never misses a later-committed N-1.
    """

    topic = models.CharField(max_length=64, primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)


class LiveEvent(models.Model):
    """One live update, written in the same transaction as the change it announces.

    The log is what reconnecting clients catch up from; the channel layer only
    rings the bell. Kept for LIVE_EVENT_RETENTION (days) and at most
    LIVE_EVENT_KEEP_PER_TOPIC per topic.
    """

    topic = models.CharField(max_length=64)
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("topic", "seq"), name="liveevent_topic_seq_unique"
            ),
        )

    def as_frame(self) -> dict:
        return {
            "type": "event",
            "topic": self.topic,
            "seq": self.seq,
            "event": self.type,
            "data": self.data,
        }


class Notification(models.Model):
    """Something a resident should know about: a reply, a quote, a mention, a moderator's action.

    The text is composed when shown, in the reader's language at that moment, by
    the formatter its app registered for `kind` (`register_notification_kind`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30)
    actor_name = models.CharField(max_length=30, blank=True)
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (
            models.Index(fields=("user", "read_at")),
            # The list, newest first, reads one user's rows in index order.
            models.Index(
                fields=("user", "-created_at", "-id"), name="notification_user_newest"
            ),
        )

    def message(self) -> str:
        formatter = NOTIFICATION_FORMATTERS.get(self.kind)
        return formatter(self) if formatter else self.kind


NOTIFICATION_FORMATTERS: dict[str, Callable[[Notification], str]] = {}


def register_notification_kind(
    kind: str, formatter: Callable[[Notification], str]
) -> None:
    NOTIFICATION_FORMATTERS[kind] = formatter


class Translation(models.Model):
    """A machine translation of one field of one object into one language.

    Keyed by a hash of the source text: an edited text gets a new row (and a
    new translation), the old one stays until pruned. The original is never
    touched. Which fields of which models are translatable is registered by
    their apps (`district.translation.register_translatable`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("translating")
        DONE = "done", _("translated")
        FAILED = "failed", _("unavailable")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=50)
    target_language = models.CharField(max_length=10)
    source_hash = models.CharField(max_length=64)
    source_language = models.CharField(max_length=10, blank=True)
    text = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=(
                    "content_type",
                    "object_id",
                    "field",
                    "target_language",
                    "source_hash",
                ),
                name="translation_unique_source",
            ),
        )
        indexes = (
            models.Index(
                fields=("content_type", "object_id", "target_language"),
                name="translation_object_lang",
            ),
        )

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}.{self.field} → {self.target_language}"


class AccessLogEntry(AppendOnlyModel):
    """Staff or a leader looked at (or exported) other people's personal data: who, what, when.

    Written by `district.access_log.record` only; readable by superusers only
    (the admin's "Access log"); kept ACCESS_LOG_RETENTION_DAYS (at least two years).
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    what = models.CharField(_("what"), max_length=200)
    object_ref = models.CharField(_("object"), max_length=100, blank=True)
    path = models.CharField(_("address"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.what}"


class DataExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class DataExport(models.Model):
    """A resident's copy of their data (ZIP of JSON and CSV), in private storage for DATA_EXPORT_DAYS."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=DataExportStatus.choices, default="pending"
    )
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def delete_file(self) -> None:
        from django.core.files.storage import storages

        if self.file_name:
            storages["exports"].delete(self.file_name)


# Sanctions and appeals live in their own module (district.moderation); imported here so Django sees them.
from district.moderation.models import Appeal, Sanction  # noqa: F401


class IdempotencyKey(models.Model):
    """The first answer to a write a browser may send twice (`district.idempotency`).

    The page puts a fresh key in each write form; the row is written in the
    same transaction as the write, so a retry with the same key finds it and
    gets the same answer without writing again. Rows older than
    IDEMPOTENCY_KEY_HOURS are deleted by `manage.py prune_idempotency_keys`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=64)
    scope = models.CharField(max_length=40)
    status = models.PositiveSmallIntegerField()
    location = models.CharField(max_length=2000, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("user", "key"), name="idempotency_once"),
        )


class SearchTerms(models.Model):
    """What Korean analysis found in one entry of Wagtail's search index (`district.korean`).

    `terms`: the entry's morphemes and compounds, space-separated, for exact
    token matches ("회의를" → 회의). `grams`: its words' two-character pieces,
    which narrow a substring search for two-syllable words on PostgreSQL
    (GIN indexes over both on PostgreSQL, migration 0013). Written with the
    index entry (`district.search_backend`); no database constraint, because
    Wagtail deletes index entries with raw deletes, and a row whose entry is
    gone is never joined.
    """

    entry = models.OneToOneField(
        "wagtailsearch.IndexEntry",
        on_delete=models.CASCADE,
        primary_key=True,
        db_constraint=False,
        related_name="dongne_terms",
    )
    terms = models.TextField(blank=True)
    grams = models.TextField(blank=True)


# What people agreed to, and guardians' consent for children under 14 (PIPA;
# the flows are in district.guardians, district.consents re-exports these).
class ConsentKind(models.TextChoices):
    PRIVACY_POLICY = "privacy_policy", _("Privacy policy")
    TERMS = "terms", _("Terms of use")
    GUARDIAN = "guardian", _("Legal guardian's consent")


class Consent(AppendOnlyModel):
    """One agreement, to one version of a document (`PRIVACY_POLICY["version"]`), never changed afterwards.

    A new version of the policy means a new row when the person agrees again;
    the history of what someone agreed to, and when, stays readable.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    version = models.CharField(max_length=40)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-at", "-id")
        indexes = (models.Index(fields=("user", "kind", "-at")),)
        verbose_name = _("consent")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.version}"


def token_hash(token: str) -> str:
    """The stored form of a guardian's link token: the link itself is never kept."""
    return hashlib.sha256(token.encode()).hexdigest()


class GuardianConsent(models.Model):
    """A child's (under 14) request for their legal guardian's consent, and its answer.

    `guardian_email` is kept only to send the link: emptied once the guardian
    has answered, and with the request (and the child's inactive account)
    after GUARDIAN_CONSENT_DAYS without an answer.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guardian_consent",
    )
    guardian_email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("guardian's consent")

    def __str__(self) -> str:
        return f"guardian consent for {self.user_id}"

    @property
    def expires_at(self):
        return self.created_at + datetime.timedelta(days=settings.GUARDIAN_CONSENT_DAYS)

    def is_pending(self) -> bool:
        return self.confirmed_at is None and timezone.now() < self.expires_at
