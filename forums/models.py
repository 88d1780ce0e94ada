from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.search import index

from district.models import AppendOnlyModel
from district.moderation.reasons import ModerationReason
from district.validators import validate_one_line


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    YOUTH = "youth", _("Youth")
    SENIORS = "seniors", _("Seniors")
    FOREIGN = "foreign", _("Foreign residents")


ascii_slug = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("Use lower-case letters, digits and hyphens.")
)


# An association's general board is "<association> forum" (forums.services.boards).
FORUM_SUFFIX = " forum"


class Board(models.Model):
    """A place to talk: for one association (`dong`) or the whole district, and for an audience.

    Everyone may read every board. The association's leaders moderate its
    boards; a district-wide audience board has a facilitators' group.
    """

    name = models.CharField(_("name"), max_length=100, validators=[validate_one_line])
    name_en = models.CharField(
        _("English name"), max_length=100, blank=True, validators=[validate_one_line]
    )
    slug = models.SlugField(
        _("address"), max_length=60, unique=True, validators=[ascii_slug]
    )
    description = models.CharField(
        _("description"), max_length=300, blank=True, validators=[validate_one_line]
    )
    dong = models.ForeignKey(
        "dong.DongPage",
        verbose_name=_("association"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="boards",
        help_text=_("Leave empty for a district-wide board."),
    )
    audience = models.CharField(
        _("audience"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.EVERYONE,
    )
    facilitators = models.ForeignKey(
        Group,
        verbose_name=_("facilitators' group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("position", "id")
        verbose_name = _("forum board")
        verbose_name_plural = _("forum boards")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forums:board", args=[self.slug])

    @property
    def topic(self) -> str:
        return f"board:{self.pk}"

    @property
    def local_name(self) -> str:
        """The name in the reader's language: Korean, English, or the seeded boards' names in zh/vi/ja.

        The district-wide boards' English names are msgids (forums.services.boards),
        and an association's "<name> forum" follows the pattern's translation.
        """
        from django.utils.translation import get_language, gettext

        language = get_language() or "ko"
        if language.startswith("ko") or not self.name_en:
            return self.name
        if language.startswith("en"):
            return self.name_en
        translated = gettext(self.name_en)
        if translated != self.name_en:
            return translated
        if self.name_en.endswith(FORUM_SUFFIX):
            return gettext("%(association)s forum") % {
                "association": self.name_en.removesuffix(FORUM_SUFFIX)
            }
        return self.name_en


class ThreadTag(TaggedItemBase):
    content_object = ParentalKey(
        "forums.Thread", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Thread(index.Indexed, ClusterableModel):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(_("title"), max_length=150, validators=[validate_one_line])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads"
    )
    tags = ClusterTaggableManager(through=ThreadTag, blank=True, verbose_name=_("tags"))
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_post = models.ForeignKey(
        "forums.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    post_count = models.PositiveIntegerField(default=0)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)

    search_fields = (
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.FilterField("board_id"),
        index.FilterField("is_hidden"),
    )

    class Meta:
        indexes = (
            models.Index(
                fields=("board", "is_hidden", "-is_pinned", "-last_activity_at")
            ),
        )
        verbose_name = _("thread")
        verbose_name_plural = _("threads")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:thread", args=[self.pk])

    @property
    def topic(self) -> str:
        return f"thread:{self.pk}"


class Post(index.Indexed, models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    quote_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)

    search_fields = (
        index.SearchField("body"),
        index.AutocompleteField("body"),
        index.FilterField("thread_id"),
        index.FilterField("is_hidden"),
    )

    class Meta:
        indexes = (models.Index(fields=("thread", "id")),)
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"#{self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return f"{reverse('forums:post', args=[self.pk])}"


class PostRevision(models.Model):
    """A post's earlier text, kept on every edit; moderators can read the history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-edited_at", "-id")


class ReactionKind(models.TextChoices):
    LIKE = "like", _("Like")
    THANKS = "thanks", _("Thanks")
    AGREE = "agree", _("Agree")


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=ReactionKind.choices)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("post", "user", "kind"), name="reaction_once_per_kind"
            ),
        )


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abuse, harassment or hate")
    PERSONAL_INFO = "personal_info", _("Someone's personal information")
    OFF_TOPIC = "off_topic", _("Off-topic")
    OTHER = "other", _("Something else")


class Report(models.Model):
    """A resident's report of a post; open until a moderator acts on it or dismisses it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("post", "reporter"), name="report_once_per_resident"
            ),
        )
        indexes = (models.Index(fields=("resolved_at", "created_at")),)

    def clean(self) -> None:
        if self.reason == ReportReason.OTHER and not self.note.strip():
            raise ValidationError({"note": _("Please tell us briefly what is wrong.")})


class ModerationAction(AppendOnlyModel):
    """The append-only moderation log: who did what to which content, and why.

    Rows are never changed or deleted (`save` refuses updates, `delete` refuses).
    """

    class Kind(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")
        PIN = "pin", _("Pinned")
        UNPIN = "unpin", _("Unpinned")
        MOVE = "move", _("Moved")
        DELETE = "delete", _("Deleted")
        DISMISS = "dismiss", _("Reports dismissed")
        AUTO_HIDE = "auto_hide", _("Hidden after reports")
        EDIT = "edit", _("Edited by a moderator")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("moderator"),
    )
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="+", verbose_name=_("board")
    )
    thread = models.ForeignKey(
        Thread, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(_("content"), max_length=200)
    reason_code = models.CharField(
        _("reason code"),
        max_length=20,
        choices=ModerationReason.choices,
        default=ModerationReason.OTHER,
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        default_permissions = ("view",)


class ReadMarker(models.Model):
    """The last post a resident has seen in a thread: drives unread markers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    last_read_post_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("user", "thread"), name="readmarker_unique"
            ),
        )


class BoardVisit(models.Model):
    """When a resident last opened a board: drives "new since your last visit"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    previous_visit_at = models.DateTimeField(null=True)
    last_visit_at = models.DateTimeField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("user", "board"), name="boardvisit_unique"),
        )
