"""The kernel's Wagtail admin hooks: the association boundary (`district.admin_boundaries`), readable slugs."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks

from district.admin_boundaries import (
    ScopedDocumentsAPIViewSet,
    ScopedImagesAPIViewSet,
    hide_whole_tree_reports,
)
from district.slugs import slugify_view


# After Wagtail's own registrations (order 0), so these endpoints replace them.
@hooks.register("construct_admin_api", order=100)
def scope_chooser_api_to_collections(router) -> None:
    router.register_endpoint("images", ScopedImagesAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAPIViewSet)


hooks.register("construct_reports_menu", hide_whole_tree_reports)


# Appeals and sanctions (district.moderation) register their own admin URLs and menu items.
from district.moderation import wagtail_hooks as _moderation_hooks  # noqa: F401


@hooks.register("register_admin_urls")
def slugify_url():
    return [path("dongne/slugify/", slugify_view, name="dongne_slugify")]


@hooks.register("insert_editor_js")
def readable_slug_js() -> str:
    return format_html(
        '<span hidden data-dongne-slugify-url="{}"></span><script src="{}"></script>',
        reverse("dongne_slugify"),
        static("district/js/admin-slug.js"),
    )


@hooks.register("register_admin_viewset")
def register_access_log():
    """Who looked at whose personal data: superusers only (district.access_log_admin)."""
    from district.access_log_admin import AccessLogViewSet

    return AccessLogViewSet("access_log")
