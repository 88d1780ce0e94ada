"""Forms: the ballot (built from its questions), the voter's declaration, check-in, box counts, receipts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from district.associations import live_associations
from district.forms import DongChoiceField
from district.models import AgeBand
from votes import tally
from votes.models import (
    Answer,
    Ballot,
    BallotBox,
    Question,
    QuestionKind,
    VoterCategory,
)

YES_NO_CHOICES = [(a, label) for a, label in Answer.choices if a != Answer.PICK]


def yes_no_field(question: Question, item) -> str:
    return f"q{question.pk}-i{item.pk}"


def rank_field(question: Question, item) -> str:
    return f"q{question.pk}-r{item.pk}"


def choice_field(question: Question) -> str:
    return f"q{question.pk}"


class VoteForm(forms.Form):
    """The voter's declaration and their answers. Field names carry question and item ids."""

    dong = DongChoiceField(
        queryset=None,
        label=_("Your neighbourhood"),
        empty_label=_("Choose"),
        error_messages={"required": _("Please say which neighbourhood you belong to.")},
    )
    category = forms.ChoiceField(
        label=_("How you belong to it"),
        choices=VoterCategory.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    age_band = forms.ChoiceField(
        label=_("Your age"),
        choices=AgeBand.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    consent = forms.BooleanField(
        label=_("I have read the notice above and agree."), required=False
    )
    receipt = forms.CharField(
        label=_("Receipt code of the vote you want to change"),
        required=False,
        max_length=40,
    )

    def __init__(
        self,
        *args,
        ballot: Ballot,
        questions: list[Question],
        user=None,
        revoting: bool = False,
        **kwargs,
    ):
        profile = getattr(user, "profile", None) if user is not None else None
        initial = kwargs.setdefault("initial", {})
        if profile is not None:
            initial.setdefault("age_band", profile.age_band)
            if ballot.dong_id:
                initial.setdefault("dong", ballot.dong_id)
            elif profile.home_dong_id:
                initial.setdefault("dong", profile.home_dong_id)
        super().__init__(*args, **kwargs)
        self.ballot = ballot
        self.questions = questions
        self.question_errors: dict[str, list] = {}
        self.fields["dong"].queryset = live_associations()
        # A changed vote keeps the declaration made with the first one.
        self.fields["dong"].required = not revoting
        self.fields["category"].choices = [
            (value, label)
            for value, label in VoterCategory.choices
            if value in ballot.allowed_categories()
        ]
        for question in questions:
            items = list(question.items.all())
            if question.kind == QuestionKind.YES_NO:
                for item in items:
                    self.fields[yes_no_field(question, item)] = forms.ChoiceField(
                        label=item.title,
                        choices=YES_NO_CHOICES,
                        widget=forms.RadioSelect,
                        required=False,
                    )
            elif question.kind == QuestionKind.CHOICE:
                self.fields[choice_field(question)] = forms.TypedMultipleChoiceField(
                    label=question.text,
                    choices=[(item.pk, item.title) for item in items],
                    coerce=int,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )
            else:
                ranks = [("", _("—"))] + [
                    (r, str(r)) for r in range(1, question.max_picks + 1)
                ]
                for item in items:
                    self.fields[rank_field(question, item)] = forms.TypedChoiceField(
                        label=item.title,
                        choices=ranks,
                        coerce=int,
                        empty_value=None,
                        required=False,
                    )

    def answers(self) -> dict:
        """{question id: answer} in the shape `services.vote_cast` takes."""
        data = self.cleaned_data
        answers: dict = {}
        for question in self.questions:
            items = list(question.items.all())
            if question.kind == QuestionKind.YES_NO:
                marks = {
                    item.pk: data[yes_no_field(question, item)]
                    for item in items
                    if data.get(yes_no_field(question, item))
                }
                if marks:
                    answers[question.pk] = marks
            elif question.kind == QuestionKind.CHOICE:
                if data.get(choice_field(question)):
                    answers[question.pk] = list(data[choice_field(question)])
            else:
                ranks = {
                    item.pk: data[rank_field(question, item)]
                    for item in items
                    if data.get(rank_field(question, item))
                }
                if ranks:
                    answers[question.pk] = ranks
        return answers

    def put_errors(self, error) -> None:
        """A service's ValidationError: field errors on fields, question errors beside the question."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            if key in self._question_keys():
                self.question_errors[key] = [m for e in errors for m in e.messages]
            elif key in self.fields:
                self.add_error(key, errors)
            else:
                self.add_error(None, errors)

    def _question_keys(self) -> set[str]:
        return {f"q{question.pk}" for question in self.questions}

    def question_blocks(self) -> list[dict]:
        """Per question: its bound fields (with their items) and its errors, for the template."""
        blocks = []
        for question in self.questions:
            items = list(question.items.all())
            if question.kind == QuestionKind.CHOICE:
                fields = [(self[choice_field(question)], items)]
            else:
                name = (
                    yes_no_field if question.kind == QuestionKind.YES_NO else rank_field
                )
                fields = [(self[name(question, item)], item) for item in items]
            blocks.append(
                {
                    "question": question,
                    "fields": fields,
                    "errors": self.question_errors.get(f"q{question.pk}", []),
                }
            )
        return blocks


class PassForm(forms.Form):
    token = forms.CharField(
        label=_("Voter pass code"),
        max_length=60,
        help_text=_("Scan the QR code, or type the code printed under it."),
    )
    box = forms.ModelChoiceField(
        queryset=BallotBox.objects.none(), label=_("Ballot box"), required=False
    )
    action = forms.ChoiceField(
        choices=(
            ("check_in", _("Check in to vote on paper")),
            ("confirm", _("Confirm for online voting")),
        ),
        initial="check_in",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, ballot: Ballot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["box"].queryset = ballot.boxes.all()
        if not ballot.needs_confirmation:
            self.fields["action"].choices = self.fields["action"].choices[:1]


class BoxCountForm(forms.Form):
    paper_voters = forms.IntegerField(
        label=_("Voters without an account (not checked in)"), initial=0
    )

    def __init__(self, *args, ballot: Ballot, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        labels = dict(Answer.choices)
        for question in questions:
            names = []
            for key, item, label in tally.count_keys(question):
                if label.startswith("r"):
                    text = _("%(item)s: rank %(rank)s") % {
                        "item": item.title,
                        "rank": label[1:],
                    }
                elif label == Answer.PICK:
                    text = item.title
                else:
                    text = f"{item.title}: {labels[label]}"
                self.fields[key] = forms.IntegerField(
                    label=text,
                    initial=0,
                    required=False,
                    widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
                )
                names.append(key)
            self.groups.append((question, names))

    def counts(self) -> dict[str, int]:
        return {
            name: self.cleaned_data.get(name) or 0
            for _q, names in self.groups
            for name in names
        }

    def question_fields(self):
        for question, names in self.groups:
            yield question, [self[name] for name in names]


class ReceiptForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=40)
