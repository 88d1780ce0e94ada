"""The funnel's pre-aggregated counts (`FunnelCount`): kept by the services, recomputed by a command.

Each proposal counts once per stage it has reached, under every breakdown:
the whole cycle, its association, its category, the audience its author
declared and the language it was submitted in. Services call `funnel_add`
in the same transaction as the change, so the dashboard reads a few rows
per cycle, never the proposals.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import connection

from proposals.models import (
    STAGE_FIELDS,
    Cycle,
    Dimension,
    FunnelCount,
    Proposal,
    Stage,
    Status,
)

NOT_DECLARED = "none"


def dimensions_of(proposal: Proposal) -> list[tuple[str, str]]:
    """The (dimension, value) cells a proposal counts in."""
    return [
        (Dimension.ALL, ""),
        (Dimension.DONG, str(proposal.cycle.dong_id or 0)),
        (Dimension.CATEGORY, proposal.category),
        (Dimension.AUDIENCE, proposal.audience or NOT_DECLARED),
        (Dimension.LANGUAGE, proposal.language or NOT_DECLARED),
    ]


def funnel_add(
    proposal: Proposal,
    stages: Iterable[str],
    delta: int = 1,
    cells: list[tuple[str, str]] | None = None,
) -> None:
    """Add `delta` to the proposal's cells at each of `stages`, in one statement (an upsert)."""
    stages = list(stages)
    if not stages or not delta:
        return
    cells = cells if cells is not None else dimensions_of(proposal)
    rows = [
        (proposal.cycle_id, dimension, value, stage, delta)
        for dimension, value in cells
        for stage in stages
    ]
    table = connection.ops.quote_name(FunnelCount._meta.db_table)
    placeholders = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (cycle_id, dimension, value, stage, count) "
            f"VALUES {placeholders} "
            f"ON CONFLICT (cycle_id, dimension, value, stage) "
            f"DO UPDATE SET count = {table}.count + EXCLUDED.count",
            [item for row in rows for item in row],
        )


def reached_stages(proposal: Proposal) -> list[str]:
    return [
        stage
        for stage, field in STAGE_FIELDS.items()
        if getattr(proposal, field) is not None
    ]


def counted(proposal: Proposal) -> bool:
    """Drafts and withdrawn proposals are not in the funnel."""
    return proposal.status not in (Status.DRAFT, Status.WITHDRAWN)


def counts_repair(*, cycles: Iterable[Cycle] | None = None) -> int:
    """Recompute the counts of `cycles` (all by default) from the proposals; returns the rows written."""
    cycles = list(cycles) if cycles is not None else list(Cycle.objects.all())
    written = 0
    for cycle in cycles:
        tally: Counter = Counter()
        proposals = Proposal.objects.filter(cycle=cycle).select_related("cycle")
        for proposal in proposals.iterator():
            if not counted(proposal):
                continue
            for stage in reached_stages(proposal):
                for cell in dimensions_of(proposal):
                    tally[(*cell, stage)] += 1
        FunnelCount.objects.filter(cycle=cycle).delete()
        FunnelCount.objects.bulk_create(
            FunnelCount(
                cycle=cycle, dimension=dimension, value=value, stage=stage, count=n
            )
            for (dimension, value, stage), n in tally.items()
        )
        written += len(tally)
    return written


__all__ = ["NOT_DECLARED", "Stage", "counts_repair", "dimensions_of", "funnel_add"]
