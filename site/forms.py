from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from district.associations import live_associations, local_name
from district.consents import ConsentKind, GuardianConsent
from district.guardians import consent_record, guardian_consent_request, needs_guardian
from district.models import AgeBand, Profile, display_name_validator
from district.names import (
    invisible_characters,
    is_reserved,
    skeleton,
    skeleton_upper,
    visible_length,
)
from district.ratelimit import RateLimited, wants_json

T = TypeVar("T")


@dataclass(frozen=True)
class Submitted(Generic[T]):
    """A form that went through its service: `result` is what the service returned."""

    result: T


def submit(
    request: HttpRequest, form: forms.Form, action: Callable[[dict], T]
) -> Submitted[T] | None:
    """Form → service → errors, the one way views handle a write.

    For a POST whose form is valid, call `action(form.cleaned_data)` (the
    service); a ValidationError it raises lands on the form beside what was
    typed. Returns `Submitted(result)` when the service succeeded, None when
    the page should show the form (first visit, or with its errors). A rate
    limit reached by a client that is not a browser page goes on to
    `district.guards.RateLimitedMiddleware` (HTTP 429).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return Submitted(action(form.cleaned_data))
    except RateLimited as error:
        if wants_json(request):
            raise
        apply_errors(form, error)
        return None
    except ValidationError as error:
        apply_errors(form, error)
        return None


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, so the page shows it beside what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class DongChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("Not set"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Page) -> str:
        return local_name(obj)

    def to_python(self, value):
        """A page id the database could not even hold (`dong=999…9`, `-1`) is an invalid choice, not a 500."""
        if isinstance(value, str) and value.strip() and not _is_page_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value[:20]},
            )
        return super().to_python(value)


def _is_page_id(value: str) -> bool:
    value = value.strip()
    return value.isascii() and value.isdigit() and 0 < int(value) < 2**31


def _dong_choices():
    return live_associations()


class SignupForm(forms.Form):
    """allauth's extra sign-up fields: the profile, and consent to the personal-information notice."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=30,
        help_text=_("Shown next to what you write. 2 to 30 characters."),
    )
    home_dong = DongChoiceField(
        label=_("Home neighbourhood"),
        queryset=Page.objects.none(),
        required=False,
    )
    age_band = forms.ChoiceField(
        label=_("Your age"),
        choices=[("", "—"), *AgeBand.choices],
        help_text=_(
            "Under 14: the law asks a parent or legal guardian to agree first. "
            "Your account opens when they have."
        ),
    )
    guardian_email = forms.EmailField(
        label=_("Parent or guardian's e-mail address"),
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the notice on personal information above and agree to it."
        ),
        error_messages={
            "required": _("You can only create an account if you agree to the notice.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_dong"].queryset = _dong_choices()
        self.fields["guardian_email"].help_text = _(
            "Only if you are under 14. We send them one link to agree, and delete "
            "the address once they answer (at most %(days)d days later)."
        ) % {"days": settings.GUARDIAN_CONSENT_DAYS}

    def clean_display_name(self) -> str:
        return clean_display_name(self.cleaned_data["display_name"])

    def clean(self):
        data = super().clean()
        if needs_guardian(data.get("age_band", "")):
            guardian = (data.get("guardian_email") or "").strip()
            if not guardian and "guardian_email" not in self.errors:
                self.add_error(
                    "guardian_email",
                    _(
                        "Under 14, please give the e-mail address of a parent or "
                        "legal guardian: they must agree before your account opens."
                    ),
                )
            elif guardian and guardian.lower() == (data.get("email") or "").lower():
                self.add_error(
                    "guardian_email",
                    _("Please give your parent's or guardian's address, not your own."),
                )
        else:
            data["guardian_email"] = ""
        return data

    def signup(self, request, user) -> None:
        """allauth calls this once the account exists: the profile, the consent, a guardian's link."""
        age_band = self.cleaned_data["age_band"]
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "display_name": self.cleaned_data["display_name"],
                "home_dong": self.cleaned_data.get("home_dong"),
                "language": (get_language() or "ko"),
                "age_band": age_band,
            },
        )
        consent_record(user=user, kind=ConsentKind.PRIVACY_POLICY)
        if needs_guardian(age_band):
            guardian_consent_request(
                user=user,
                guardian_email=self.cleaned_data["guardian_email"],
                link_base=request.build_absolute_uri("/"),
            )


def clean_display_name(value: str, *, exclude_user_id: int | None = None) -> str:
    """The one check for display names (sign-up and profile).

    Refused: invisible characters (a name that renders blank, or hides
    something), fewer than 2 visible characters, a reserved name
    (RESERVED_DISPLAY_NAMES) or another resident's name, in any case and in
    look-alike letters (`district.names.skeleton`: a Cyrillic `ѕ` in "ѕtaff").
    """
    if invisible_characters(value):
        raise forms.ValidationError(
            _("Please remove the invisible characters from your display name."),
            code="invisible",
        )
    value = " ".join(value.split())
    if visible_length(value) < 2:
        raise forms.ValidationError(_("Please use at least 2 characters."))
    display_name_validator(value)
    if is_reserved(value):
        raise forms.ValidationError(
            _("This name is reserved for the site's staff. Please choose another."),
            code="reserved",
        )
    others = Profile.objects.all()
    if exclude_user_id is not None:
        others = others.exclude(user_id=exclude_user_id)
    if others.filter(display_name__iexact=value).exists():
        raise forms.ValidationError(
            _("This display name is already taken. Please choose another.")
        )
    if others.filter(
        Q(display_name_skeleton=skeleton(value))
        | Q(display_name_skeleton_upper=skeleton_upper(value))
    ).exists():
        raise forms.ValidationError(
            _(
                "This display name looks too much like another resident's. Please choose another."
            ),
            code="lookalike",
        )
    return value


class ProfileForm(forms.ModelForm):
    home_dong = DongChoiceField(
        label=_("Home neighbourhood"), queryset=Page.objects.none(), required=False
    )

    class Meta:
        model = Profile
        fields = (
            "display_name",
            "home_dong",
            "age_band",
            "language",
            "email_notifications",
            "always_translate",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_dong"].queryset = _dong_choices()

    def clean_display_name(self) -> str:
        return clean_display_name(
            self.cleaned_data["display_name"], exclude_user_id=self.instance.user_id
        )

    def clean_age_band(self) -> str:
        """Under 14 needs a guardian's consent (PIPA Art. 22-2), which only sign-up asks for."""
        value = self.cleaned_data.get("age_band", "")
        if (
            needs_guardian(value)
            and value != self.instance.age_band
            and not GuardianConsent.objects.filter(
                user_id=self.instance.user_id, confirmed_at__isnull=False
            ).exists()
        ):
            raise forms.ValidationError(
                _(
                    "Under 14, an account needs a parent's or legal guardian's consent. "
                    "Please close this account and sign up again with their e-mail address."
                ),
                code="needs_guardian",
            )
        return value
