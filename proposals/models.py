"""Participatory-budget cycles, residents' proposals, their support and their public history.

A cycle belongs to one association (or, with no association, to the whole
district) and runs through dated phases. A proposal is written during the
proposing phase, gathers support ("공감") until it reaches its threshold,
and then is screened, decided and carried out; every status change is kept,
with its public reason, in an append-only history (`StatusChange`), as
forums' `ModerationAction` is. `FunnelCount` holds the pre-aggregated
counts that the public dashboard reads.
"""

from datetime import date, timedelta
from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from district.models import AppendOnlyModel
from district.validators import validate_one_line


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Not started yet")
    PROPOSING = "proposing", _("Proposing")
    SCREENING = "screening", _("Screening")
    DELIBERATION = "deliberation", _("Deliberation")
    SELECTION = "selection", _("Selection")
    IMPLEMENTATION = "implementation", _("Implementation")
    CLOSED = "closed", _("Closed")


# The dated phases, in order; each runs from its date until the next one's.
PHASES = (
    Phase.PROPOSING,
    Phase.SCREENING,
    Phase.DELIBERATION,
    Phase.SELECTION,
    Phase.IMPLEMENTATION,
)
PHASE_FIELDS = {
    Phase.PROPOSING: "proposing_from",
    Phase.SCREENING: "screening_from",
    Phase.DELIBERATION: "deliberation_from",
    Phase.SELECTION: "selection_from",
    Phase.IMPLEMENTATION: "implementation_from",
    Phase.CLOSED: "ends_on",
}


def today() -> date:
    """Today in the site's time zone (Asia/Seoul): phases change at midnight there."""
    return timezone.localdate()


