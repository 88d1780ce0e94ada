"""The association boundary in Wagtail's admin: leaders see their own files, staff the whole tree.

Wagtail checks a leader's collection and page permissions on its own
listings and choosers, but two places list across the boundary:

- the admin API behind the choosers (`/admin/api/main/images/`,
  `/admin/api/main/documents/`) lists every image and document outside
  collections with a view restriction on the public side, but inside them
  for anyone in the admin: titles, files and download links of every
  association's collections. `ScopedImagesAPIViewSet` and
  `ScopedDocumentsAPIViewSet` list only what the user may choose or change
  (Wagtail's collection permission policy), registered over Wagtail's own
  endpoints (`district.wagtail_hooks`).
- the page types usage report names the last edited page of each type in the
  whole tree, drafts and private pages included. Reports that list the whole
  tree are for district staff only: the menu hides them from others
  (`hide_whole_tree_reports`) and their URLs refuse them (`urlpatterns`,
  included by `district.urls` before Wagtail's admin URLs, so they match
  first).

Wagtail's other reports already keep to the user's pages: locked pages
(pages they may unlock), aging pages (may publish), workflows and workflow
tasks (may change), site history (pages they may explore, and other models'
history only with a model-wide permission, which leaders do not hold).
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.permissions import policy_registry

from district.roles import is_district_staff

CHOOSER_ACTIONS = ["choose", "change"]
# Names of Wagtail's report menu items that list the whole page tree.
WHOLE_TREE_REPORTS = frozenset({"page-types-usage"})


class _CollectionScopedMixin:
    def get_queryset(self):
        policy = policy_registry.get_by_type(self.model)
        collections = policy.collections_user_has_any_permission_for(
            self.request.user, CHOOSER_ACTIONS
        )
        return super().get_queryset().filter(collection__in=collections)


class ScopedImagesAPIViewSet(_CollectionScopedMixin, ImagesAdminAPIViewSet):
    pass


class ScopedDocumentsAPIViewSet(_CollectionScopedMixin, DocumentsAdminAPIViewSet):
    pass


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An admin view for district staff: others in the admin get 403, visitors the login page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_district_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return require_admin_access(wrapped)


def hide_whole_tree_reports(request: HttpRequest, menu_items: list) -> None:
    """`construct_reports_menu`: whole-tree reports are shown to district staff only."""
    if not is_district_staff(request.user):
        menu_items[:] = [
            item for item in menu_items if item.name not in WHOLE_TREE_REPORTS
        ]


# The same paths as Wagtail's (wagtail/admin/urls/reports.py), under "admin/".
urlpatterns = [
    path(
        "reports/page-types-usage/",
        staff_only(PageTypesUsageReportView.as_view()),
    ),
    path(
        "reports/page-types-usage/results/",
        staff_only(PageTypesUsageReportView.as_view(results_only=True)),
    ),
]
