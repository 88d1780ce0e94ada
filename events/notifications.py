"""How event notifications read, in the reader's language when shown."""

from django.utils.translation import gettext as _

from district.models import Notification


def rsvp_promoted(n: Notification) -> str:
    return _("A place opened up: you are now going to “%(title)s”.") % n.params


def event_cancelled(n: Notification) -> str:
    return _("“%(title)s” is cancelled. Reason: %(reason)s") % n.params
