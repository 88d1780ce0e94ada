"""How moderation notifications read, composed in the reader's language when shown."""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from district.models import Notification
from district.moderation.models import AppealOutcome, SanctionKind
from district.moderation.reasons import reason_label


def _kind(params: dict) -> str:
    kind = params.get("sanction", "")
    return str(SanctionKind(kind).label) if kind in SanctionKind.values else kind


def _until(params: dict) -> str:
    from district.moderation.policy import when

    ends_at = parse_datetime(params.get("ends_at") or "")
    return when(ends_at) if ends_at else _("until lifted")


def sanction(n: Notification) -> str:
    p = n.params
    reason = f"{reason_label(p.get('reason_code', ''))} — {p.get('reason', '')}"
    if p.get("sanction") == SanctionKind.WARNING:
        return _("A warning from the moderators. Reason: %(reason)s") % {
            "reason": reason
        }
    return _(
        "Sanction on your account: %(sanction)s, until %(until)s. Reason: %(reason)s"
    ) % {
        "sanction": _kind(p),
        "until": _until(p),
        "reason": reason,
    }


def sanction_ended(n: Notification) -> str:
    if n.params.get("lifted"):
        return _("Your sanction (%(sanction)s) has been lifted: %(note)s") % {
            "sanction": _kind(n.params),
            "note": n.params.get("note", ""),
        }
    return _("Your sanction (%(sanction)s) has ended.") % {"sanction": _kind(n.params)}


def appeal_received(n: Notification) -> str:
    return _("An appeal waits for your decision: %(summary)s") % n.params


def appeal_decided(n: Notification) -> str:
    outcome = n.params.get("outcome", "")
    label = (
        str(AppealOutcome(outcome).label)
        if outcome in AppealOutcome.values
        else outcome
    )
    return _(
        "Your appeal was decided (%(summary)s): %(outcome)s. Reason: %(reason)s"
    ) % {
        **n.params,
        "outcome": label,
    }


def appeals_overdue(n: Notification) -> str:
    return _("%(count)s appeal(s) have waited longer than the target answer time.") % (
        n.params
    )


KINDS = (
    "sanction",
    "sanction_ended",
    "appeal_received",
    "appeal_decided",
    "appeals_overdue",
)
