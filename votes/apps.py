from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    """Resident votes and the 주민총회: ballots, eligibility, online and paper tallies, certified results."""

    name = "votes"
    verbose_name = _("Votes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from district.live import register_topic
        from district.models import register_notification_kind
        from votes import (
            notifications,
            slots,  # noqa: F401  (registers the pages' slots)
        )
        from votes.permissions import can_follow_ballot

        register_topic("ballot", can_follow_ballot)
        for kind in notifications.KINDS:
            register_notification_kind(kind, getattr(notifications, kind))
        # Closing an account and downloading one's data (district.accounts).
        from votes import privacy

        privacy.register()
