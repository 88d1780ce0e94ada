from django.core.management.base import BaseCommand

from events.services.draw import draw_run, due_draws


class Command(BaseCommand):
    help = "Run the draws whose registration has closed (a sweep for task backends that cannot defer; run every minute from cron)."

    def handle(self, *args, **options):
        for occurrence in due_draws():
            draw = draw_run(occurrence=occurrence)
            self.stdout.write(f"date {occurrence.pk}: {draw.entries} entries drawn")
