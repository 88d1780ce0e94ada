from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from district.live import register_topic
        from district.models import register_notification_kind
        from forums import (
            notifications,
            permissions,
            slots,  # noqa: F401  (registers the pages' slots)
        )

        register_topic("thread", permissions.can_subscribe_thread)
        register_topic("board", permissions.can_subscribe_board)
        for kind in ("reply", "quote", "mention", "moderation"):
            register_notification_kind(kind, getattr(notifications, kind))
        # Appeals against moderators' actions, and the transparency report's counts.
        from forums import appeals

        appeals.register()

        from district.search import register_search_source
        from forums import search
        from forums.models import Post, Thread

        register_search_source(
            Thread,
            visible=search.visible_threads,
            dong=search.threads_in,
            describe=search.describe_thread,
        )
        register_search_source(
            Post,
            visible=search.visible_posts,
            dong=search.posts_in,
            describe=search.describe_post,
        )
        # Closing an account and downloading one's data (district.accounts).
        from forums import privacy

        privacy.register()
        # Machine translation of titles and posts (district.translation).
        from forums import translation

        translation.register()
