"""The scheduled side of moderation: sanctions lapse at their end date, overdue appeals are flagged.

Each sanction with an end queues `sanctions_lapse_task` for that moment, each
appeal queues `appeals_overdue_task` for its answer date (django-tasks, run
by `db_worker`). Both sweep everything due, so a late or repeated run is
harmless; `manage.py moderation_sweep` does the same from cron as a safety
net. Backends that cannot defer (the tests' immediate backend) get nothing
queued.
"""

from datetime import datetime

from django_tasks import task


@task()
def sanctions_lapse_task() -> int:
    from district.moderation.services import sanctions_lapse

    return sanctions_lapse()


@task()
def appeals_overdue_task() -> int:
    from district.moderation.services import appeals_flag_overdue

    return appeals_flag_overdue()


def schedule_lapse(at: datetime) -> None:
    if sanctions_lapse_task.get_backend().supports_defer:
        sanctions_lapse_task.using(run_after=at).enqueue()


def schedule_overdue_check(at: datetime) -> None:
    if appeals_overdue_task.get_backend().supports_defer:
        appeals_overdue_task.using(run_after=at).enqueue()
