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
        from proposals import notifications, search, slots  # noqa: F401  (slots register hooks)
        from proposals.permissions import can_follow_cycle, can_follow_proposal
        from proposals.services import ballot_items, ballot_results
        from votes import registry

        register_topic("proposal", can_follow_proposal)
        register_topic("cycle", can_follow_cycle)
        from district.live import register_state
        from proposals.services.common import proposal_state

        # A proposal's support count, published after each support commits (coalesced).
        register_state("proposal", "support.changed", proposal_state)
        for kind in notifications.KINDS:
            register_notification_kind(kind, getattr(notifications, kind))
        search.register()
        registry.register_item_source("proposals", ballot_items)
        registry.register_result_handler(ballot_results)
        # Closing an account and downloading one's data (district.accounts).
        from proposals import privacy

        privacy.register()
        # Machine translation of titles, descriptions and places (district.translation).
        from proposals import translation

        translation.register()
