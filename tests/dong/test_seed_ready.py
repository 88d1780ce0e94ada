"""`seed_district` leaves a site that is ready when it first answers."""

import io

from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from dong.models import NoticePage

DATABASE_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email"],
    }
}


def test_demo_seed_indexes_now_and_hints_the_served_address(
    district, tmp_path, settings
):
    settings.VAR_DIR = tmp_path
    settings.TASKS = DATABASE_TASKS  # as `make run`: tasks wait for a worker
    out = io.StringIO()

    call_command(
        "seed_district", "--demo", "--url", "http://127.0.0.1:8123", stdout=out
    )

    assert "Sign in at http://127.0.0.1:8123/accounts/login/" in out.getvalue()
    assert "127.0.0.1:8000" not in out.getvalue()
    # No per-object indexing left for a worker to drain...
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert not queued.filter(task_path__startswith="modelsearch.").exists()
    assert not queued.filter(
        task_path="wagtail.tasks.update_reference_index_task"
    ).exists()
    # ...because the search index already holds the demo notices.
    notice = NoticePage.objects.live().first()
    assert notice.pk in {page.pk for page in Page.objects.live().search(notice.title)}
