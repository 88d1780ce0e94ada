"""Every write of the votes app: one keyword-only function per action, inside `district.live.atomic`.

Safe to repeat: a second voice is refused by the unique (ballot, user)
participation, whichever channel tries it; a box count is an append-only
entry (entering the same count twice is harmless); certifying twice is
refused. Where a shared rate limiter and idempotency keys plug in later:
`vote_cast` (per user and ballot, on top of the unique constraint) and
`voter_check_in`/`box_count_enter` (per officer).
"""

import base64
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from district import live
from district.markup import render_markdown
from district.models import Profile
from district.ratelimit import rate_limit
from district.services import notification_create
from votes import permissions, registry, tally
from votes.models import (
    Answer,
    Ballot,
    BallotBox,
    BallotOfficer,
    BallotPaper,
    BallotStatus,
    BoxTallyEntry,
    Channel,
    Choice,
    Item,
    Participation,
    Question,
    QuestionKind,
    VoterCategory,
    VoterConfirmation,
)

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


# --- creating and running a ballot -----------------------------------------------------


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
    ballot = _lock(ballot)
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


def _lock(ballot: Ballot) -> Ballot:
    return (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("dong")
        .get(pk=ballot.pk)
    )


# --- voting online ----------------------------------------------------------------------


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


def _refusal_message(code: str, ballot: Ballot) -> str:
    close = formats.date_format(
        timezone.localtime(ballot.effective_close), "DATETIME_FORMAT"
    )
    opens = formats.date_format(timezone.localtime(ballot.opens_at), "DATETIME_FORMAT")
    return {
        "not_published": _("This ballot is not open."),
        "sign_in": _("Please sign in to vote."),
        "not_open": _("Voting opens on %(when)s.") % {"when": opens},
        "closed": _("Voting closed on %(when)s.") % {"when": close},
        "age": _("This vote is for people aged %(age)d or older.")
        % {"age": ballot.min_age},
        "other_dong": _("This vote is only for %(dong)s.")
        % {"dong": ballot.dong.local_name if ballot.dong_id else ""},
        "voted": _("You have already voted in this ballot. Each person has one voice."),
        "needs_confirmation": _(
            "This ballot needs an officer to confirm you in person first: show your voter pass at a ballot box, then vote here."
        ),
    }[code]


def _publish_participation(ballot: Ballot) -> None:
    """The participation count under the ballot's row lock, so every broadcast count is exact."""
    _lock(ballot)
    data = {"ballot_id": ballot.pk, "participants": participant_count(ballot)}
    live.publish(ballot.topic, "participation.changed", data)


def participant_count(ballot: Ballot) -> int:
    """People who took part: participation records (online, check-ins) plus the boxes' agreed walk-in voters."""
    walk_ins = sum(
        state.agreed_entry.paper_voters
        for state in tally.box_states(ballot)
        if state.agreed
    )
    return Participation.objects.filter(ballot=ballot).count() + walk_ins


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
        raise ValidationError(_refusal_message(refusal, ballot))
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
        raise ValidationError(_refusal_message("voted", ballot)) from None
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
    _publish_participation(ballot)
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
        raise ValidationError(_refusal_message("voted", ballot))
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


# --- voter passes, check-in and confirmation at the boxes --------------------------------


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
    _publish_participation(ballot)
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


# --- box counts -------------------------------------------------------------------------


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
    ballot = _lock(ballot)
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
    for user in get_user_model().objects.filter(pk__in=people, is_active=True):
        notification_create(
            user=user,
            kind="box_count_mismatch",
            url=ballot.get_absolute_url() + "officer/",
            params={"ballot": ballot.title, "box": box.name},
        )


# --- certification ----------------------------------------------------------------------


