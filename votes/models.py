"""Ballots, their questions and items, who took part, what was chosen, and the paper boxes.

Secret ballot by construction: `Participation` (who took part) and
`BallotPaper`/`Choice` (what was chosen) share no key. Papers and choices have
random UUID primary keys and no time at all, so neither their ids nor any
column lines up with the participation records. A voter's receipt code is kept
only as its SHA-256 (`BallotPaper.receipt_hash`): it proves a paper is in the
count, never what it says (the open data carries no receipt hashes).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from district.models import AGE_BAND_FLOOR, AgeBand, AppendOnlyModel
from district.validators import validate_one_line


class BallotStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class MinimumAge(models.IntegerChoices):
    AGE_13 = 13, _("13 or older")
    AGE_14 = 14, _("14 or older")
    AGE_18 = 18, _("18 or older")


class VoterCategory(models.TextChoices):
    RESIDENT = "resident", _("I live in this neighbourhood")
    WORKS_STUDIES = "works", _("I work or study in this neighbourhood")
    FOREIGN_RESIDENT = "foreign", _("I am a registered foreign resident living here")


class Ballot(ClusterableModel):
    """One vote of an association (or of the district when `dong` is empty), from pre-vote to certified result.

    Times are stored in UTC and shown in Asia/Seoul. Eligibility is the
    association's own rule: home association, a minimum age and which
    categories of voter count. Results stay hidden until the close unless
    `show_live_tallies` (and then only from VOTES_MIN_LIVE_TALLY votes).
    """

    dong = models.ForeignKey(
        "dong.DongPage",
        verbose_name=_("association"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ballots",
        help_text=_("Empty for a district-wide vote (district staff only)."),
    )
    title = models.CharField(_("title"), max_length=150, validators=[validate_one_line])
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), choices=MinimumAge.choices, default=MinimumAge.AGE_14
    )
    allow_residents = models.BooleanField(_("residents may vote"), default=True)
    allow_workers = models.BooleanField(
        _("people who work or study here may vote"), default=False
    )
    allow_foreign_residents = models.BooleanField(
        _("registered foreign residents may vote"), default=True
    )
    needs_confirmation = models.BooleanField(
        _("online voters need confirmation in person"),
        default=False,
        help_text=_(
            "An officer confirms each online voter with their voter pass before they can vote online."
        ),
    )
    allow_revote = models.BooleanField(
        _("voters may change their online vote before the close"),
        default=False,
        help_text=_("Only by presenting their receipt code."),
    )
    show_live_tallies = models.BooleanField(
        _("show tallies while voting is open"),
        default=False,
        help_text=_(
            "Only once enough votes are in, so no single vote can be read off."
        ),
    )
    assembly = models.ForeignKey(
        "events.Event",
        verbose_name=_("general assembly"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ballots",
        limit_choices_to={"kind": "assembly"},
    )
    other_business = models.TextField(
        _("other business"),
        blank=True,
        help_text=_("Shown on the assembly's agenda after the ballot's items."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=BallotStatus.choices,
        default=BallotStatus.DRAFT,
    )
    current_item = models.ForeignKey(
        "votes.Item",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_early_at = models.DateTimeField(null=True, blank=True, editable=False)
    certified_at = models.DateTimeField(null=True, blank=True, editable=False)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result = models.JSONField(default=dict, blank=True, editable=False)
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    minutes_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-opens_at", "-id")
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="ballot_closes_after_opening",
            ),
        )

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if len((self.title or "").strip()) < 2:
            errors["title"] = _("Please give the ballot a title.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("Voting must close after it opens.")
        if not (
            self.allow_residents or self.allow_workers or self.allow_foreign_residents
        ):
            errors["allow_residents"] = _("At least one kind of voter must be allowed.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return reverse("votes:ballot", args=[self.pk])

    @property
    def topic(self) -> str:
        return f"ballot:{self.pk}"

    @property
    def published(self) -> bool:
        return self.status == BallotStatus.PUBLISHED

    @property
    def certified(self) -> bool:
        return self.certified_at is not None

    @property
    def effective_close(self):
        return self.closed_early_at or self.closes_at

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.published and self.opens_at <= now < self.effective_close

    def has_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.effective_close

    def allowed_categories(self) -> list[str]:
        allowed = []
        if self.allow_residents:
            allowed.append(VoterCategory.RESIDENT)
        if self.allow_workers:
            allowed.append(VoterCategory.WORKS_STUDIES)
        if self.allow_foreign_residents:
            allowed.append(VoterCategory.FOREIGN_RESIDENT)
        return allowed

    def age_band_allowed(self, age_band: str) -> bool:
        return bool(age_band) and AGE_BAND_FLOOR.get(age_band, 0) >= self.min_age

    def allowed_age_bands(self) -> list[str]:
        return [band for band in AgeBand.values if self.age_band_allowed(band)]


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no / abstain on one item")
    CHOICE = "choice", _("Pick up to N items")
    RANKED = "ranked", _("Rank up to N items (points)")


class Question(ClusterableModel):
    """A question on a ballot: yes/no on one item, or a choice among items (picked, or ranked for points).

    Yes/no passes with more yes than no among valid votes (abstentions are not
    valid votes) and at least `quorum` valid votes. A choice selects the
    `winners` items with most picks (most points when ranked: a rank-r pick
    of K ranks gets K-r+1 points).
    """

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(
        _("question"), max_length=300, validators=[validate_one_line]
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=QuestionKind.choices, default="yes_no"
    )
    max_picks = models.PositiveSmallIntegerField(
        _("picks (or ranks) per voter"),
        default=1,
        help_text=_("For a choice: how many items a voter may pick, or rank."),
    )
    winners = models.PositiveSmallIntegerField(
        _("items selected"),
        default=1,
        help_text=_("For a choice: how many items with the most votes are selected."),
    )
    quorum = models.PositiveIntegerField(
        _("quorum (valid votes)"),
        default=0,
        help_text=_(
            "For yes/no: the least number of valid votes (yes + no) for a decision. 0: none."
        ),
    )

    class Meta:
        ordering = ("position", "id")
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.max_picks < 1:
            raise ValidationError({"max_picks": _("Allow at least one pick.")})
        if self.winners < 1:
            raise ValidationError({"winners": _("Select at least one item.")})

    @property
    def is_yes_no(self) -> bool:
        return self.kind == QuestionKind.YES_NO

    @property
    def is_ranked(self) -> bool:
        return self.kind == QuestionKind.RANKED


class Item(Orderable):
    """An item put to the vote: typed by a leader, or picked from a registered source (`source_key`)."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("title"), max_length=200, validators=[validate_one_line])
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("read more at"), blank=True)
    source_key = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_(
            "Set when the item comes from elsewhere on the site (e.g. a proposal)."
        ),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return self.title


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ABSTAIN = "abstain", _("Abstain")
    PICK = "pick", _("Picked")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    CHECK_IN = "check_in", _("Checked in at a ballot box")
    PASS_SCAN = "pass_scan", _("Voter pass scanned at a ballot box")


class BoxKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent ballot box")
    VISITING = "visiting", _("Visiting ballot box (찾아가는 투표소)")
    ASSEMBLY = "assembly", _("Assembly day")


class BallotBox(Orderable):
    """A paper ballot box: permanent at the community centre, visiting, or at the assembly."""

    ballot = ParentalKey(Ballot, on_delete=models.CASCADE, related_name="boxes")
    kind = models.CharField(
        _("kind"), max_length=20, choices=BoxKind.choices, default=BoxKind.PERMANENT
    )
    name = models.CharField(_("name"), max_length=150, validators=[validate_one_line])
    place = models.CharField(
        _("place"), max_length=255, blank=True, validators=[validate_one_line]
    )
    schedule = models.CharField(
        _("when"),
        max_length=255,
        blank=True,
        help_text=_("e.g. 3–7 March, 10:00–18:00"),
        validators=[validate_one_line],
    )

    class Meta(Orderable.Meta):
        verbose_name = _("ballot box")
        verbose_name_plural = _("ballot boxes")

    def __str__(self) -> str:
        return self.name


class BallotOfficer(Orderable):
    """A resident the leaders named to run this ballot's boxes (leaders and staff are officers anyway)."""

    ballot = ParentalKey(Ballot, on_delete=models.CASCADE, related_name="officers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta(Orderable.Meta):
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        constraints = (
            models.UniqueConstraint(fields=("ballot", "user"), name="officer_once"),
        )


class Participation(models.Model):
    """Who took part, through which channel: one row per person and ballot, whichever channel came first.

    Never linked to what they chose. The declaration (association, age band,
    category) is what the voter stated when voting online.
    """

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="participations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,  # a closed account's voice stays counted
        related_name="+",
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    box = models.ForeignKey(
        BallotBox, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declared_dong = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declared_age_band = models.CharField(max_length=8, blank=True)
    declared_category = models.CharField(max_length=20, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("ballot", "user"), name="participation_once_per_ballot"
            ),
        )
        indexes = (models.Index(fields=("ballot", "box")),)


class ClosedAccountVoice(models.Model):
    """A person who took part in an open ballot and then closed their account.

    Only a keyed hash of their normalised e-mail (`district.accounts.email_key`)
    is kept, so that signing up again with the same address cannot vote twice
    in this ballot; deleted when the ballot is certified (or by the retention
    job once it has closed).
    """

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="closed_account_voices"
    )
    email_key = models.CharField(max_length=64)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("ballot", "email_key"), name="closed_voice_once"
            ),
        )


class VoterConfirmation(models.Model):
    """An officer saw this voter in person (voter pass): on a "needs confirmation" ballot they may then vote online."""

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="confirmations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("ballot", "user"), name="confirmed_once"),
        )


class BallotPaper(models.Model):
    """One online voter's answers, as a whole: random id, no time, no link to a person.

    `receipt_hash` is the SHA-256 of the receipt code shown once to the voter;
    the code itself (100 random bits) is never stored.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="papers")
    receipt_hash = models.CharField(max_length=64, unique=True)
    # SHA-256 of receipt code + voter id: lets only the voter who holds the code
    # replace this paper; without the code it links the paper to nobody.
    owner_hash = models.CharField(max_length=64, blank=True)


class Choice(models.Model):
    """One mark on a paper: an answer on a yes/no item, or a pick (with its rank on a ranked question)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    paper = models.ForeignKey(
        BallotPaper, on_delete=models.CASCADE, related_name="choices"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("paper", "question", "item"), name="choice_once_per_item"
            ),
            models.UniqueConstraint(
                fields=("paper", "question", "rank"), name="choice_rank_once"
            ),
        )


class BoxTallyEntry(AppendOnlyModel):
    """One officer's count of one box: append-only, never edited. Two officers' latest entries must agree.

    `counts` maps "<question id>:<item id>:<answer>" (answer: yes, no,
    abstain, pick, or r<rank> on a ranked question) to a number of marks.
    """

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="entries")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    paper_voters = models.PositiveIntegerField(
        _("voters without an account"),
        help_text=_("People who voted on paper at this box without checking in."),
    )
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("box count")
        verbose_name_plural = _("box counts")

    @property
    def total_marks(self) -> int:
        return sum(int(n) for n in self.counts.values())
