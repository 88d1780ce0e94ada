"""A resident's rights over their data: close the account, download a copy (PIPA)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from district.accounts import account_close
from district.exports import data_export_request, storage
from district.forms import submit
from district.models import DataExport, DataExportStatus


class AccountCloseForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    delete_content = forms.BooleanField(
        label=gettext_lazy(
            "Also delete my forum posts where nobody's reply depends on them"
        ),
        required=False,
    )


@login_required
def account_close_view(request: HttpRequest) -> HttpResponse:
    form = AccountCloseForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: account_close(
            user=request.user,
            password=data["password"],
            delete_content=data["delete_content"],
        ),
    )
    if done:
        logout(request)
        messages.success(
            request,
            _(
                "Your account is closed. Thank you for taking part in your neighbourhood."
            ),
        )
        return redirect("/")
    return render(request, "district/account_close.html", {"form": form})


@login_required
def data_export_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            data_export_request(user=request.user)
            messages.success(
                request,
                _(
                    "We are preparing your data. This page shows the download link when it is ready."
                ),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("data_export")
    exports = DataExport.objects.filter(user=request.user)[:5]
    return render(
        request,
        "district/data_export.html",
        {
            "exports": exports,
            "ready": DataExportStatus.READY,
            "days": settings.DATA_EXPORT_DAYS,
        },
    )


@login_required
def data_export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    """Only the owner downloads their export (someone else gets the same 404 as for a missing one)."""
    export = DataExport.objects.filter(
        pk=export_id, user=request.user, status=DataExportStatus.READY
    ).first()
    if export is None or export.is_expired() or not storage().exists(export.file_name):
        raise Http404
    response = FileResponse(
        storage().open(export.file_name, "rb"),
        as_attachment=True,
        filename=f"dongne-my-data-{export.created_at:%Y%m%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
