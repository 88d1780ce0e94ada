from django.core.management.base import BaseCommand

from votes.services import declarations_erase


class Command(BaseCommand):
    help = "Erase voters' declarations (association, age band, category) a year after a ballot's certification."

    def handle(self, *args, **options):
        erased = declarations_erase()
        self.stdout.write(f"Declarations erased: {erased}")
