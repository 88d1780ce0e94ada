"""Sanctions (warning, silence, suspension) and appeals. Imported by `district.models` so Django sees them."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from district.moderation.reasons import ModerationReason


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    SILENCE = "silence", _("Silenced")
    SUSPEND = "suspend", _("Suspended")


class Sanction(models.Model):
    """A sanction against an account, by district staff, with its reason and (except a warning) its end.

    A silenced account can read but not post, react, report or propose; a
    suspended one cannot sign in (`is_active` off while it runs). `ends_at`
    empty on a suspension means until lifted. `ended_at` is when it stopped
    applying: lapsed (the scheduled job) or lifted by staff.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sanctions",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("sanction"), max_length=10, choices=SanctionKind.choices)
    reason_code = models.CharField(
        _("reason"), max_length=20, choices=ModerationReason.choices
    )
    text = models.TextField(_("explanation"), max_length=1000)
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("user", "ended_at")),)
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def is_current(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.kind != SanctionKind.WARNING
            and self.ended_at is None
            and self.starts_at <= now
            and (self.ends_at is None or self.ends_at > now)
        )


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld: the action stays")
    REVERSED = "reversed", _("Reversed: the action is undone")


class Appeal(models.Model):
    """A person's request that someone else look again at an action against them: once per action.

    The appealed thing is any model an app registered a handler for
    (`district.moderation.registry`): a forum moderation-log entry, a sanction.
    What the report and the queue need is copied here when the appeal is made
    (who acted, when, why, which association), so neither has to ask the app.
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="appeals",
        verbose_name=_("appellant"),
    )
    text = models.TextField(_("appeal"), max_length=2000)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acted_at = models.DateTimeField()
    reason_code = models.CharField(
        _("reason"), max_length=20, choices=ModerationReason.choices
    )
    association = models.ForeignKey(
        "wagtailcore.Page",  # an association's page (district.associations); empty: district-wide
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("association"),
    )
    summary = models.CharField(_("about"), max_length=200)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(
        _("decision"), max_length=10, choices=AppealOutcome.choices, blank=True
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("content_type", "object_id"), name="appeal_once_per_action"
            ),
        )
        indexes = (models.Index(fields=("decided_at", "created_at")),)
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"#{self.pk}: {self.summary}"

    @property
    def due_at(self) -> datetime:
        return self.created_at + timedelta(days=settings.DONGNE_APPEAL_TARGET_DAYS)

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.decided_at is None and (now or timezone.now()) > self.due_at