class Cycle(models.Model):
    """One year's participatory budget of an association (`dong`), or of the whole district (no `dong`)."""

    dong = models.ForeignKey(
        "dong.DongPage",
        verbose_name=_("association"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal_cycles",
        help_text=_("Empty for a district-wide cycle."),
    )
    name = models.CharField(_("name"), max_length=120, validators=[validate_one_line])
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    budget = models.PositiveBigIntegerField(
        _("budget (KRW)"), help_text=_("The envelope residents' proposals share.")
    )
    board = models.ForeignKey(
        "forums.Board",
        verbose_name=_("discussion board"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Where each proposal's discussion thread is opened. Empty: the association's general board."
        ),
    )
    proposing_from = models.DateField(_("proposing from"))
    screening_from = models.DateField(_("screening from"))
    deliberation_from = models.DateField(_("deliberation from"))
    selection_from = models.DateField(_("selection from"))
    implementation_from = models.DateField(_("implementation from"))
    ends_on = models.DateField(
        _("cycle ends"), help_text=_("The first day after implementation.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("budget cycle")
        verbose_name_plural = _("budget cycles")
        ordering = ("-year", "dong__path", "pk")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(proposing_from__lt=models.F("screening_from"))
                & models.Q(screening_from__lte=models.F("deliberation_from"))
                & models.Q(deliberation_from__lte=models.F("selection_from"))
                & models.Q(selection_from__lte=models.F("implementation_from"))
                & models.Q(implementation_from__lte=models.F("ends_on")),
                name="proposals_cycle_phases_in_order",
            ),
        )

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        dates = [getattr(self, PHASE_FIELDS[p]) for p in (*PHASES, Phase.CLOSED)]
        if None in dates:
            return
        if dates[0] >= dates[1] or any(a > b for a, b in pairwise(dates)):
            raise ValidationError(
                _("The phases' dates must follow each other in order.")
            )

    def get_absolute_url(self) -> str:
        return reverse("proposals:cycle", args=[self.pk])

    @property
    def topic(self) -> str:
        return f"cycle:{self.pk}"

    def phase_on(self, day: date) -> str:
        if day < self.proposing_from:
            return Phase.UPCOMING
        if day >= self.ends_on:
            return Phase.CLOSED
        current = Phase.PROPOSING
        for phase in PHASES:
            if getattr(self, PHASE_FIELDS[phase]) <= day:
                current = phase
        return current

    @property
    def phase(self) -> str:
        return self.phase_on(today())

    def get_phase_display(self) -> str:
        return str(Phase(self.phase).label)

    def next_phase(self, phase: str) -> str:
        order = [*PHASES, Phase.CLOSED]
        return order[order.index(phase) + 1]

    def phase_ends(self, phase: str | None = None) -> date | None:
        """The last day of `phase` (the current one by default)."""
        phase = phase or self.phase
        if phase in (Phase.CLOSED,):
            return None
        if phase == Phase.UPCOMING:
            return self.proposing_from - timedelta(days=1)
        following = getattr(self, PHASE_FIELDS[self.next_phase(phase)])
        return following - timedelta(days=1)

    @property
    def where(self) -> str:
        """The association's name in the reader's language, or the district's."""
        if self.dong_id:
            return self.dong.local_name
        return str(_("District-wide"))


class CycleAction(models.TextChoices):
    CREATED = "created", _("Cycle created")
    PHASE_CLOSED = "phase_closed", _("Phase closed early")


class CycleHistory(AppendOnlyModel):
    """What organisers did to a cycle (a phase closed early, with its reason). Append-only."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=20, choices=CycleAction.choices)
    phase = models.CharField(max_length=20, choices=Phase.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")


class Category(models.TextChoices):
    ENVIRONMENT = "environment", _("Environment")
    SAFETY = "safety", _("Safety")
    WELFARE = "welfare", _("Welfare")
    CULTURE = "culture", _("Culture")
    YOUTH = "youth", _("Youth")
    SENIORS = "seniors", _("Seniors")
    MULTICULTURAL = "multicultural", _("Multicultural")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    """Who the author says the proposal is mainly for; never required."""

    YOUTH = "youth", _("Youth")
    SENIORS = "seniors", _("Seniors")
    FOREIGN = "foreign", _("Foreign residents")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Gathering support")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SCREENING = "screening", _("In screening")
    SCREENED = "screened", _("Screened")
    MERGED = "merged", _("Merged into another")
    DECLINED = "declined", _("Declined")
    SELECTED = "selected", _("Selected")
    FUNDED = "funded", _("Funded")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    ABANDONED = "abandoned", _("Abandoned")


# Which status may follow which (one rule, asked by the services and the forms).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.SUBMITTED, Status.WITHDRAWN),
    Status.SUBMITTED: (
        Status.SCREENING,
        Status.WITHDRAWN,
        Status.MERGED,
        Status.DECLINED,
    ),
    Status.SCREENING: (Status.SCREENED, Status.MERGED, Status.DECLINED),
    Status.SCREENED: (Status.SELECTED, Status.MERGED, Status.DECLINED),
    Status.SELECTED: (Status.FUNDED, Status.ABANDONED),
    Status.FUNDED: (Status.IN_PROGRESS, Status.IMPLEMENTED, Status.ABANDONED),
    Status.IN_PROGRESS: (Status.IMPLEMENTED, Status.ABANDONED),
}
PUBLIC_STATUSES = tuple(s for s in Status.values if s != Status.DRAFT)
SUPPORTABLE_STATUSES = (Status.SUBMITTED, Status.SCREENING, Status.SCREENED)


class Stage(models.TextChoices):
    """The funnel's steps; a proposal counts at every step it has reached, whatever happened after."""

    SUBMITTED = "submitted", _("Submitted")
    THRESHOLD = "threshold", _("Reached threshold")
    SCREENED = "screened", _("Screened")
    SELECTED = "selected", _("Selected")
    FUNDED = "funded", _("Funded")
    IMPLEMENTED = "implemented", _("Implemented")


# The timestamp on a proposal that says it has reached a stage.
STAGE_FIELDS = {
    Stage.SUBMITTED: "submitted_at",
    Stage.THRESHOLD: "threshold_at",
    Stage.SCREENED: "screened_at",
    Stage.SELECTED: "selected_at",
    Stage.FUNDED: "funded_at",
    Stage.IMPLEMENTED: "implemented_at",
}
# A status reached for the first time stamps these stages.
STATUS_STAGES = {
    Status.SUBMITTED: (Stage.SUBMITTED,),
    Status.SCREENING: (Stage.THRESHOLD,),
    Status.SCREENED: (Stage.THRESHOLD, Stage.SCREENED),
    Status.SELECTED: (Stage.THRESHOLD, Stage.SCREENED, Stage.SELECTED),
    Status.FUNDED: (Stage.THRESHOLD, Stage.SCREENED, Stage.SELECTED, Stage.FUNDED),
    Status.IN_PROGRESS: (
        Stage.THRESHOLD,
        Stage.SCREENED,
        Stage.SELECTED,
        Stage.FUNDED,
    ),
    Status.IMPLEMENTED: tuple(Stage.values[1:]),
}


class ProposalQuerySet(models.QuerySet):
    def public(self) -> "ProposalQuerySet":
        return self.exclude(status=Status.DRAFT)

    def for_list(self) -> "ProposalQuerySet":
        return self.select_related("cycle__dong").only(
            "pk",
            "title",
            "category",
            "status",
            "support_count",
            "cost",
            "submitted_at",
            "updated_at",
            "cycle__id",
            "cycle__year",
            "cycle__name",
            "cycle__dong__title",
            "cycle__dong__name_en",
            "cycle__dong__population",
            "cycle__dong__url_path",
            "cycle__dong__slug",
        )


class Proposal(index.Indexed, models.Model):
    """A resident's idea for their association's (or the district's) budget."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    title = models.CharField(_("title"), max_length=120, validators=[validate_one_line])
    description = models.TextField(_("description"))
    description_html = models.TextField(editable=False, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    cost = models.PositiveBigIntegerField(
        _("estimated cost (KRW)"), null=True, blank=True
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[validate_one_line]
    )
    map_url = models.URLField(_("map link"), blank=True)
    audience = models.CharField(
        _("mainly for"), max_length=20, choices=Audience.choices, blank=True
    )
    language = models.CharField(
        _("language"), max_length=10, blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    thread = models.OneToOneField(
        "forums.Thread",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal",
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
    )
    # Screening (feasibility), recorded by leaders or staff.
    department = models.CharField(
        _("responsible department"),
        max_length=120,
        blank=True,
        validators=[validate_one_line],
    )
    cost_estimate = models.PositiveBigIntegerField(
        _("cost estimate (KRW)"), null=True, blank=True
    )
    feasibility_note = models.TextField(_("legal or technical note"), blank=True)
    # Selection: a meeting's decision, or the ballot item that carried it.
    minutes = models.ForeignKey(
        "dong.MinutesPage",
        verbose_name=_("meeting minutes"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ballot_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    ballot_item_id = models.PositiveBigIntegerField(
        null=True, blank=True, editable=False
    )
    # Implementation.
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    # When the proposal reached each funnel stage (STAGE_FIELDS).
    submitted_at = models.DateTimeField(null=True, blank=True)
    threshold_at = models.DateTimeField(null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    selected_at = models.DateTimeField(null=True, blank=True)
    funded_at = models.DateTimeField(null=True, blank=True)
    implemented_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ProposalQuerySet.as_manager()

    search_fields = (
        index.SearchField("title"),
        index.SearchField("description"),
        index.FilterField("status"),
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = (
            models.Index(fields=("cycle", "status")),
            models.Index(fields=("-submitted_at",)),
            models.Index(fields=("-support_count",)),
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="proposals_progress_at_most_100",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="implemented")
                | models.Q(completed_on__isnull=False),
                name="proposals_implemented_has_date",
            ),
        )

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:proposal", args=[self.pk])

    @property
    def topic(self) -> str:
        return f"proposal:{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.status != Status.DRAFT

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, ())

    def clean(self) -> None:
        errors = {}
        if (
            self.cost is not None
            and self.cycle_id
            and self.cost > self.cycle.budget * 10
        ):
            errors["cost"] = _(
                "This cost is more than ten times the cycle's whole budget. Please check the amount."
            )
        if errors:
            raise ValidationError(errors)


class CoProposer(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="co_proposers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("proposal", "user"), name="proposals_coproposer_once"
            ),
        )


class ProposalImage(models.Model):
    """A photo or drawing of the proposal: a Wagtail image in the association's collection (EXIF removed on save)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="images"
    )
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+"
    )
    alt_text = models.CharField(
        _("description of the image"), max_length=200, validators=[validate_one_line]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "pk")


