"""Download my data: a ZIP of JSON and CSV, built in the background, kept DATA_EXPORT_DAYS in private storage.

Private storage is the `exports` entry of STORAGES (a folder outside MEDIA
in production): files are served only by `district.privacy_views`, to their owner.
"""

import io
import json
import zipfile
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from district import csv as safe_csv
from district import live
from district.accounts import data_exporters, register_data_exporter
from district.models import DataExport, DataExportStatus, Notification, Profile


def storage() -> Storage:
    return storages["exports"]


@live.atomic
def data_export_request(*, user: AbstractUser) -> DataExport:
    """Ask for a copy of one's data; prepared by a background task. One at a time, and at most one a day."""
    if not user.is_authenticated or not user.is_active:
        raise ValidationError(_("Sign in to download your data."))
    recent = DataExport.objects.filter(
        user=user, created_at__gt=timezone.now() - timedelta(days=1)
    ).exclude(status=DataExportStatus.FAILED)
    if recent.exists():
        raise ValidationError(
            _(
                "You asked for a copy of your data in the last 24 hours: please use that one."
            )
        )
    export = DataExport.objects.create(
        user=user,
        expires_at=timezone.now() + timedelta(days=settings.DATA_EXPORT_DAYS),
    )
    transaction.on_commit(lambda: data_export_build.enqueue(export.pk))
    return export


def _csv_bytes(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    writer = safe_csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_flat(row.get(c, "")) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode()


def _flat(value) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else str(value)


def build_zip(user: AbstractUser) -> bytes:
    """Every registered kind of data about `user`, as `<kind>.json` and `<kind>.csv`."""
    register_kernel_exporters()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        index = {"generated_at": timezone.now().isoformat(), "files": []}
        for name, exporter in data_exporters().items():
            rows = exporter(user)
            archive.writestr(
                f"{name}.json",
                json.dumps(rows, ensure_ascii=False, indent=2, default=str),
            )
            archive.writestr(f"{name}.csv", _csv_bytes(rows))
            index["files"].append({"kind": name, "rows": len(rows)})
        archive.writestr("README.json", json.dumps(index, indent=2))
    return out.getvalue()


@task()
def data_export_build(export_id: int) -> bool:
    export = (
        DataExport.objects.select_related("user")
        .filter(pk=export_id, status=DataExportStatus.PENDING)
        .first()
    )
    if export is None:
        return False
    try:
        content = build_zip(export.user)
        name = storage().save(
            f"export-{export.user_id}-{export.pk}.zip", ContentFile(content)
        )
    except Exception:
        DataExport.objects.filter(pk=export.pk).update(status=DataExportStatus.FAILED)
        raise
    DataExport.objects.filter(pk=export.pk).update(
        status=DataExportStatus.READY,
        file_name=name,
        size=len(content),
        ready_at=timezone.now(),
    )
    return True


def _profile(user: AbstractUser) -> list[dict]:
    profile = Profile.objects.filter(user=user).first()
    row = {
        "email": user.email,
        "joined": user.date_joined,
        "last_login": user.last_login,
    }
    if profile is not None:
        row.update(
            display_name=profile.display_name,
            home_neighbourhood=profile.home_dong.title if profile.home_dong else "",
            language=profile.language,
            age_band=profile.age_band,
            email_notifications=profile.email_notifications,
        )
    from allauth.account.models import EmailAddress

    row["email_addresses"] = [
        {"email": e.email, "verified": e.verified, "primary": e.primary}
        for e in EmailAddress.objects.filter(user=user)
    ]
    return [row]


def _message(notification: Notification) -> str:
    try:
        return notification.message()
    except (KeyError, ValueError, TypeError):  # a row its formatter cannot read
        return notification.kind


def _notifications(user: AbstractUser) -> list[dict]:
    return [
        {
            "kind": n.kind,
            "message": _message(n),
            "params": n.params,
            "url": n.url,
            "created_at": n.created_at,
            "read_at": n.read_at,
            "emailed_at": n.emailed_at,
        }
        for n in Notification.objects.filter(user=user).order_by("created_at")
    ]


def _exports(user: AbstractUser) -> list[dict]:
    return [
        {"requested_at": e.created_at, "status": e.status, "expires_at": e.expires_at}
        for e in DataExport.objects.filter(user=user)
    ]


def register_kernel_exporters() -> None:
    register_data_exporter("profile", _profile)
    register_data_exporter("notifications", _notifications)
    register_data_exporter("data_exports", _exports)
    from django.apps import apps

    # Consents (sign-up notice, under-14 guardian consent: district.consents), when that record exists.
    for label, name in (
        ("Consent", "consents"),
        ("GuardianConsent", "guardian_consent"),
    ):
        try:
            model = apps.get_model("district", label)
        except LookupError:
            continue
        register_data_exporter(name, _model_rows(model))


def _model_rows(model):
    """Every field of the user's rows but ids and secrets (token hashes)."""

    def export(user: AbstractUser) -> list[dict]:
        return [
            {
                f.name: getattr(row, f.attname)
                for f in row._meta.concrete_fields
                if f.name not in ("id", "user") and "token" not in f.name
            }
            for row in model.objects.filter(user=user)
        ]

    return export
