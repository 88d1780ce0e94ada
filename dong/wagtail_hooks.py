from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import WorkflowPage

from district.roles import is_district_staff
from dong.models import DongPage
from dong.services import review_mode_set


def publishing_modes(request):
    if not is_district_staff(request.user):
        raise PermissionDenied
    reviewed = set(
        WorkflowPage.objects.filter(page__in=DongPage.objects.all()).values_list(
            "page_id", flat=True
        )
    )
    dongs = [(dong, dong.pk in reviewed) for dong in DongPage.objects.order_by("path")]
    return TemplateResponse(
        request,
        "dong/admin/publishing_modes.html",
        {
            "page_title": _("Publishing mode per association"),
            "header_icon": "tasks",
            "dongs": dongs,
        },
    )


@require_POST
def publishing_mode_set(request, page_id: int):
    dong = get_object_or_404(DongPage, pk=page_id)
    enabled = request.POST.get("review") == "1"
    review_mode_set(actor=request.user, dong=dong, enabled=enabled)
    messages.success(
        request,
        _("%(name)s now needs review before publishing.") % {"name": dong.title}
        if enabled
        else _("%(name)s now publishes directly.") % {"name": dong.title},
    )
    return redirect("dong_publishing_modes")


@hooks.register("register_admin_urls")
def publishing_urls():
    return [
        path("publishing/", publishing_modes, name="dong_publishing_modes"),
        path(
            "publishing/<int:page_id>/",
            publishing_mode_set,
            name="dong_publishing_mode_set",
        ),
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_district_staff(request.user)


@hooks.register("register_admin_menu_item")
def publishing_menu_item():
    return StaffMenuItem(
        gettext_lazy("Publishing mode"),
        reverse("dong_publishing_modes"),
        icon_name="tasks",
        order=152,
    )
