"""The staff access log in the Wagtail admin: read-only, and for superusers only (`district.access_log`)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from district.models import AccessLogEntry


class SuperusersReadOnly(BasePermissionPolicy):
    """Superusers may view; nobody may add, change or delete (the log is append-only)."""

    def user_has_permission(self, user, action):
        return (
            action == "view"
            and user.is_authenticated
            and user.is_active
            and user.is_superuser
        )

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True, is_superuser=True)
        return users if "view" in actions else users.none()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


register_permission_policy(AccessLogEntry, SuperusersReadOnly(AccessLogEntry))


class AccessLogViewSet(ModelViewSet):
    model = AccessLogEntry
    icon = "view"
    menu_label = _("Access log")
    menu_order = 9000
    add_to_admin_menu = True
    inspect_view_enabled = True
    list_display = ("at", "actor", "action", "what", "object_ref", "ip")
    list_filter = ("action",)
    search_fields = ("what", "object_ref", "path")
    list_export = ("at", "actor_id", "action", "what", "object_ref", "path", "ip")
    ordering = ("-at", "-id")
    form_fields = ("what",)  # never used: nobody may add or edit