@live.atomic
def ballot_certify(*, actor: AbstractUser, ballot: Ballot) -> Ballot:
    """Count, fingerprint and publish the result; hand each item's outcome to the result handlers; draft the minutes.

    Every box must have two agreeing counts first. The handlers (e.g. the
    proposals app moving a selected proposal on) run in this transaction.
    """
    ballot = _lock(ballot)
    if not permissions.can_certify(actor, ballot):
        raise ValidationError(_("This result cannot be certified now."))
    _data, result, print_ = tally.compute(ballot)
    if result["boxes_pending"]:
        names = ", ".join(
            BallotBox.objects.filter(pk__in=result["boxes_pending"]).values_list(
                "name", flat=True
            )
        )
        raise ValidationError(
            _(
                "Two officers' counts must agree for every box first. Waiting for: %(boxes)s"
            )
            % {"boxes": names}
        )
    ballot.result = result
    ballot.fingerprint = print_
    ballot.certified_at = timezone.now()
    ballot.certified_by = actor
    item_results = []
    for question in result["questions"]:
        for row in question["items"]:
            item_results.append(
                registry.ItemResult(
                    ballot_id=ballot.pk,
                    item_id=row["id"],
                    source_key=row["source_key"],
                    title=row["title"],
                    selected=row["selected"],
                    votes=row["votes"],
                    summary=item_summary(question, row),
                )
            )
    for handler in registry.result_handlers():
        handler(item_results)
    ballot.minutes_page = _draft_minutes(ballot, result, item_results, actor)
    ballot.save(
        update_fields=[
            "result",
            "fingerprint",
            "certified_at",
            "certified_by",
            "minutes_page",
        ]
    )
    live.publish(
        ballot.topic,
        "ballot.certified",
        {"ballot_id": ballot.pk, "fingerprint": print_},
    )
    return ballot


def item_summary(question: dict, row: dict) -> str:
    """One item's outcome as a sentence, in the current language."""
    if question["kind"] == QuestionKind.YES_NO:
        text = (
            _("%(yes)d yes of %(valid)d valid votes (%(no)d no, %(abstain)d abstained)")
            % row
        )
        if not row["quorum_met"]:
            text += " · " + _("quorum not met")
        return text
    if question["kind"] == QuestionKind.RANKED:
        return _("%(points)d points from %(picks)d votes") % row
    return ngettext("%(picks)d vote", "%(picks)d votes", row["picks"]) % row


def _draft_minutes(ballot: Ballot, result: dict, item_results, actor):
    """An unpublished MinutesPage under the association's minutes index, for the leaders to complete and publish."""
    if not ballot.dong_id:
        return None
    from dong.models import MeetingType, MinutesIndexPage, MinutesPage

    index = MinutesIndexPage.objects.child_of(ballot.dong).first()
    if index is None:
        return None
    slug = f"vote-{ballot.pk}-result"
    existing = MinutesPage.objects.child_of(index).filter(slug=slug).first()
    if existing is not None:
        return existing
    rows = "".join(
        f"<li><b>{escape(r.title)}</b>: {escape(r.summary)}"
        f"{' — ' + escape(_('selected')) if r.selected else ''}</li>"
        for r in item_results
    )
    agenda = (
        f"<p>{escape(ballot.title)}</p><ul>{rows}</ul>"
        f"<p>{escape(_('Fingerprint of the published ballot data (SHA-256):'))} {ballot.fingerprint}</p>"
    )
    decisions = [
        ("decision", f"{r.title}: {r.summary}"[:500])
        for r in item_results
        if r.selected
    ]
    meeting = (
        ballot.assembly.starts_at if ballot.assembly_id else ballot.effective_close
    )
    page = MinutesPage(
        title=_("Result: %(title)s") % {"title": ballot.title},
        slug=slug,
        meeting_date=timezone.localtime(meeting).date(),
        meeting_type=MeetingType.ASSEMBLY,
        attendance=result["participants"]["total"],
        agenda=agenda,
        decisions=decisions,
        live=False,
    )
    index.add_child(instance=page)
    page.save_revision(user=actor, log_action=True)
    return page
