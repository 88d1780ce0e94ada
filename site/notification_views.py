from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from district.keyset import keyset_page
from district.models import Notification
from district.services import notifications_mark_read


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    # Keyset pages over the index on (user, created_at, id): flat however many rows.
    page = keyset_page(
        Notification.objects.filter(user=request.user),
        request.GET,
        time_field="created_at",
        size=30,
    )
    return render(request, "district/notifications.html", {"page_obj": page})


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    notifications_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    return redirect(
        target
        if target.startswith("/") and not target.startswith("//")
        else "notifications"
    )
