"""Consents, and a legal guardian's consent for a child under 14 (PIPA Art. 22-2; issue #15).

The flow: at sign-up a child (age band under 13 or 13) gives a guardian's
e-mail address; the account is created inactive and the guardian gets a link
(`guardian_consent_request`). The link opens a page where the guardian
confirms, with a checkbox, that they are the legal guardian and consent
(`guardian_consent_confirm`: the account opens, the guardian's address is
emptied, a `Consent` of kind "guardian" is recorded) or refuses
(`guardian_consent_decline`: the account is deleted). Without an answer,
`guardian_consents_expire` deletes the request and the account after
GUARDIAN_CONSENT_DAYS (the daily privacy retention job runs it; also the
`guardian_consents_sweep` task).

The link's token is random and only its SHA-256 is stored, so the database
alone cannot open an account.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from district.consents import Consent, ConsentKind, GuardianConsent, token_hash
from district.models import AGE_BAND_FLOOR
from district.validators import one_line


def needs_guardian(age_band: str) -> bool:
    """True for an age band below GUARDIAN_CONSENT_MIN_AGE (under 13, 13)."""
    return AGE_BAND_FLOOR.get(age_band, 99) < settings.GUARDIAN_CONSENT_MIN_AGE


def policy_version() -> str:
    return settings.PRIVACY_POLICY["version"]


def consent_record(
    *, user: AbstractUser, kind: str, version: str | None = None
) -> Consent:
    """Record that `user` agreed to `kind` in `version` (the privacy policy's current one by default)."""
    return Consent.objects.create(
        user=user, kind=kind, version=version or policy_version()
    )


def consent_current(user: AbstractUser, kind: str = ConsentKind.PRIVACY_POLICY) -> bool:
    """Has `user` agreed to the current version of the privacy policy (or `kind`)?"""
    return Consent.objects.filter(
        user=user, kind=kind, version=policy_version()
    ).exists()


@transaction.atomic
def guardian_consent_request(
    *,
    user: AbstractUser,
    guardian_email: str,
    link_base: str,
    language: str | None = None,
) -> GuardianConsent:
    """Keep a child's account closed and e-mail their guardian a link to consent.

    `link_base` is the site's address (`https://dongne.example`), to which the
    link's path is added. Asking again replaces the earlier request (and link).
    """
    user.is_active = False
    user.save(update_fields=["is_active"])
    token = secrets.token_urlsafe(32)
    consent, _created = GuardianConsent.objects.update_or_create(
        user=user,
        defaults={
            "guardian_email": guardian_email,
            "token_hash": token_hash(token),
            "created_at": timezone.now(),
            "confirmed_at": None,
        },
    )
    link = link_base.rstrip("/") + reverse("guardian_consent", args=[token])
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: _send_guardian_email(consent, link=link, language=language)
    )
    return consent


def _send_guardian_email(consent: GuardianConsent, *, link: str, language: str) -> None:
    profile = getattr(consent.user, "profile", None)
    with translation.override(language):
        context = {
            "display_name": profile.display_name if profile else "",
            "child_email": consent.user.email,
            "link": link,
            "days": settings.GUARDIAN_CONSENT_DAYS,
            "expires_at": consent.expires_at,
            "policy_url": link.split("/accounts/", 1)[0] + reverse("privacy_policy"),
        }
        subject = one_line(
            render_to_string("district/email/guardian_consent_subject.txt", context),
            max_length=200,
        )
        body = render_to_string("district/email/guardian_consent_body.txt", context)
    send_mail(subject, body, None, [consent.guardian_email])


def guardian_consent_for_token(token: str) -> GuardianConsent | None:
    """The pending request a link's token opens; None for an unknown, answered or expired link."""
    if not token or len(token) > 100:
        return None
    consent = (
        GuardianConsent.objects.select_related("user__profile")
        .filter(token_hash=token_hash(token), confirmed_at__isnull=True)
        .first()
    )
    if consent is None or not consent.is_pending():
        return None
    return consent


@transaction.atomic
def guardian_consent_confirm(*, consent: GuardianConsent) -> AbstractUser:
    """The guardian consented: open the account, forget the guardian's address, record the consent."""
    consent = GuardianConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.confirmed_at is not None:
        return consent.user
    now = timezone.now()
    consent.confirmed_at = now
    consent.guardian_email = ""
    consent.save(update_fields=["confirmed_at", "guardian_email"])
    user = consent.user
    user.is_active = True
    user.save(update_fields=["is_active"])
    Consent.objects.create(
        user=user, kind=ConsentKind.GUARDIAN, version=policy_version(), at=now
    )
    return user


@transaction.atomic
def guardian_consent_decline(*, consent: GuardianConsent) -> None:
    """The guardian refused: the child's account and everything it holds are deleted."""
    user = consent.user
    if user.is_active:  # only a never-opened account is deleted this way
        return
    user.delete()


def guardian_consents_expire(now: datetime) -> int:
    """Delete unanswered requests past GUARDIAN_CONSENT_DAYS with their inactive accounts.

    Also empties any guardian address still stored past that period (an
    answered request keeps none). Returns how many accounts were deleted.
    Registered with the daily privacy retention job; safe to run any time.
    """
    cutoff = now - timedelta(days=settings.GUARDIAN_CONSENT_DAYS)
    stale = GuardianConsent.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff, user__is_active=False
    ).select_related("user")
    deleted = 0
    for consent in stale:
        with transaction.atomic():
            consent.user.delete()
        deleted += 1
    GuardianConsent.objects.filter(created_at__lt=cutoff).exclude(
        guardian_email=""
    ).update(guardian_email="")
    return deleted


@task()
def guardian_consents_sweep() -> int:
    """`guardian_consents_expire` as a background task (for a scheduler that runs tasks)."""
    return guardian_consents_expire(timezone.now())
