from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictConfig(AppConfig):
    name = "district"
    label = "district"
    verbose_name = _("District")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Decoupled extras only: sockets close on sign-out and suspension; the page cache empties on publish."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_out
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, Site
        from wagtail.signals import (
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
        )

        from district.cache import bump_version
        from district.live import close_user_sockets
        from district.page_routing import forget_sites

        def on_logout(sender, request, user, **kwargs):
            if user is not None:
                close_user_sockets(user.pk)

        def on_user_saved(sender, instance, **kwargs):
            if not instance.is_active:  # suspended: their open pages stop listening
                transaction.on_commit(lambda: close_user_sockets(instance.pk))

        # weak=False: the receivers are local functions, which a weak reference would lose.
        user_logged_out.connect(
            on_logout, weak=False, dispatch_uid="district.close_sockets_on_logout"
        )
        post_save.connect(
            on_user_saved,
            sender=get_user_model(),
            weak=False,
            dispatch_uid="district.close_sockets_on_suspend",
        )
        for name, signal in (
            ("published", page_published),
            ("unpublished", page_unpublished),
            ("moved", post_page_move),
            ("slug", page_slug_changed),
        ):
            signal.connect(bump_version, dispatch_uid=f"district.pagecache.{name}")
        post_delete.connect(
            bump_version, sender=Page, dispatch_uid="district.pagecache.deleted"
        )
        # The cached Sites (district.page_routing) carry their root page.
        for name, signal in (
            ("published", page_published),
            ("unpublished", page_unpublished),
            ("moved", post_page_move),
            ("slug", page_slug_changed),
        ):
            signal.connect(forget_sites, dispatch_uid=f"district.sites.{name}")
        post_delete.connect(
            forget_sites, sender=Page, dispatch_uid="district.sites.page_deleted"
        )
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                forget_sites, sender=Site, dispatch_uid=f"district.sites.{name}"
            )
