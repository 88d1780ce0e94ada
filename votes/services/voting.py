"""Voting online: declared eligibility, marks, receipts, replacing a vote with its receipt, erasing declarations."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from district import live
from district.models import Profile
from district.ratelimit import rate_limit
from votes import permissions
from votes.models import (
    Answer,
    Ballot,
    BallotPaper,
    Channel,
    Choice,
    Participation,
    Question,
    QuestionKind,
    VoterCategory,
)
from votes.services.common import publish_participation, refusal_message

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


@dataclass(frozen=True)
class Declaration:
    """What the voter states about themselves: no name, phone or registration number."""

    dong_id: int | None
    age_band: str
    category: str
    consent: bool = False


def hash_receipt(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def new_receipt() -> str:
    """A 20-character code (100 bits), in groups of four, without look-alike letters."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(20))
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


def eligibility_errors(ballot: Ballot, declaration: Declaration) -> dict[str, str]:
    errors = {}
    if not declaration.consent:
        errors["consent"] = _("Please read the notice and agree to it to vote.")
    if declaration.dong_id is None:
        errors["dong"] = _("Please say which neighbourhood you belong to.")
    elif ballot.dong_id and declaration.dong_id != ballot.dong_id:
        errors["dong"] = _("This vote is only for %(dong)s.") % {
            "dong": ballot.dong.local_name
        }
    if not declaration.age_band:
        errors["age_band"] = _("Please choose your age band.")
    elif not ballot.age_band_allowed(declaration.age_band):
        errors["age_band"] = _("This vote is for people aged %(age)d or older.") % {
            "age": ballot.min_age
        }
    if declaration.category not in VoterCategory.values:
        errors["category"] = _("Please say how you belong to the neighbourhood.")
    elif declaration.category not in ballot.allowed_categories():
        errors["category"] = _(
            "Under this association's rules, this kind of voter cannot take part in this vote."
        )
    return errors


def _marks(
    ballot: Ballot, answers: dict, questions: list[Question] | None = None
) -> tuple[list[Choice], dict[str, str]]:
    """Validate `answers` against the ballot's questions and return unsaved Choice rows.

    answers: {question_id: {item_id: "yes"|"no"|"abstain"}} for yes/no,
    {question_id: [item_id, ...]} for a choice, {question_id: {item_id: rank}}
    when ranked. Anything naming a question or item from elsewhere is refused.
    """
    if questions is None:
        questions = list(ballot.questions.prefetch_related("items"))
    questions = {q.pk: q for q in questions if q.ballot_id == ballot.pk}
    choices: list[Choice] = []
    errors: dict[str, str] = {}
    for qid, answer in answers.items():
        question = questions.get(qid)
        if question is None:
            errors["__all__"] = _("Some of your choices are not on this ballot.")
            continue
        items = {item.pk: item for item in question.items.all()}
        key = f"q{qid}"
        if question.kind == QuestionKind.YES_NO:
            for item_id, value in (answer or {}).items():
                if item_id not in items:
                    errors[key] = _("This choice is not on this ballot.")
                elif value not in (Answer.YES, Answer.NO, Answer.ABSTAIN):
                    errors[key] = _("Please choose yes, no or abstain.")
                else:
                    choices.append(
                        Choice(question=question, item=items[item_id], answer=value)
                    )
        elif question.kind == QuestionKind.CHOICE:
            picked = list(answer or [])
            if any(item_id not in items for item_id in picked):
                errors[key] = _("This choice is not on this ballot.")
            elif len(set(picked)) != len(picked):
                errors[key] = _("Each item can be picked only once.")
            elif len(picked) > question.max_picks:
                errors[key] = ngettext(
                    "You can pick at most %(n)d item.",
                    "You can pick at most %(n)d items.",
                    question.max_picks,
                ) % {"n": question.max_picks}
            else:
                choices.extend(
                    Choice(question=question, item=items[i], answer=Answer.PICK)
                    for i in picked
                )
        else:
            ranks = {i: r for i, r in (answer or {}).items() if r}
            if any(item_id not in items for item_id in ranks):
                errors[key] = _("This choice is not on this ballot.")
            elif any(not 1 <= r <= question.max_picks for r in ranks.values()):
                errors[key] = _("Ranks go from 1 to %(n)d.") % {"n": question.max_picks}
            elif len(set(ranks.values())) != len(ranks):
                errors[key] = _("Each rank can be given to only one item.")
            else:
                choices.extend(
                    Choice(question=question, item=items[i], answer=Answer.PICK, rank=r)
                    for i, r in ranks.items()
                )
    if not errors and not choices:
        errors["__all__"] = _("Please answer at least one question.")
    return choices, errors


