"""allauth's adapter: a child's account waiting for a guardian says so (not just "inactive"); account e-mails are branded, in the recipient's language."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext

from district.consents import GuardianConsent
from district.languages import district_name


class AccountAdapter(DefaultAccountAdapter):
    def respond_user_inactive(self, request, user):
        consent = GuardianConsent.objects.filter(
            user=user, confirmed_at__isnull=True
        ).first()
        if consent is not None and consent.is_pending():
            return redirect("guardian_waiting")
        # A suspended account is told until when and why (district.moderation).
        from district.moderation.policy import suspension_message

        if message := suspension_message(user):
            messages.error(request, message)
        return super().respond_user_inactive(request, user)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        send_branded_mail(self, template_prefix, email, context)

    def format_email_subject(self, subject: str) -> str:
        return branded_subject(subject)


def _recipient(email: str, context: dict):
    user = context.get("user")
    if user is None or not getattr(user, "pk", None):
        user = (
            get_user_model()
            .objects.filter(email__iexact=email)
            .select_related("profile")
            .first()
        )
    return user


def send_branded_mail(adapter, template_prefix: str, email: str, context: dict) -> None:
    """Every account e-mail in its recipient's language, signed with the site's name, greeting by display name."""
    user = _recipient(email, context)
    profile = getattr(user, "profile", None) if user is not None else None
    language = (
        profile.language if profile is not None and profile.language else None
    ) or translation.get_language()
    with translation.override(language):
        context = {
            **context,
            "site_name": gettext("Dongne"),
            "district_name": district_name(),
            "site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/",
            "recipient_name": profile.display_name
            if profile is not None and not profile.closed_at
            else "",
        }
        DefaultAccountAdapter.send_mail(adapter, template_prefix, email, context)


def branded_subject(subject: str) -> str:
    return f"[{gettext('Dongne')}] {subject}"
