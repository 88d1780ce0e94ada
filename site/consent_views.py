"""The privacy policy page (PIPA Art. 30) and a guardian's consent page (Art. 22-2)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from district.consents import Consent, ConsentKind
from district.guardians import (
    consent_record,
    guardian_consent_confirm,
    guardian_consent_decline,
    guardian_consent_for_token,
    policy_version,
)


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # a part of the site not installed here
        return ""


def policy_items() -> list[dict]:
    """The policy's items, each with its retention period in words (from the retention settings)."""
    items = []
    for item in settings.PRIVACY_POLICY["items"]:
        kept = item["kept"]
        if item.get("kept_setting"):
            kept = str(kept) % {"days": getattr(settings, item["kept_setting"])}
        items.append({**item, "kept": kept})
    return items


def privacy_policy(request: HttpRequest) -> HttpResponse:
    """개인정보 처리방침: built from PRIVACY_POLICY and the retention settings, in the reader's language.

    A signed-in resident who has not agreed to this version sees a button to
    agree to it (the consent is recorded with the version).
    """
    policy = settings.PRIVACY_POLICY
    user = request.user
    agreed = None
    if user.is_authenticated:
        if request.method == "POST" and request.POST.get("agree"):
            consent_record(user=user, kind=ConsentKind.PRIVACY_POLICY)
            messages.success(request, _("Thank you: your agreement is recorded."))
            return redirect("privacy_policy")
        agreed = (
            Consent.objects.filter(user=user, kind=ConsentKind.PRIVACY_POLICY)
            .order_by("-at", "-id")
            .first()
        )
    korean = (get_language() or "").startswith("ko")
    return render(
        request,
        "district/privacy_policy.html",
        {
            "policy": policy,
            "controller": policy["controller"] if korean else policy["controller_en"],
            "items": policy_items(),
            "officer": policy["officer"],
            "processors": policy["processors"],
            "guardian_days": settings.GUARDIAN_CONSENT_DAYS,
            "guardian_min_age": settings.GUARDIAN_CONSENT_MIN_AGE,
            "agreed": agreed,
            "agreed_current": agreed is not None and agreed.version == policy_version(),
            "urls": {
                "profile": _url("profile_edit"),
                "export": _url("data_export"),
                "close": _url("account_close"),
                "signup": _url("account_signup"),
            },
        },
    )


class GuardianConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I am this person's parent or legal guardian, and I consent to the "
            "processing of their personal information as the privacy policy describes."
        ),
        error_messages={
            "required": gettext_lazy(
                "Please tick the box to consent, or choose “I do not consent”."
            )
        },
    )


def guardian_consent(request: HttpRequest, token: str) -> HttpResponse:
    """The page a guardian's e-mail link opens: consent (the account opens) or refuse (it is deleted)."""
    consent = guardian_consent_for_token(token)
    if consent is None:
        return render(
            request,
            "district/guardian_consent_invalid.html",
            {"days": settings.GUARDIAN_CONSENT_DAYS},
            status=404,
        )
    form = GuardianConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if request.POST.get("decline"):
            guardian_consent_decline(consent=consent)
            return render(
                request, "district/guardian_consent_done.html", {"declined": True}
            )
        if form.is_valid():
            guardian_consent_confirm(consent=consent)
            return render(
                request, "district/guardian_consent_done.html", {"declined": False}
            )
    profile = getattr(consent.user, "profile", None)
    return render(
        request,
        "district/guardian_consent.html",
        {
            "form": form,
            "display_name": profile.display_name if profile else "",
            "child_email": consent.user.email,
            "expires_at": consent.expires_at,
        },
        status=400 if form.errors else 200,
    )


def guardian_waiting(request: HttpRequest) -> HttpResponse:
    """Where a child lands after signing up or signing in: waiting for the guardian's consent."""
    return render(
        request,
        "district/guardian_waiting.html",
        {"days": settings.GUARDIAN_CONSENT_DAYS},
    )
