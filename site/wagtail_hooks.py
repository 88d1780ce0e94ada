"""The kernel's Wagtail admin hooks: the association boundary (`district.admin_boundaries`)."""

from wagtail import hooks

from district.admin_boundaries import (
    ScopedDocumentsAPIViewSet,
    ScopedImagesAPIViewSet,
    hide_whole_tree_reports,
)


# After Wagtail's own registrations (order 0), so these endpoints replace them.
@hooks.register("construct_admin_api", order=100)
def scope_chooser_api_to_collections(router) -> None:
    router.register_endpoint("images", ScopedImagesAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAPIViewSet)


hooks.register("construct_reports_menu", hide_whole_tree_reports)


# Appeals and sanctions (district.moderation) register their own admin URLs and menu items.
from district.moderation import wagtail_hooks as _moderation_hooks  # noqa: E402, F401
