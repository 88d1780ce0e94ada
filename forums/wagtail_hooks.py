from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from forums import admin_views, permissions
from forums.models import Board


@hooks.register("register_admin_urls")
def moderation_urls():
    return [
        path("moderation/", admin_views.queue, name="forums_moderation_queue"),
        path("moderation/log/", admin_views.log, name="forums_moderation_log"),
        path(
            "moderation/post/<int:post_id>/<slug:action>/",
            admin_views.moderate_post,
            name="forums_moderate_post",
        ),
        path(
            "moderation/thread/<int:thread_id>/<slug:action>/",
            admin_views.moderate_thread,
            name="forums_moderate_thread",
        ),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.moderated_boards(request.user).exists()


@hooks.register("register_admin_menu_item")
def moderation_queue_menu_item():
    return ModeratorMenuItem(
        _("Moderation queue"),
        reverse("forums_moderation_queue"),
        icon_name="warning",
        order=150,
    )


@hooks.register("register_admin_menu_item")
def moderation_log_menu_item():
    return ModeratorMenuItem(
        _("Moderation log"),
        reverse("forums_moderation_log"),
        icon_name="list-ul",
        order=151,
    )


class BoardViewSet(SnippetViewSet):
    model = Board
    icon = "group"
    menu_label = _("Forum boards")
    menu_order = 160
    add_to_admin_menu = True
    list_display = ("name", "dong", "audience", "facilitators")
    list_filter = ("audience",)
    panels = (
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("dong"),
        FieldPanel("audience"),
        FieldPanel("facilitators"),
        FieldPanel("position"),
    )


register_snippet(BoardViewSet)
