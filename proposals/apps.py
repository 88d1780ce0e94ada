from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    """Residents' proposals and participatory-budget cycles, with the reflection rate in public."""

    name = "proposals"
    verbose_name = _("Proposals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from district.live import register_topic
        from district.models import register_notification_kind
        from proposals import notifications, slots  # noqa: F401  (slots register hooks)
        from proposals.permissions import can_follow_cycle, can_follow_proposal
        from proposals.services import ballot_items, ballot_results

        register_topic("proposal", can_follow_proposal)
        register_topic("cycle", can_follow_cycle)
        for kind in notifications.KINDS:
            register_notification_kind(kind, getattr(notifications, kind))
        try:
            from votes import registry
        except ImportError:  # pragma: no cover (votes is always installed here)
            return
        registry.register_item_source("proposals", ballot_items)
        registry.register_result_handler(ballot_results)
        self._register_search()

    def _register_search(self) -> None:
        try:
            from proposals import search
        except ImportError:  # pragma: no cover
            return
        search.register()
