"""What the votes services share: locking a ballot, the participation count and its broadcast, refusal messages."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from district import live
from votes import tally
from votes.models import (
    Ballot,
    Participation,
)


def lock_ballot(ballot: Ballot) -> Ballot:
    return (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("dong")
        .get(pk=ballot.pk)
    )


def publish_participation(ballot: Ballot) -> None:
    """The participation count under the ballot's row lock, so every broadcast count is exact."""
    lock_ballot(ballot)
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


def refusal_message(code: str, ballot: Ballot) -> str:
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
