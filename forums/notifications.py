"""How forum notifications read, composed in the reader's language when shown."""

from django.utils.translation import gettext as _

from district.models import Notification
from forums.models import ModerationAction


def reply(n: Notification) -> str:
    return _("%(actor)s replied in “%(title)s”") % {"actor": n.actor_name, **n.params}


def quote(n: Notification) -> str:
    return _("%(actor)s quoted you in “%(title)s”") % {
        "actor": n.actor_name,
        **n.params,
    }


def mention(n: Notification) -> str:
    return _("%(actor)s mentioned you in “%(title)s”") % {
        "actor": n.actor_name,
        **n.params,
    }


def moderation(n: Notification) -> str:
    kind = n.params.get("action", "")
    action = (
        ModerationAction.Kind(kind).label
        if kind in ModerationAction.Kind.values
        else kind
    )
    from district.moderation.reasons import reason_label

    code = n.params.get("reason_code")
    reason = n.params.get("reason", "")
    return _(
        "A moderator acted on your content in “%(title)s”: %(action)s. Reason: %(reason)s"
    ) % {
        **n.params,
        "action": action,
        "reason": f"{reason_label(code)} — {reason}" if code else reason,
    }
