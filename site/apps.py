from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictConfig(AppConfig):
    name = "district"
    label = "district"
    verbose_name = _("District")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Decoupled extras only: sockets close on sign-out and suspension; the Site and page caches empty when the page tree changes."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_out
        from django.db import transaction
        from django.db.models.signals import post_save

        from district import images, pagetree
        from district.csv import protect_wagtail_exports
        from district.languages import fall_back_to_english
        from district.live import close_user_sockets

        fall_back_to_english()

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
        # One receiver empties the Site cache and the page cache (district.pagetree).
        pagetree.connect()
        # Photos lose their EXIF (GPS, device, owner) before storage (district.images).
        images.connect()
        # A cached account is forgotten whenever its User or Profile changes (district.usercache).
        from district import usercache

        usercache.connect()
        # Wagtail's admin CSV exports neutralise formula cells like ours (district.csv).
        protect_wagtail_exports()
        # Moderation with due process: notification kinds, sanctions' appeal handler.
        from district.moderation.setup import setup as moderation_setup

        moderation_setup()
        # Children's unanswered requests for a guardian's consent expire with the daily retention job.
        from district.guardians import guardian_consents_expire
        from district.retention import register_retention

        register_retention("guardian_consents", guardian_consents_expire)
