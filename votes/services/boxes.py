"""At the ballot boxes: voter passes, check-in and confirmation, two officers' independent counts."""

import base64

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from district import live
from district.services import notifications_create
from votes import permissions, tally
from votes.models import (
    Answer,
    Ballot,
    BallotBox,
    BoxTallyEntry,
    Channel,
    Participation,
    QuestionKind,
    VoterConfirmation,
)
from votes.services.common import lock_ballot, participant_count, publish_participation


def _pass_mac(ballot_id: int, user_id: int) -> str:
    digest = salted_hmac("votes.pass", f"{ballot_id}:{user_id}").digest()[:5]
    return base64.b32encode(digest).decode().rstrip("=")


def pass_token(ballot: Ballot, user: AbstractUser) -> str:
    """The signed voter-pass code for one person and ballot (what its QR code holds; short enough to type)."""
    return f"V{ballot.pk}-{user.pk}-{_pass_mac(ballot.pk, user.pk)}"


def _pass_user(ballot: Ballot, token: str):
    from django.contrib.auth import get_user_model

    parts = token.strip().upper().removeprefix("V").split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        raise ValidationError({"token": _("This is not a voter pass.")})
    ballot_id, user_id, mac = int(parts[0]), int(parts[1]), parts[2]
    if ballot_id != ballot.pk:
        raise ValidationError({"token": _("This voter pass is for another ballot.")})
    if not constant_time_compare(mac, _pass_mac(ballot_id, user_id)):
        raise ValidationError({"token": _("This voter pass is not valid.")})
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError({"token": _("This voter pass is not valid.")})
    return user


@live.atomic
def voter_check_in(
    *, officer: AbstractUser, box: BallotBox, token: str, scanned: bool = True
) -> Participation:
    """Check a resident in at a box by their voter pass: their one voice, blocking an online vote."""
    ballot = box.ballot
    if not permissions.can_check_in(officer, ballot):
        raise PermissionDenied
    voter = _pass_user(ballot, token)
    from votes.privacy import voiced_after_closing

    if voiced_after_closing(voter, ballot):  # took part under an account since closed
        raise ValidationError(
            {
                "token": _(
                    "This person has already taken part in this ballot. Each person has one voice."
                )
            }
        )
    try:
        with transaction.atomic():
            participation = Participation.objects.create(
                ballot=ballot,
                user=voter,
                box=box,
                channel=Channel.PASS_SCAN if scanned else Channel.CHECK_IN,
            )
    except IntegrityError:
        earlier = Participation.objects.filter(ballot=ballot, user=voter).first()
        how = earlier.get_channel_display() if earlier else ""
        raise ValidationError(
            {
                "token": _(
                    "This person has already voted (%(how)s). Each person has one voice."
                )
                % {"how": how}
            }
        ) from None
    publish_participation(ballot)
    return participation


@live.atomic
def voter_confirm(
    *, officer: AbstractUser, ballot: Ballot, token: str
) -> VoterConfirmation:
    """Confirm a voter in person on a "needs confirmation" ballot: they may then vote online."""
    if not permissions.can_check_in(officer, ballot):
        raise PermissionDenied
    voter = _pass_user(ballot, token)
    confirmation, _created = VoterConfirmation.objects.get_or_create(
        ballot=ballot, user=voter, defaults={"confirmed_by": officer}
    )
    return confirmation


@live.atomic
def box_count_enter(
    *,
    officer: AbstractUser,
    box: BallotBox,
    paper_voters: int,
    counts: dict[str, int],
) -> BoxTallyEntry:
    """One officer's count of a box (append-only). Used once two officers' latest entries agree.

    Refused: negative numbers, marks on a question beyond the box's voters
    (checked-in residents plus the paper voters without an account). A
    disagreement is shown to both officers and the leaders are told.
    """
    ballot = box.ballot
    if not permissions.can_enter_tallies(officer, ballot):
        raise PermissionDenied
    errors = {}
    if paper_voters is None or paper_voters < 0:
        errors["paper_voters"] = _("Numbers cannot be negative.")
    questions = list(ballot.questions.prefetch_related("items"))
    allowed = {
        key: (q, label) for q in questions for key, _i, label in tally.count_keys(q)
    }
    clean: dict[str, int] = {}
    for key, value in counts.items():
        if key not in allowed:
            errors["__all__"] = _("Some of these counts are not on this ballot.")
        elif value is None or value < 0:
            errors[key] = _("Numbers cannot be negative.")
        else:
            clean[key] = int(value)
    if errors:
        raise ValidationError(errors)
    ballot = lock_ballot(ballot)
    checked_in = Participation.objects.filter(ballot=ballot, box=box).count()
    voters = checked_in + paper_voters
    for q in questions:
        keys = [k for k, (question, _l) in allowed.items() if question.pk == q.pk]
        marks = [clean.get(k, 0) for k in keys]
        too_many = any(m > voters for m in marks)
        if q.kind == QuestionKind.YES_NO:
            for item in q.items.all():
                per_item = sum(
                    clean.get(tally.count_key(q.pk, item.pk, a), 0)
                    for a in tally.YES_NO_ANSWERS
                )
                too_many = too_many or per_item > voters
        elif q.kind == QuestionKind.CHOICE:
            too_many = too_many or sum(marks) > voters * q.max_picks
        else:
            for rank in range(1, q.max_picks + 1):
                per_rank = sum(
                    clean.get(tally.count_key(q.pk, item.pk, Answer.PICK, rank), 0)
                    for item in q.items.all()
                )
                too_many = too_many or per_rank > voters
        if too_many:
            errors[f"q{q.pk}"] = _(
                "More marks than voters at this box (%(voters)d: %(checked)d checked in and %(paper)d without an account)."
            ) % {"voters": voters, "checked": checked_in, "paper": paper_voters}
    if errors:
        raise ValidationError(errors)
    before = {s.box.pk: s for s in tally.box_states(ballot)}[box.pk]
    entry = BoxTallyEntry.objects.create(
        box=box,
        officer=officer,
        paper_voters=paper_voters,
        counts=tally.normalise_counts(clean),
    )
    after = {s.box.pk: s for s in tally.box_states(ballot)}[box.pk]
    if after.mismatch and not before.mismatch:
        _tell_mismatch(ballot, box, after)
    live.publish(
        ballot.topic,
        "box.counted",
        {
            "ballot_id": ballot.pk,
            "box_id": box.pk,
            "agreed": after.agreed,
            "mismatch": after.mismatch,
        },
    )
    if after.agreed != before.agreed or (after.agreed and before.agreed):
        live.publish(
            ballot.topic,
            "participation.changed",
            {"ballot_id": ballot.pk, "participants": participant_count(ballot)},
        )
    return entry


def _tell_mismatch(ballot: Ballot, box: BallotBox, state: tally.BoxState) -> None:
    from django.contrib.auth import get_user_model

    people = set(state.entered_by)
    if ballot.dong_id and ballot.dong.leaders_group_id:
        people.update(
            get_user_model()
            .objects.filter(groups=ballot.dong.leaders_group_id, is_active=True)
            .values_list("pk", flat=True)
        )
    notifications_create(
        users=get_user_model()
        .objects.filter(pk__in=people, is_active=True)
        .values_list("pk", flat=True),
        kind="box_count_mismatch",
        url=ballot.get_absolute_url() + "officer/",
        params={"ballot": ballot.title, "box": box.name},
    )