@live.atomic
def vote_cast(
    *,
    user: AbstractUser,
    ballot: Ballot,
    declaration: Declaration,
    answers: dict,
    receipt: str = "",
    questions: list[Question] | None = None,
) -> str:
    """Cast (or, with `receipt` on a ballot that allows it, replace) an online vote. Returns the receipt code.

    The participation row (unique per ballot and user) is written first: of two
    submissions at once from one person, the second waits for the first and is
    refused. The choices are stored on a paper with a random id and no time,
    under the SHA-256 of a new receipt code that only the voter is shown.
    """
    if receipt:
        rate_limit("vote", user=user)
        return _vote_replace(
            user=user,
            ballot=ballot,
            answers=answers,
            receipt=receipt,
            questions=questions,
        )
    refusal = permissions.vote_refusal(user, ballot)
    if refusal:
        raise ValidationError(refusal_message(refusal, ballot))
    errors = eligibility_errors(ballot, declaration)
    choices, mark_errors = _marks(ballot, answers, questions)
    errors.update(mark_errors)
    if errors:
        raise ValidationError(errors)
    # Per account: a thousand voters at once are never throttled, one account hammering is.
    rate_limit("vote", user=user)
    try:
        with transaction.atomic():
            Participation.objects.create(
                ballot=ballot,
                user=user,
                channel=Channel.ONLINE,
                declared_dong_id=declaration.dong_id,
                declared_age_band=declaration.age_band,
                declared_category=declaration.category,
            )
    except IntegrityError:
        raise ValidationError(refusal_message("voted", ballot)) from None
    code = new_receipt()
    paper = BallotPaper.objects.create(
        ballot=ballot,
        receipt_hash=hash_receipt(code),
        owner_hash=_owner_hash(code, user),
    )
    for choice in choices:
        choice.paper = paper
    Choice.objects.bulk_create(choices)
    _remember_declaration(user, declaration)
    publish_participation(ballot)
    return code


def _remember_declaration(user: AbstractUser, declaration: Declaration) -> None:
    """The declaration fills what the profile left empty (age band; home association for residents)."""
    updates = {}
    try:
        profile = user.profile
    except Profile.DoesNotExist:
        return
    if profile.age_band != declaration.age_band:
        updates["age_band"] = declaration.age_band
    if not profile.home_dong_id and declaration.category != VoterCategory.WORKS_STUDIES:
        updates["home_dong_id"] = declaration.dong_id
    if updates:
        Profile.objects.filter(pk=profile.pk).update(**updates)
        for name, value in updates.items():
            setattr(profile, name, value)


def _vote_replace(
    *,
    user: AbstractUser,
    ballot: Ballot,
    answers: dict,
    receipt: str,
    questions: list[Question] | None = None,
) -> str:
    if not ballot.allow_revote:
        raise ValidationError(refusal_message("voted", ballot))
    if not ballot.is_open():
        raise ValidationError(
            _("Voting has closed: your vote can no longer be changed.")
        )
    participation = Participation.objects.filter(ballot=ballot, user=user).first()
    if participation is None or participation.channel != Channel.ONLINE:
        raise ValidationError(
            _("Only a vote cast online can be changed online, with its receipt code.")
        )
    paper = (
        BallotPaper.objects.select_for_update()
        .filter(ballot=ballot, receipt_hash=hash_receipt(receipt))
        .first()
    )
    if paper is None or paper.owner_hash != _owner_hash(receipt, user):
        raise ValidationError({"receipt": _("This receipt code was not found.")})
    choices, errors = _marks(ballot, answers, questions)
    if errors:
        raise ValidationError(errors)
    paper.choices.all().delete()
    for choice in choices:
        choice.paper = paper
    Choice.objects.bulk_create(choices)
    return receipt


def _owner_hash(code: str, user: AbstractUser) -> str:
    return hash_receipt(f"{code}{user.pk}")


def receipt_counted(ballot: Ballot, code: str) -> bool:
    """Is the paper with this receipt code in the count? Says nothing about what it says."""
    return BallotPaper.objects.filter(
        ballot=ballot, receipt_hash=hash_receipt(code)
    ).exists()


@live.atomic
def declarations_erase(*, now: datetime | None = None) -> int:
    """Erase what voters declared (association, age band, category) VOTES_DECLARATION_DAYS after certification.

    The participation rows stay (the count, one voice); only the declaration goes.
    Run daily (`manage.py votes_erase_declarations`).
    """
    days = int(getattr(settings, "VOTES_DECLARATION_DAYS", 365))
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return (
        Participation.objects.filter(ballot__certified_at__lt=cutoff)
        .exclude(declared_dong=None, declared_age_band="", declared_category="")
        .update(declared_dong=None, declared_age_band="", declared_category="")
    )
