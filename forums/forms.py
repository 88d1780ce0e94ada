from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField

from district.moderation.reasons import ModerationReason
from district.pii import PersonalDataFormMixin
from district.validators import validate_one_line
from forums.models import Board, ReportReason


class BodyField(forms.CharField):
    widget = forms.Textarea

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Message"))
        kwargs.setdefault(
            "help_text",
            _(
                "You can use Markdown: **bold**, *italic*, > quote, - list, [link](https://…). Mention someone with @name."
            ),
        )
        kwargs.setdefault("max_length", settings.FORUMS_MAX_POST_LENGTH)
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)
        self.widget.attrs.update({"rows": 6, "data-draft": "1"})


class TagsField(TagField):
    """Comma-separated tags, at most 5 of at most 30 characters each."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Tags"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Separate tags with commas, e.g. 주차, 안전"))
        super().__init__(**kwargs)

    def clean(self, value):
        tags = super().clean(value)
        if len(tags) > 5:
            raise forms.ValidationError(_("Use at most 5 tags."))
        if any(len(tag) > 30 for tag in tags):
            raise forms.ValidationError(_("A tag can be at most 30 characters long."))
        return tags


class ThreadForm(PersonalDataFormMixin, forms.Form):
    personal_data_fields = ("title", "body")

    title = forms.CharField(
        label=_("Title"), max_length=150, validators=[validate_one_line]
    )
    tags = TagsField()
    body = BodyField()


class ReplyForm(PersonalDataFormMixin, forms.Form):
    body = BodyField(label=_("Your reply"))
    quote_of = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditForm(PersonalDataFormMixin, forms.Form):
    body = BodyField()
    reason = forms.CharField(
        label=_("Reason for the edit (moderators)"), required=False, max_length=300
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything moderators should know"),
        help_text=_(
            "Needed when you choose “Something else”; otherwise you may leave it empty."
        ),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Reason code"), choices=ModerationReason.choices
    )
    reason = forms.CharField(
        label=_("Reason (the author will see it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MoveForm(ModerationForm):
    board = forms.ModelChoiceField(
        label=_("Move to board"), queryset=Board.objects.none()
    )

    def __init__(self, *args, boards=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = (
            boards if boards is not None else Board.objects.none()
        )
