"""Recompute the dashboard's pre-aggregated counts (FunnelCount) from the proposals themselves."""

from django.core.management.base import BaseCommand
from django.db import transaction

from proposals.counts import counts_repair
from proposals.models import Cycle


class Command(BaseCommand):
    help = "Recompute the proposals funnel counts (all cycles, or --cycle N)."

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, action="append", default=None)

    def handle(self, *args, cycle=None, **options):
        cycles = Cycle.objects.all()
        if cycle:
            cycles = cycles.filter(pk__in=cycle)
        with transaction.atomic():
            rows = counts_repair(
                cycles=cycles.select_for_update(of=("self",)).order_by("pk")
            )
        self.stdout.write(f"{rows} count rows written for {cycles.count()} cycles.")
