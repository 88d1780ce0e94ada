from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from modelsearch.tasks import insert_or_update_object_task
from wagtail.tasks import update_reference_index_task

from district.ratelimit import suspended
from dong.demo import ADMIN_EMAIL, STAFF_EMAIL, demo_password, demo_seed
from dong.demo_content import dong_demo_seed
from dong.district_file import DistrictFileError, load_district_file
from dong.models import DongPage
from dong.services import DistrictSeedError, district_seed
from events.demo import events_demo_seed
from forums.demo import facilitators_ensure, forums_demo_seed
from forums.services import boards_ensure, boards_follow_dong_rename
from proposals.demo import proposals_demo_seed
from votes.demo import votes_demo_seed


class Command(BaseCommand):
    help = "Create or update the district home page and its associations from the data file (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=settings.DISTRICT_DATA_FILE,
            help="the district's CSV file",
        )
        parser.add_argument(
            "--demo", action="store_true", help="also add demo accounts and sample text"
        )
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="where the site will be served, for the sign-in hint",
        )

    @no_translations
    def handle(self, *args, **options):
        # Demo data goes through the services, faster than any resident: no rate limits.
        with suspended():
            self._seed(*args, **options)

    def _seed(self, *args, file: Path, demo: bool, url: str = "", **options):
        started = timezone.now()
        try:
            entries = load_district_file(file)
        except DistrictFileError as error:
            raise CommandError(f"{error} Nothing was changed.") from error

        self.stdout.write(f"Seeding {len(entries)} associations from {file}")
        try:
            with transaction.atomic():
                report = district_seed(
                    entries=entries,
                    title=settings.DISTRICT_NAME,
                    title_en=settings.DISTRICT_NAME_EN,
                    progress=self._progress,
                )
                for renamed in report.renamed:
                    boards_follow_dong_rename(
                        dong=renamed.page,
                        old_slug=renamed.old_slug,
                        old_title=renamed.old_title,
                        old_name_en=renamed.old_name_en,
                        also_redirect=(
                            "events:board",
                            "events:new",
                            "events:board_feed",
                        ),
                    )
                boards = boards_ensure(dongs=DongPage.objects.order_by("path"))
        except DistrictSeedError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Associations: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged, {len(report.renamed)} renamed."
            )
        )
        self.stdout.write(self.style.SUCCESS(f"Forum boards: {len(boards)}"))
        if demo:
            password = demo_password()
            self.stdout.write("Adding demo accounts and sample text")
            emails = demo_seed(password=password, progress=self._progress)
            emails += facilitators_ensure(password=password)
            self.stdout.write(self.style.SUCCESS(f"Demo accounts: {len(emails)}"))
            pages = dong_demo_seed()
            self.stdout.write(self.style.SUCCESS(f"Demo notices and minutes: {pages}"))
            threads = forums_demo_seed()
            self.stdout.write(
                self.style.SUCCESS(f"Demo forum threads started: {threads}")
            )
            events = events_demo_seed()
            self.stdout.write(self.style.SUCCESS(f"Demo events created: {events}"))
            ballots = votes_demo_seed()
            self.stdout.write(self.style.SUCCESS(f"Demo ballots created: {ballots}"))
            proposals = proposals_demo_seed()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo proposals created (demo numbers): {proposals}"
                )
            )
            self.stdout.write(
                "\n"
                f"  Admin login:   {ADMIN_EMAIL}  /  {password}\n"
                f"  District staff: {STAFF_EMAIL}, leaders: leader.<slug>@example.org,\n"
                f"  facilitators: facilitator.<youth|seniors|foreign-residents>@example.org,\n"
                f"  residents: resident1.<slug>@example.org (all with the same password)\n"
                f"  Sign in at {url.rstrip('/')}/accounts/login/ ; the CMS is at /admin/\n"
            )
        self._index_now(since=started)

    def _index_now(self, *, since) -> None:
        """Build the search and reference indexes now, in bulk, so the site is
        ready when it answers instead of a worker draining one task per saved
        object (~2,000 after a demo seed, with SQLite "database is locked"
        meanwhile). The per-object tasks this run queued are dropped first:
        the rebuild that follows covers them, and anything saved later queues
        its own."""
        if apps.is_installed("django_tasks_db"):
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.filter(
                status=TaskResultStatus.READY,
                enqueued_at__gte=since,
                task_path__in=[
                    insert_or_update_object_task.module_path,
                    update_reference_index_task.module_path,
                ],
            ).delete()
        call_command("update_index", verbosity=0, stdout=self.stdout)
        call_command("rebuild_references_index", verbosity=0, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Search and reference indexes built"))

    def _progress(self, number: int, total: int, name: str) -> None:
        self.stdout.write(f"  [{number:>2}/{total}] {name}")
