from django.core.management.base import BaseCommand

from district.retention import retention_run, retention_sweep


class Command(BaseCommand):
    help = "Delete personal data past its retention period (unverified accounts, data exports, e-mail log, notifications, access log, apps' own)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue the daily job in db_worker instead of running once now.",
        )

    def handle(self, *args, **options):
        if options["schedule"]:
            retention_run.enqueue(schedule_next=True)
            self.stdout.write("Retention job queued (daily).")
            return
        for name, count in retention_sweep().items():
            self.stdout.write(f"{name}: {count}")
