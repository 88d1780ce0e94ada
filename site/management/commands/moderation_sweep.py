from django.core.management.base import BaseCommand

from district.moderation.services import appeals_flag_overdue, sanctions_lapse


class Command(BaseCommand):
    help = "End sanctions whose time is up and flag overdue appeals to district staff (cron safety net for the scheduled jobs)."

    def handle(self, *args, **options) -> None:
        lapsed = sanctions_lapse()
        flagged = appeals_flag_overdue()
        self.stdout.write(
            f"{lapsed} sanction(s) lapsed, {flagged} appeal(s) flagged overdue"
        )
