from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DongConfig(AppConfig):
    name = "dong"
    verbose_name = _("Associations")
    default_auto_field = "django.db.models.BigAutoField"
