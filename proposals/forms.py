"""Forms of the proposal pages. They check the shape of what was typed; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from district.forms import DongChoiceField
from district.pii import PersonalDataFormMixin
from dong.models import DongPage
from forums.models import ReportReason
from proposals.models import Audience, Category, Phase, Status
from proposals.selectors import SORTS
from proposals.services import MAX_IMAGES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks each is an image."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class ProposalForm(PersonalDataFormMixin, forms.Form):
    personal_data_fields = ("title", "description", "place", "image_alts")

    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("Similar proposals of this cycle appear below as you type."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What is the problem, what should be done, who benefits. Markdown works: **bold**, - list."
        ),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    cost = forms.IntegerField(
        label=_("Estimated cost (KRW)"),
        required=False,
        help_text=_("Your rough estimate, in won. Leave empty if you do not know."),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    map_url = forms.URLField(label=_("Map link"), required=False, assume_scheme="https")
    audience = forms.ChoiceField(
        label=_("Mainly for"),
        choices=[("", _("Everyone / not saying")), *Audience.choices],
        required=False,
        help_text=_("Optional. Counted, never shown with your name."),
    )
    co_proposers = forms.CharField(
        label=_("Co-proposers"),
        required=False,
        max_length=400,
        help_text=_(
            "Display names of residents who propose this with you, separated by commas."
        ),
    )
    images = MultipleFileField(
        label=_("Images"),
        required=False,
        help_text=_("Up to %(count)d photos or drawings (JPEG, PNG or WebP).")
        % {"count": MAX_IMAGES},
    )
    image_alts = forms.CharField(
        label=_("Describe the images"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One line per image, in the same order, for people who cannot see them."
        ),
    )

    def clean_cost(self):
        cost = self.cleaned_data["cost"]
        if cost is not None and cost < 0:
            raise forms.ValidationError(_("A cost cannot be negative."))
        return cost

    def co_proposer_names(self) -> list[str]:
        raw = self.cleaned_data.get("co_proposers", "")
        return [name.strip() for name in raw.split(",") if name.strip()]

    def alt_lines(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data.get("image_alts", "").splitlines()
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional, public)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScreenForm(ReasonForm):
    department = forms.CharField(label=_("Responsible department"), max_length=120)
    cost_estimate = forms.IntegerField(label=_("Cost estimate (KRW)"), required=False)
    note = forms.CharField(
        label=_("Legal or technical note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    field_order = ("department", "cost_estimate", "note", "reason")


class DecideForm(ReasonForm):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Status.SELECTED, Status.SELECTED.label),
            (Status.MERGED, Status.MERGED.label),
            (Status.DECLINED, Status.DECLINED.label),
        ],
        widget=forms.RadioSelect,
    )
    merged_into = forms.IntegerField(
        label=_("Merge into proposal number"), required=False, min_value=1
    )
    minutes = forms.IntegerField(
        label=_("Minutes page number (optional)"),
        required=False,
        min_value=1,
        help_text=_("The meeting's minutes that record the decision, if published."),
    )
    field_order = ("status", "merged_into", "minutes", "reason")


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    on_date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    photo = forms.ImageField(label=_("Photo"), required=False)
    photo_alt = forms.CharField(
        label=_("Describe the photo"), max_length=200, required=False
    )
    status = forms.ChoiceField(
        label=_("New status"),
        required=False,
        choices=[
            ("", _("No change")),
            (Status.FUNDED, Status.FUNDED.label),
            (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
            (Status.IMPLEMENTED, Status.IMPLEMENTED.label),
            (Status.ABANDONED, Status.ABANDONED.label),
        ],
    )
    completed_on = forms.DateField(
        label=_("Completed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Needed to mark the proposal implemented."),
    )
    reason = forms.CharField(
        label=_("Public reason for the new status"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FilterForm(forms.Form):
    dong = DongChoiceField(
        label=_("Association"),
        queryset=DongPage.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All")), *Category.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *[c for c in Status.choices if c[0] != Status.DRAFT]],
        required=False,
    )
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[("", _("All")), *Phase.choices], required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("newest", _("Newest")),
            ("supported", _("Most supported")),
            ("updated", _("Recently updated")),
        ],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dong"].queryset = (
            DongPage.objects.live()
            .only("pk", "title", "name_en", "path")
            .order_by("path")
        )

    def is_filtered(self) -> bool:
        return self.is_bound and any(
            self.data.get(name) for name in ("dong", "category", "status", "phase")
        )

    def chosen_sort(self) -> str:
        value = (
            self.cleaned_data.get("sort") if self.is_bound and self.is_valid() else ""
        )
        return value if value in SORTS else "newest"


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this?"), choices=ReportReason.choices
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)
