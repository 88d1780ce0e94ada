from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DongConfig(AppConfig):
    name = "dong"
    verbose_name = _("Associations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.models import Page

        from district.associations import register_associations
        from dong import slots  # noqa: F401  (registers the pages' slots)
        from dong.models import DongPage

        register_associations(lambda: DongPage.objects.live().order_by("title"))

        from district.search import register_dong_choices, register_search_source
        from dong import search

        register_dong_choices(search.dong_choices)
        # Machine translation of notices and minutes (district.translation).
        from dong import translation

        translation.register()
        register_search_source(
            Page,
            visible=search.visible_pages,
            dong=search.pages_in,
            describe=search.describe_page,
        )
