"""Who may do what with an association's pages, images and documents.

A leaders' group holds Wagtail page permissions on its own DongPage (and so its
subtree) and collection permissions on its own collection; nothing else. The
District staff group holds them on the home page and the root collection, plus
the administrative models (users, workflows, redirects, sites).
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)

LEADERS_GROUP_PREFIX = "Leaders · "

LEADER_PAGE_PERMISSIONS = (
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
)
STAFF_PAGE_PERMISSIONS = LEADER_PAGE_PERMISSIONS + ("bulk_delete_page",)
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
STAFF_MODEL_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "delete_user"),
    ("auth", "add_group"),
    ("auth", "change_group"),
    ("wagtailcore", "add_workflow"),
    ("wagtailcore", "change_workflow"),
    ("wagtailcore", "delete_workflow"),
    ("wagtailcore", "add_task"),
    ("wagtailcore", "change_task"),
    ("wagtailcore", "delete_task"),
    ("wagtailredirects", "add_redirect"),
    ("wagtailredirects", "change_redirect"),
    ("wagtailredirects", "delete_redirect"),
    ("wagtailcore", "add_site"),
    ("wagtailcore", "change_site"),
    ("forums", "add_board"),
    ("forums", "change_board"),
    ("forums", "view_moderationaction"),
)


def leaders_group_name(dong_name: str) -> str:
    return f"{LEADERS_GROUP_PREFIX}{dong_name}"


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def grant_page_permissions(
    group: Group, page: Page, codenames: tuple[str, ...]
) -> None:
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_permission("wagtailcore", codename)
        )


def grant_collection_permissions(group: Group, collection: Collection) -> None:
    for app_label, codename in COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group,
            collection=collection,
            permission=_permission(app_label, codename),
        )


def grant_model_permissions(
    group: Group, permissions: tuple[tuple[str, str], ...]
) -> None:
    group.permissions.add(
        *(_permission(app_label, codename) for app_label, codename in permissions)
    )
