"""Who someone is on the site, in the terms every app shares: district staff, and a user's groups.

The kernel's part of the role model (DESIGN.md, "Roles"): District staff is
a Wagtail group (`STAFF_GROUP_NAME`) and superusers count as staff.
Associations' leaders' groups and audience boards' facilitators' groups
belong to the apps that define them (`dong.permissions`,
`forums.permissions`), which build on `user_group_ids`.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

STAFF_GROUP_NAME = "District staff"


def user_group_ids(user: "User | AnonymousUser") -> frozenset[int]:
    """The user's group ids, read once per user object (with whether one is District staff)."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_dongne_group_ids"):
        groups = list(user.groups.values_list("id", "name"))
        user._dongne_group_ids = frozenset(group_id for group_id, _name in groups)
        user._dongne_is_staff = user.is_superuser or any(
            name == STAFF_GROUP_NAME for _id, name in groups
        )
    return user._dongne_group_ids


def is_district_staff(user: "User | AnonymousUser") -> bool:
    """Active members of the District staff group, and active superusers."""
    if not user.is_authenticated or not user.is_active:
        return False
    user_group_ids(user)
    return user._dongne_is_staff


def district_staff() -> QuerySet:
    """Every user for whom `is_district_staff` is true, as a queryset."""
    return get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name=STAFF_GROUP_NAME), is_active=True
    )
