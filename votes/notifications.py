"""How votes' notifications read, composed in the reader's language when shown."""

from django.utils.translation import gettext as _

from district.models import Notification


def box_count_mismatch(n: Notification) -> str:
    return (
        _(
            "The two counts of the ballot box “%(box)s” (%(ballot)s) do not agree: please count again."
        )
        % n.params
    )


KINDS = ("box_count_mismatch",)
