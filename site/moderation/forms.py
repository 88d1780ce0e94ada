from django import forms
from django.utils.translation import gettext_lazy as _

from district.moderation.models import AppealOutcome, SanctionKind
from district.moderation.reasons import ModerationReason


class ReasonCodeField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reason"))
        kwargs.setdefault("choices", ModerationReason.choices)
        super().__init__(**kwargs)


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should someone look again?"),
        help_text=_(
            "A moderator who did not take this action will read it and decide. You can appeal once."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=AppealOutcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (the person will read it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


DURATIONS = (
    ("", _("No duration (warning)")),
    ("1", _("1 day")),
    ("7", _("7 days")),
    ("30", _("30 days")),
    ("90", _("90 days (suspension only)")),
    ("0", _("Until lifted (suspension only)")),
)


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Sanction"), choices=SanctionKind.choices, widget=forms.RadioSelect
    )
    days = forms.TypedChoiceField(
        label=_("Duration"),
        choices=DURATIONS,
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "Silence: 1, 7 or 30 days. Suspension: 7, 30, 90 days or until lifted."
        ),
    )
    reason_code = ReasonCodeField()
    text = forms.CharField(
        label=_("Explanation (the person will read it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("days") == 0:
            data["days"] = None  # until lifted
        elif data.get("kind") == SanctionKind.SUSPEND and data.get("days") is None:
            self.add_error("days", _("Choose how long the suspension lasts."))
        return data


class LiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the person will read it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
