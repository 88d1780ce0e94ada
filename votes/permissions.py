"""Who may do what with a ballot. Every view, the admin and the live socket ask here.

Roles: a ballot's *leaders* are its association's leaders (district staff for
every ballot; only staff for district-wide ones); its *officers* are its
leaders plus the residents they named for it (`BallotOfficer`). Anyone may
see a published ballot; only leaders see a draft. `access_*` answer 404 alike
for "missing" and "not yours to see".
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from district.roles import is_district_staff, user_group_ids
from dong.models import DongPage
from votes.models import Ballot, BallotOfficer, BallotStatus, Participation

AnyUser = User | AnonymousUser


def _active(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_leader(user: AnyUser, ballot: Ballot) -> bool:
    """District staff for every ballot; an association's leaders for their own association's ballots."""
    if not _active(user):
        return False
    if is_district_staff(user):
        return True
    return bool(
        ballot.dong_id
        and ballot.dong.leaders_group_id
        and ballot.dong.leaders_group_id in user_group_ids(user)
    )


def leads_any(user: AnyUser) -> bool:
    """Staff, or a leader of at least one association: who sees the Votes menu in the admin."""
    if not _active(user):
        return False
    if is_district_staff(user):
        return True
    return DongPage.objects.filter(leaders_group_id__in=user_group_ids(user)).exists()


def is_officer(user: AnyUser, ballot: Ballot) -> bool:
    """Leaders, and the residents the leaders named for this ballot."""
    if not _active(user):
        return False
    if is_leader(user, ballot):
        return True
    return BallotOfficer.objects.filter(ballot=ballot, user=user).exists()


def can_view_ballot(user: AnyUser, ballot: Ballot) -> bool:
    return ballot.published or is_leader(user, ballot)


def vote_refusal(user: AnyUser, ballot: Ballot) -> str | None:
    """Why this user cannot vote online now (a message code), or None if they may try.

    The declaration on the voting form is checked again by the service; here
    only what is already known: the ballot's times, the account, an age band
    or home association the profile already states, a previous voice.
    """
    if not ballot.published:
        return "not_published"
    if not ballot.is_open():
        return "not_open" if not ballot.has_closed() else "closed"
    if not _active(user):
        return "sign_in"
    profile = getattr(user, "profile", None)
    if profile is not None:
        if profile.age_band and not ballot.age_band_allowed(profile.age_band):
            return "age"
        if (
            ballot.dong_id
            and profile.home_dong_id
            and profile.home_dong_id != ballot.dong_id
            and not ballot.allow_workers
        ):
            return "other_dong"
    if Participation.objects.filter(ballot=ballot, user=user).exists():
        return "voted"
    from votes.privacy import voiced_after_closing

    # Took part, closed the account, signed up again with the same address.
    if voiced_after_closing(user, ballot):
        return "voted"
    if (
        ballot.needs_confirmation
        and not ballot.confirmations.filter(user=user).exists()
    ):
        return "needs_confirmation"
    return None


def can_vote(user: AnyUser, ballot: Ballot) -> bool:
    return vote_refusal(user, ballot) is None


def can_check_in(user: AnyUser, ballot: Ballot) -> bool:
    """Check voters in at a box (or confirm them): officers, while the ballot is open."""
    return ballot.is_open() and is_officer(user, ballot)


def can_enter_tallies(user: AnyUser, ballot: Ballot) -> bool:
    """Enter a box's count: officers, from the opening until the result is certified."""
    return (
        ballot.published
        and not ballot.certified
        and ballot.opens_at <= timezone.now()
        and is_officer(user, ballot)
    )


def can_advance_agenda(user: AnyUser, ballot: Ballot) -> bool:
    return ballot.published and is_officer(user, ballot)


def min_live_tally() -> int:
    return int(getattr(settings, "VOTES_MIN_LIVE_TALLY", 10))


def can_see_live_tallies(user: AnyUser, ballot: Ballot, participants: int) -> bool:
    """While voting is open nobody sees tallies, leaders included, unless the ballot shows them and enough votes are in."""
    return (
        can_view_ballot(user, ballot)
        and ballot.is_open()
        and ballot.show_live_tallies
        and participants >= min_live_tally()
    )


def can_see_results(user: AnyUser, ballot: Ballot) -> bool:
    """Certified results are public; after the close and before certification, leaders see the count to certify it."""
    if ballot.certified:
        return can_view_ballot(user, ballot)
    return ballot.published and ballot.has_closed() and is_leader(user, ballot)


def can_close(user: AnyUser, ballot: Ballot) -> bool:
    """Close voting early (e.g. at the end of the assembly): leaders, while it is open."""
    return ballot.published and not ballot.has_closed() and is_leader(user, ballot)


def can_certify(user: AnyUser, ballot: Ballot) -> bool:
    return (
        ballot.published
        and ballot.has_closed()
        and not ballot.certified
        and is_leader(user, ballot)
    )


def can_publish(user: AnyUser, ballot: Ballot) -> bool:
    """Publish a draft ballot (residents then see it): leaders."""
    return ballot.status == BallotStatus.DRAFT and is_leader(user, ballot)


def ballots_led_by(user: AnyUser) -> QuerySet[Ballot]:
    """The ballots whose admin rows this user sees: all for staff, their association's for leaders."""
    ballots = Ballot.objects.select_related("dong")
    if is_district_staff(user):
        return ballots
    if not _active(user):
        return ballots.none()
    return ballots.filter(dong__leaders_group_id__in=user_group_ids(user))


def access_ballot(user: AnyUser, ballot_id: int) -> Ballot:
    try:
        ballot = Ballot.objects.select_related("dong", "assembly", "current_item").get(
            pk=ballot_id
        )
    except Ballot.DoesNotExist:
        raise Http404 from None
    if not can_view_ballot(user, ballot):
        raise Http404
    return ballot


def can_follow_ballot(user: AnyUser, ballot_id: int) -> bool:
    """The live topic `ballot:<id>`: anyone may follow a published ballot (its payloads never carry choices)."""
    ballot = Ballot.objects.select_related("dong").filter(pk=ballot_id).first()
    return ballot is not None and can_view_ballot(user, ballot)
