"""What votes do when an account closes: one voice per ballot survives re-registration.

Participation rows stay, on the opaque account id (the voice stays counted;
nothing links a person to a choice anyway). For each ballot still open in
which the person took part, a keyed hash of each of their e-mail addresses
(`district.accounts.email_key`) is kept in `ClosedAccountVoice`, so a new
account with the same address is refused in that ballot; the retention job
deletes those hashes once the ballot has closed.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db.models import Q

from district.accounts import (
    Closing,
    email_key,
    register_account_closer,
    register_data_exporter,
)
from district.retention import register_retention
from votes.models import BallotOfficer, ClosedAccountVoice, Participation


def close_account(closing: Closing) -> None:
    participations = Participation.objects.filter(user=closing.user).select_related(
        "ballot"
    )
    for participation in participations:
        if participation.ballot.has_closed():
            continue
        for email in closing.emails:
            ClosedAccountVoice.objects.get_or_create(
                ballot=participation.ballot, email_key=email_key(email)
            )
    BallotOfficer.objects.filter(user=closing.user).delete()


def voiced_after_closing(user: AbstractUser, ballot) -> bool:
    """Did this account's e-mail address already take part in `ballot` under a closed account?"""
    email = getattr(user, "email", "")
    return (
        bool(email)
        and ClosedAccountVoice.objects.filter(
            ballot=ballot, email_key=email_key(email)
        ).exists()
    )


def closed_voices_delete(now: datetime) -> int:
    count, _ = ClosedAccountVoice.objects.filter(
        Q(ballot__closed_early_at__lt=now) | Q(ballot__closes_at__lt=now)
    ).delete()
    return count


def _participations(user: AbstractUser) -> list[dict]:
    return [
        {
            "ballot": p.ballot.title,
            "ballot_id": p.ballot_id,
            "channel": p.channel,
            "at": p.created,
            "declared_age_band": p.declared_age_band,
            "declared_category": p.declared_category,
            "declared_neighbourhood": p.declared_dong.title if p.declared_dong else "",
        }
        for p in Participation.objects.filter(user=user).select_related(
            "ballot", "declared_dong"
        )
    ]


def register() -> None:
    register_account_closer("votes", close_account, order=40)
    register_data_exporter("ballot_participation", _participations)
    register_retention("closed_account_voices", closed_voices_delete)