class Support(models.Model):
    """One resident's "공감" for a proposal; at most one each (the constraint makes a repeat harmless)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("proposal", "user"), name="proposals_support_once"
            ),
        )


class ChangeKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    THRESHOLD = "threshold", _("Reached its threshold")
    DECISION = "decision", _("Decision")
    BALLOT = "ballot", _("Vote")
    WITHDRAWN = "withdrawn", _("Withdrawn by the author")


class StatusChange(AppendOnlyModel):
    """One step of a proposal's public timeline, with its reason. Append-only: never updated or deleted."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    reason = models.TextField(_("public reason"), blank=True)
    params = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")


class ProgressUpdate(models.Model):
    """How the work is going: a percentage, a text, a photo, a date."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="updates"
    )
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    text = models.TextField(_("what happened"))
    text_html = models.TextField(editable=False, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo_alt = models.CharField(
        _("description of the photo"),
        max_length=200,
        blank=True,
        validators=[validate_one_line],
    )
    on_date = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-on_date", "-pk")


class Dimension(models.TextChoices):
    ALL = "all", _("All")
    DONG = "dong", _("Association")
    CATEGORY = "category", _("Category")
    AUDIENCE = "audience", _("Audience")
    LANGUAGE = "language", _("Language")


# Breakdowns that describe people (the author's declared audience, their
# language): a cell counting fewer than PRIVACY_MIN is shown as "< 5".
PEOPLE_DIMENSIONS = (Dimension.AUDIENCE, Dimension.LANGUAGE)
PRIVACY_MIN = 5


class FunnelCount(models.Model):
    """How many proposals of a cycle reached a stage, per breakdown value; kept by the services.

    `manage.py repair_proposal_counts` recomputes them from the proposals.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="counts")
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    value = models.CharField(max_length=30, blank=True)
    stage = models.CharField(max_length=12, choices=Stage.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("cycle", "dimension", "value", "stage"),
                name="proposals_funnelcount_unique",
            ),
        )
