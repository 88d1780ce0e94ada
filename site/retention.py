"""How long personal data is kept, and the daily job that deletes what is past its period.

Periods are settings (README, "Privacy (PIPA)"): unverified accounts
UNVERIFIED_ACCOUNT_DAYS, data exports DATA_EXPORT_DAYS, the e-mail log (the
e-mail queue's task results) EMAIL_LOG_DAYS, read notifications
NOTIFICATION_DAYS, the staff access log ACCESS_LOG_RETENTION_DAYS (at least two
years). Apps add their own sweeps with `register_retention`.

Runs daily: `manage.py privacy_retention` from cron, or the `retention_run`
task, which queues its next run a day later (`privacy_retention --schedule`
starts that chain in `db_worker`).
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django_tasks import task

from district.models import AccessLogEntry, DataExport, Notification

Sweep = Callable[[datetime], int]
_SWEEPS: dict[str, Sweep] = {}


def register_retention(name: str, sweep: Sweep) -> None:
    """`sweep(now)` deletes what its app keeps past its period; returns how many rows went."""
    _SWEEPS[name] = sweep


def _days(name: str, default: int) -> timedelta:
    return timedelta(days=int(getattr(settings, name, default)))


def unverified_accounts_delete(now: datetime) -> int:
    """Accounts that never confirmed an e-mail address, UNVERIFIED_ACCOUNT_DAYS after sign-up."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    stale = (
        User.objects.filter(
            date_joined__lt=now - _days("UNVERIFIED_ACCOUNT_DAYS", 7),
            is_staff=False,
            is_superuser=False,
        )
        .exclude(pk__in=verified)
        .exclude(profile__closed_at__isnull=False)  # closed accounts are opaque ids
    )
    deleted = 0
    for user in stale.iterator():
        try:
            with transaction.atomic():
                user.delete()
            deleted += 1
        except ProtectedError:  # something must stay linked to it: keep the row
            continue
    return deleted


def data_exports_delete(now: datetime) -> int:
    expired = list(DataExport.objects.filter(expires_at__lt=now))
    for export in expired:
        export.delete_file()
    DataExport.objects.filter(pk__in=[e.pk for e in expired]).delete()
    return len(expired)


def email_log_delete(now: datetime) -> int:
    """The e-mail queue's finished task results (who was e-mailed what notification, when)."""
    from django_tasks_db.models import DBTaskResult

    count, _ = (
        DBTaskResult.objects.filter(
            queue_name="email",
            finished_at__lt=now - _days("EMAIL_LOG_DAYS", 30),
        )
        .exclude(finished_at=None)
        .delete()
    )
    return count


def notifications_delete(now: datetime) -> int:
    count, _ = Notification.objects.filter(
        read_at__isnull=False,
        created_at__lt=now - _days("NOTIFICATION_DAYS", 365),
    ).delete()
    return count


def access_log_delete(now: datetime) -> int:
    """Entries older than ACCESS_LOG_RETENTION_DAYS (never under two years).

    The log is append-only: this sweep is the one deliberate exception, a raw
    delete by date that no view or service can reach.
    """
    days = max(int(getattr(settings, "ACCESS_LOG_RETENTION_DAYS", 730)), 730)
    old = AccessLogEntry.objects.filter(at__lt=now - timedelta(days=days))
    return old._raw_delete(old.db)


KERNEL_SWEEPS: dict[str, Sweep] = {
    "unverified_accounts": unverified_accounts_delete,
    "data_exports": data_exports_delete,
    "email_log": email_log_delete,
    "notifications": notifications_delete,
    "access_log": access_log_delete,
}


def retention_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Run every sweep once; returns rows deleted per kind."""
    now = now or timezone.now()
    done = {}
    for name, sweep in {**KERNEL_SWEEPS, **_SWEEPS}.items():
        done[name] = sweep(now)
    return done


@task()
def retention_run(schedule_next: bool = False) -> dict[str, int]:
    done = retention_sweep()
    if schedule_next:
        retention_run.using(run_after=timezone.now() + timedelta(days=1)).enqueue(
            schedule_next=True
        )
    return done
