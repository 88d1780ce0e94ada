"""Named reads: lists with filters and sorting, open cycles, similar titles, the dashboard's figures, open data."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Q, QuerySet, Sum

from proposals.models import (
    PEOPLE_DIMENSIONS,
    PRIVACY_MIN,
    Cycle,
    Dimension,
    FunnelCount,
    Phase,
    Proposal,
    Stage,
    Status,
    Support,
    today,
)
from proposals.rules import RATES, rate, threshold_for_population

AnyUser = User | AnonymousUser

SORTS = {
    "newest": ("-submitted_at", "-pk"),
    "supported": ("-support_count", "-pk"),
    "updated": ("-updated_at", "-pk"),
}
SIMILAR_LIMIT = 5


@dataclass(frozen=True)
class ProposalFilters:
    dong_id: int | None = None  # 0: district-wide cycles
    cycle_id: int | None = None
    category: str = ""
    status: str = ""
    phase: str = ""
    sort: str = "newest"


def phase_q(phase: str, day=None) -> Q:
    """Cycles in `phase` today, as a condition on their dates."""
    day = day or today()
    if phase == Phase.UPCOMING:
        return Q(proposing_from__gt=day)
    if phase == Phase.CLOSED:
        return Q(ends_on__lte=day)
    following = {
        Phase.PROPOSING: "screening_from",
        Phase.SCREENING: "deliberation_from",
        Phase.DELIBERATION: "selection_from",
        Phase.SELECTION: "implementation_from",
        Phase.IMPLEMENTATION: "ends_on",
    }[phase]
    starts = {
        Phase.PROPOSING: "proposing_from",
        Phase.SCREENING: "screening_from",
        Phase.DELIBERATION: "deliberation_from",
        Phase.SELECTION: "selection_from",
        Phase.IMPLEMENTATION: "implementation_from",
    }[phase]
    return Q(**{f"{starts}__lte": day, f"{following}__gt": day})


def proposal_list(filters: ProposalFilters) -> QuerySet[Proposal]:
    """Public proposals, filtered and sorted, with what a list row shows (one query per page)."""
    proposals = Proposal.objects.public().exclude(status=Status.WITHDRAWN).for_list()
    if filters.cycle_id:
        proposals = proposals.filter(cycle_id=filters.cycle_id)
    if filters.dong_id == 0:
        proposals = proposals.filter(cycle__dong__isnull=True)
    elif filters.dong_id:
        proposals = proposals.filter(cycle__dong_id=filters.dong_id)
    if filters.category:
        proposals = proposals.filter(category=filters.category)
    if filters.status:
        proposals = proposals.filter(status=filters.status)
    if filters.phase:
        cycles = Cycle.objects.filter(phase_q(filters.phase)).values("pk")
        proposals = proposals.filter(cycle_id__in=cycles)
    return proposals.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


def supported_ids(user: AnyUser, proposals) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        Support.objects.filter(
            user=user, proposal__in=[p.pk for p in proposals]
        ).values_list("proposal_id", flat=True)
    )


def open_cycles(dong=None, *, include_district: bool = True) -> list[Cycle]:
    """Cycles running today (not upcoming, not closed): an association's, and the district's."""
    day = today()
    cycles = Cycle.objects.filter(
        proposing_from__lte=day, ends_on__gt=day
    ).select_related("dong")
    if dong is not None:
        where = Q(dong=dong)
        if include_district:
            where |= Q(dong__isnull=True)
        cycles = cycles.filter(where)
    return list(cycles.order_by("dong__path", "pk"))


def similar_proposals(
    cycle: Cycle, text: str, exclude: int | None = None
) -> list[Proposal]:
    """Up to five public proposals of the cycle whose titles look like `text`.

    PostgreSQL ranks by pg_trgm `similarity()` (the extension is installed by
    the kernel's migrations); elsewhere, titles sharing a word (2+ letters).
    """
    text = " ".join(text.split())[:120]
    if len(text) < 2:
        return []
    proposals = (
        Proposal.objects.public()
        .filter(cycle=cycle)
        .exclude(status=Status.WITHDRAWN)
        .only("pk", "title", "status", "support_count", "cycle_id")
    )
    if exclude:
        proposals = proposals.exclude(pk=exclude)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        return list(
            proposals.annotate(similarity=TrigramSimilarity("title", text))
            .filter(Q(similarity__gt=0.2) | Q(title__icontains=text))
            .order_by("-similarity", "-support_count")[:SIMILAR_LIMIT]
        )
    words = [w for w in text.split() if len(w) >= 2][:8]
    if not words:
        return []
    where = Q()
    for word in words:
        where |= Q(title__icontains=word)
    return list(
        proposals.filter(where).order_by("-support_count", "-pk")[:SIMILAR_LIMIT]
    )


# The dashboard: every figure comes from FunnelCount rows, a fixed number of queries.


@dataclass
class Breakdown:
    dimension: str
    rows: list = field(
        default_factory=list
    )  # (value, label, {stage: count}, {rate: value})


def shown(count: int, dimension: str) -> str | int:
    """A people-breakdown cell counting fewer than PRIVACY_MIN (but some) is shown as "< 5"."""
    if dimension in PEOPLE_DIMENSIONS and 0 < count < PRIVACY_MIN:
        return f"< {PRIVACY_MIN}"
    return count


def _rates(counts: dict) -> dict:
    return {name: rate(counts, stage) for name, stage in RATES}


def funnel_rows(cycles: QuerySet[Cycle]) -> dict[tuple[str, str], dict[str, int]]:
    """{(dimension, value): {stage: count}} summed over `cycles` (one query)."""
    table: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    rows = (
        FunnelCount.objects.filter(cycle__in=cycles)
        .values("dimension", "value", "stage")
        .annotate(total=Sum("count"))
    )
    for row in rows:
        table[(row["dimension"], row["value"])][row["stage"]] = row["total"]
    return table


def trend(cycles: QuerySet[Cycle]) -> list[dict]:
    """Submitted, selected and implemented per year, with the rates (one query)."""
    rows = (
        FunnelCount.objects.filter(cycle__in=cycles, dimension=Dimension.ALL)
        .values("cycle__year", "stage")
        .annotate(total=Sum("count"))
        .order_by("cycle__year")
    )
    years: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        years[row["cycle__year"]][row["stage"]] = row["total"]
    return [
        {"year": year, "counts": counts, "rates": _rates(counts)}
        for year, counts in sorted(years.items())
    ]


def dashboard(cycles: QuerySet[Cycle], labels: dict[str, dict[str, str]]) -> dict:
    """The funnel, the rates and the breakdowns of `cycles`; `labels` names each dimension's values."""
    table = funnel_rows(cycles)
    overall = table.get((Dimension.ALL, ""), {})
    breakdowns = []
    for dimension in (
        Dimension.DONG,
        Dimension.CATEGORY,
        Dimension.AUDIENCE,
        Dimension.LANGUAGE,
    ):
        rows = []
        for (dim, value), counts in table.items():
            if dim != dimension or not counts.get(Stage.SUBMITTED):
                continue
            rates = _rates(counts)
            people = dimension in PEOPLE_DIMENSIONS
            small = people and counts.get(Stage.SUBMITTED, 0) < PRIVACY_MIN
            rows.append(
                {
                    "value": value,
                    "label": labels.get(dimension, {}).get(value, value),
                    "counts": {
                        s: shown(counts.get(s, 0), dimension) for s in Stage.values
                    },
                    "rates": {k: (None if small else v) for k, v in rates.items()},
                    "submitted": counts.get(Stage.SUBMITTED, 0),
                }
            )
        rows.sort(key=lambda r: (-r["submitted"], str(r["label"])))
        breakdowns.append(Breakdown(dimension=dimension, rows=rows))
    return {
        "funnel": [(stage, overall.get(stage, 0)) for stage in Stage.values],
        "rates": _rates(overall),
        "breakdowns": breakdowns,
        "trend": trend(Cycle.objects.all()),
    }


def threshold_of(cycle: Cycle) -> int:
    from proposals.rules import support_threshold

    return support_threshold(cycle)


def open_data_rows(cycle: Cycle) -> QuerySet[Proposal]:
    """What the open-data files list: public proposals with their public history (no names)."""
    return (
        Proposal.objects.public()
        .filter(cycle=cycle)
        .select_related("cycle__dong")
        .prefetch_related("history")
        .order_by("pk")
    )


__all__ = ["threshold_for_population"]
