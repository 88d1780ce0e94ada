"""What a person agreed to, and a guardian's consent for a child under 14 (PIPA Art. 22-2; issue #15).

Models only (imported by `district.models`); the flows are in `district.guardians`.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from district.models import AppendOnlyModel


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
        return self.created_at + timedelta(days=settings.GUARDIAN_CONSENT_DAYS)

    def is_pending(self) -> bool:
        return self.confirmed_at is None and timezone.now() < self.expires_at
