from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from district.live import register_topic
        from district.models import register_notification_kind
        from events import notifications

        def can_follow_event(user, event_id: int) -> bool:
            from events.models import Event

            return Event.objects.filter(pk=event_id, approved=True).exists()

        register_topic("event", can_follow_event)
        for kind in ("rsvp_promoted", "event_cancelled"):
            register_notification_kind(kind, getattr(notifications, kind))
