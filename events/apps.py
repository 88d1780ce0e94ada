from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from district.live import register_topic
        from district.models import register_notification_kind
        from events import (
            notifications,
            search,
            slots,  # noqa: F401  (registers the pages' slots)
        )
        from events.permissions import can_follow_event

        register_topic("event", can_follow_event)
        from district.live import register_state
        from events.services.common import occurrence_state

        # A date's counts, published after each sign-up commits (coalesced under a rush).
        register_state("occurrence", "rsvp.changed", occurrence_state)
        search.register()
        for kind in notifications.KINDS:
            register_notification_kind(kind, getattr(notifications, kind))
        # Closing an account and downloading one's data (district.accounts).
        from events import privacy

        privacy.register()
        # Machine translation of titles, descriptions and places (district.translation).
        from events import translation

        translation.register()
        # A rush on sign-ups waits in its own line, so other pages keep theirs.
        from django.conf import settings

        from district.handler import register_lane
        from events.views import SIGN_UP_PATH, sign_up_turned_away

        register_lane(
            "sign-up",
            method="POST",
            path=SIGN_UP_PATH,
            limit=lambda: settings.EVENTS_SIGNUP_CONCURRENCY,
            wait_seconds=lambda: settings.EVENTS_SIGNUP_QUEUE_SECONDS,
            turned_away=sign_up_turned_away,
        )
