"""The person's side of moderation (their sanctions, what was done to their content, appeals) and the public report."""

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from district.csv import csv_response, writer
from district.forms import submit
from district.moderation import report, services
from district.moderation.forms import AppealForm
from district.moderation.models import Appeal, Sanction
from district.moderation.policy import restriction_of
from district.moderation.reasons import reason_label
from district.moderation.registry import handler_for_key


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My sanctions (with end dates) and my appeals."""
    sanctions = Sanction.objects.filter(user=request.user)
    appeals = Appeal.objects.filter(appellant=request.user).order_by("-created_at")
    now = timezone.now()
    for sanction in sanctions:
        sanction.current = sanction.is_current(now) or sanction.kind == "warning"
        sanction.reason_label = reason_label(sanction.reason_code)
    return render(
        request,
        "district/moderation/mine.html",
        {
            "sanctions": sanctions,
            "appeals": appeals,
            "restriction": restriction_of(request.user),
        },
    )


@login_required
def appeal(request: HttpRequest, key: str, object_id: int) -> HttpResponse:
    """What was done to my content or account and why; the appeal form (once, in time) or the appeal's outcome."""
    handler = handler_for_key(key)
    if handler is None:
        raise Http404
    target = handler.model.objects.filter(pk=object_id).first()
    if target is None or handler.author_id(target) != request.user.pk:
        raise Http404  # the same answer for "missing" and "not yours"
    existing = Appeal.objects.filter(
        content_type=ContentType.objects.get_for_model(handler.model),
        object_id=target.pk,
    ).first()
    form = AppealForm(request.POST or None) if existing is None else None
    if form is not None and submit(
        request,
        form,
        lambda data: services.appeal_create(
            appellant=request.user, target=target, text=data["text"]
        ),
    ):
        from django.contrib import messages

        messages.success(
            request, _("Your appeal is sent. You will be told of the decision.")
        )
        return redirect(request.path)
    return render(
        request,
        "district/moderation/appeal.html",
        {
            "label": handler.label(target),
            "reason_label": reason_label(handler.reason_code(target)),
            "reason_text": handler.reason_text(target),
            "acted_at": handler.acted_at(target),
            "summary": handler.summary(target),
            "content_url": handler.content_url(target),
            "appealable": handler.appealable(target),
            "appeal": existing,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


def transparency(request: HttpRequest) -> HttpResponse:
    rows = report.transparency_rows()
    headers = report.reason_headers()
    if request.GET.get("format") == "csv":
        response = csv_response("moderation-report.csv")
        out = writer(response)
        out.writerow(
            [
                _("Quarter"),
                _("Association"),
                *headers,
                _("Actions"),
                _("Appeals received"),
                _("Upheld"),
                _("Reversed"),
                _("Median days to answer"),
            ]
        )
        for row in rows:
            out.writerow(
                [
                    row["quarter"],
                    row["association"],
                    *row["reasons"],
                    row["actions"],
                    row["received"],
                    row["upheld"],
                    row["reversed"],
                    row["median_days"],
                ]
            )
        return response
    return render(
        request,
        "district/moderation/report.html",
        {"rows": rows, "reason_headers": headers},
    )
