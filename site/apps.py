from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictConfig(AppConfig):
    name = "district"
    label = "district"
    verbose_name = _("District")
    default_auto_field = "django.db.models.BigAutoField"
