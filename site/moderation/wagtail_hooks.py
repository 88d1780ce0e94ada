"""Admin menu and URLs for appeals and sanctions (imported by `district.wagtail_hooks`)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from district.moderation import admin_views, policy
from district.roles import is_district_staff, user_group_ids


@hooks.register("register_admin_urls")
def moderation_admin_urls():
    return [
        path("appeals/", admin_views.queue, name="moderation_appeals"),
        path("appeals/<int:appeal_id>/", admin_views.decide, name="moderation_appeal"),
        path("sanctions/", admin_views.sanctions, name="moderation_sanctions"),
        path(
            "sanctions/user/<int:user_id>/",
            admin_views.user_sanctions,
            name="moderation_user_sanctions",
        ),
        path(
            "sanctions/<int:sanction_id>/lift/",
            admin_views.lift,
            name="moderation_sanction_lift",
        ),
    ]


class AppealsMenuItem(MenuItem):
    def is_shown(self, request):
        # Staff, and the members of groups that run boards (leaders, facilitators).
        return is_district_staff(request.user) or bool(user_group_ids(request.user))


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return policy.can_sanction(request.user)


@hooks.register("register_admin_menu_item")
def appeals_menu_item():
    return AppealsMenuItem(
        _("Appeals"), reverse("moderation_appeals"), icon_name="help", order=152
    )


@hooks.register("register_admin_menu_item")
def sanctions_menu_item():
    return StaffMenuItem(
        _("Sanctions"), reverse("moderation_sanctions"), icon_name="lock", order=153
    )
