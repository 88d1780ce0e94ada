"""Creating and running a ballot: questions, items and boxes; publishing, closing, the agenda under way."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from district import live
from district.markup import render_markdown
from votes import permissions, registry
from votes.models import (
    Ballot,
    BallotBox,
    BallotOfficer,
    BallotStatus,
    Item,
    Question,
    QuestionKind,
)
from votes.services.common import lock_ballot


@dataclass(frozen=True)
class ItemSpec:
    title: str = ""
    summary: str = ""
    url: str = ""
    source_key: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    kind: str = QuestionKind.YES_NO
    items: tuple[ItemSpec, ...] = ()
    max_picks: int = 1
    winners: int = 1
    quorum: int = 0


@dataclass(frozen=True)
class BoxSpec:
    name: str
    kind: str = "permanent"
    place: str = ""
    schedule: str = ""


@live.atomic
def ballot_create(
    *,
    actor: AbstractUser,
    dong,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    questions: Iterable[QuestionSpec],
    boxes: Iterable[BoxSpec] = (),
    officers: Iterable[AbstractUser] = (),
    description: str = "",
    publish: bool = False,
    **options,
) -> Ballot:
    """A ballot with its questions, items (typed, or from `registry.item_choices` by key), boxes and officers.

    Leaders create for their own association, staff for any and for the district.
    """
    ballot = Ballot(
        dong=dong,
        title=title.strip(),
        description=description,
        description_html=render_markdown(description) if description else "",
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
        **options,
    )
    if not permissions.is_leader(actor, ballot):
        raise PermissionDenied
    ballot.full_clean(exclude=["current_item"])
    ballot.save()
    sources = None
    for position, spec in enumerate(questions):
        question = Question(
            ballot=ballot,
            position=position,
            text=spec.text,
            kind=spec.kind,
            max_picks=spec.max_picks,
            winners=spec.winners,
            quorum=spec.quorum,
        )
        question.full_clean(exclude=["ballot"])
        question.save()
        for order, item in enumerate(spec.items):
            if item.source_key and not item.title:
                if sources is None:
                    sources = {c.key: c for c in registry.item_choices(ballot)}
                choice = sources.get(item.source_key)
                if choice is None:
                    raise ValidationError(_("This item is no longer available."))
                item = ItemSpec(choice.title, choice.summary, choice.url, choice.key)
            Item.objects.create(
                question=question,
                sort_order=order,
                title=item.title,
                summary=item.summary,
                url=item.url,
                source_key=item.source_key,
            )
    for order, box in enumerate(boxes):
        BallotBox.objects.create(
            ballot=ballot,
            sort_order=order,
            name=box.name,
            kind=box.kind,
            place=box.place,
            schedule=box.schedule,
        )
    for order, officer in enumerate(officers):
        BallotOfficer.objects.create(ballot=ballot, user=officer, sort_order=order)
    if publish:
        ballot_publish(actor=actor, ballot=ballot)
    return ballot


def ballot_problems(ballot: Ballot) -> list[str]:
    """What keeps a ballot from being published (in the reader's language)."""
    problems = []
    questions = list(ballot.questions.annotate(n=Count("items")))
    if not questions:
        problems.append(_("Add at least one question."))
    for question in questions:
        if question.n == 0:
            problems.append(
                _("The question “%(text)s” has no items.") % {"text": question.text}
            )
        elif question.kind != QuestionKind.YES_NO and question.n < 2:
            problems.append(
                _("The question “%(text)s” needs at least two items to choose from.")
                % {"text": question.text}
            )
    return problems


@live.atomic
def ballot_publish(*, actor: AbstractUser, ballot: Ballot) -> Ballot:
    if not permissions.can_publish(actor, ballot):
        raise PermissionDenied
    if problems := ballot_problems(ballot):
        raise ValidationError(problems)
    ballot.status = BallotStatus.PUBLISHED
    ballot.save(update_fields=["status"])
    live.publish(ballot.topic, "ballot.published", {"ballot_id": ballot.pk})
    return ballot


@live.atomic
def ballot_close(*, actor: AbstractUser, ballot: Ballot) -> Ballot:
    """Close voting now (before `closes_at`), e.g. when the assembly's vote ends."""
    ballot = lock_ballot(ballot)
    if not permissions.can_close(actor, ballot):
        raise ValidationError(_("This ballot cannot be closed now."))
    ballot.closed_early_at = timezone.now()
    ballot.save(update_fields=["closed_early_at"])
    live.publish(ballot.topic, "ballot.closed", {"ballot_id": ballot.pk})
    return ballot


@live.atomic
def agenda_advance(
    *, officer: AbstractUser, ballot: Ballot, item: Item | None
) -> Ballot:
    """Show which item is under way on the projector (None: none)."""
    if not permissions.can_advance_agenda(officer, ballot):
        raise PermissionDenied
    if item is not None and item.question.ballot_id != ballot.pk:
        raise ValidationError(_("This item is not on this ballot."))
    ballot.current_item = item
    ballot.save(update_fields=["current_item"])
    live.publish(
        ballot.topic,
        "agenda.changed",
        {"ballot_id": ballot.pk, "item_id": item.pk if item else None},
    )
    return ballot
