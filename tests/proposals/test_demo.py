"""`seed_district --demo` writes proposal cycles through the services, once."""

import io

from django.core.management import call_command

from proposals.models import Cycle, FunnelCount, Phase, Proposal, Status


def test_demo_creates_a_past_cycle_in_every_status_and_open_cycles_once(district):
    call_command("seed_district", "--demo", stdout=io.StringIO())
    past = Cycle.objects.filter(year__lt=Cycle.objects.order_by("-year").first().year)
    assert past.exists() and all(c.phase == Phase.CLOSED for c in past)
    statuses = set(
        Proposal.objects.filter(cycle__in=past).values_list("status", flat=True)
    )
    assert statuses >= set(Status.values) - {Status.DRAFT}
    open_cycles = [c for c in Cycle.objects.all() if c.phase == Phase.PROPOSING]
    assert len(open_cycles) == len(district)
    counts = FunnelCount.objects.count()
    proposals = Proposal.objects.count()
    call_command("seed_district", "--demo", stdout=io.StringIO())
    assert Proposal.objects.count() == proposals
    assert FunnelCount.objects.count() == counts
