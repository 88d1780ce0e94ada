from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictConfig(AppConfig):
    name = "district"
    label = "district"
    verbose_name = _("District")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from district.live import close_user_sockets

        def on_logout(sender, request, user, **kwargs):
            if user is not None:
                close_user_sockets(user.pk)

        user_logged_out.connect(
            on_logout, dispatch_uid="district.close_sockets_on_logout"
        )
