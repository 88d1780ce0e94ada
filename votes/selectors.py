"""Named reads of ballots: what is open, what an assembly votes on, a ballot's page data."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from votes.models import Ballot, BallotStatus, BoxTallyEntry, Item, Question


def published_ballots() -> QuerySet[Ballot]:
    return Ballot.objects.filter(status=BallotStatus.PUBLISHED).select_related("dong")


def open_ballots(dong=None) -> QuerySet[Ballot]:
    """Ballots open for voting now (for one association's page, or everywhere), closing soonest first."""
    now = timezone.now()
    ballots = published_ballots().filter(
        Q(closed_early_at__isnull=True) | Q(closed_early_at__gt=now),
        opens_at__lte=now,
        closes_at__gt=now,
    )
    if dong is not None:
        ballots = ballots.filter(dong=dong)
    return ballots.order_by("closes_at", "id")


def upcoming_ballots() -> QuerySet[Ballot]:
    return published_ballots().filter(opens_at__gt=timezone.now()).order_by("opens_at")


def certified_ballots() -> QuerySet[Ballot]:
    return (
        published_ballots().filter(certified_at__isnull=False).order_by("-certified_at")
    )


def assembly_ballots(event) -> list[Ballot]:
    """The published ballots voted on at this general assembly, with their questions, items and boxes."""
    return list(
        published_ballots()
        .filter(assembly=event)
        .prefetch_related("questions__items", "boxes")
        .order_by("id")
    )


def ballot_questions(ballot: Ballot) -> list[Question]:
    return list(ballot.questions.prefetch_related("items").order_by("position", "id"))


def agenda_items(ballot: Ballot) -> list[Item]:
    """Every item in ballot order: what the assembly goes through, one at a time."""
    return list(
        Item.objects.filter(question__ballot=ballot)
        .select_related("question")
        .order_by("question__position", "question_id", "sort_order", "id")
    )


def box_entries(ballot: Ballot, limit: int = 200) -> list[BoxTallyEntry]:
    """The ballot's count entries, newest first: the append-only log officers and leaders read."""
    return list(
        BoxTallyEntry.objects.filter(box__ballot=ballot)
        .select_related("box", "officer__profile")
        .order_by("-created_at", "-id")[:limit]
    )
