"""How proposal notifications read, composed in the reader's language when shown."""

from django.utils.translation import gettext as _

from district.models import Notification
from proposals.models import ChangeKind, Status


def _status(n: Notification) -> str:
    try:
        return str(Status(n.params.get("status", "")).label)
    except ValueError:
        return n.params.get("status", "")


def proposal_status(n: Notification) -> str:
    params = {**n.params, "status": _status(n)}
    if n.params.get("change") == ChangeKind.THRESHOLD:
        return (
            _("“%(title)s” reached its support threshold and goes to screening.")
            % params
        )
    if n.params.get("reason"):
        return _("“%(title)s” is now: %(status)s. Reason: %(reason)s") % params
    return _("“%(title)s” is now: %(status)s.") % params


def proposal_threshold(n: Notification) -> str:
    return (
        _(
            "“%(title)s” reached %(supports)s supports and waits for screening by your association."
        )
        % n.params
    )


def proposal_co_proposer(n: Notification) -> str:
    return _("You were named as a co-proposer of “%(title)s”.") % n.params


KINDS = ("proposal_status", "proposal_threshold", "proposal_co_proposer")
